package dev.tether.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.chaos.internal.ApiServer;
import dev.tether.chaos.internal.HttpListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control API against hostile callers, over raw sockets on loopback so that every header is
 * the test's: a web page (Host of another name, Origin, Sec-Fetch-*), a non-loopback listen address
 * without the opt-in, and clients that stall or trickle while another one is served.
 */
class ApiDefencesTest {

    /** Long enough that a request stuck behind a stalled client would visibly hang; never waited out. */
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final HttpListener.Limits PATIENT = new HttpListener.Limits(LONG, LONG, LONG, LONG, 16 * 1024, 100, 1 << 20, 256);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final HttpListener.Limits STRICT = new HttpListener.Limits(SHORT, SHORT, SHORT, SHORT, 1024, 10, 4096, 3);

    private final ChaosLab lab = ChaosLab.create();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        lab.close();
    }

    private int api(boolean remote, HttpListener.Limits limits) {
        ApiServer api = ApiServer.start(lab, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", remote, limits);
        toClose.add(api);
        return api.address().getPort();
    }

    private int api() {
        return api(false, PATIENT);
    }

    record Reply(int status, String head, String body) {
        String error() {
            return body;
        }
    }

    private Socket open(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000); // a generous deadline for an answer, not a measure of speed
        toClose.add(s);
        return s;
    }

    /** Sends {@code request} as it is and reads one response (Content-Length framed, or up to the close). */
    private Reply send(int port, String request) throws IOException {
        Socket s = open(port);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return read(s.getInputStream());
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(h.substring(9, 12));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(h);
        byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
        return new Reply(status, h, new String(body, StandardCharsets.UTF_8));
    }

    private static String get(String path, String... headers) {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private Reply version(int port, String... headers) throws IOException {
        return send(port, get("/version", headers));
    }

    // Browsers and web pages

    @Test
    void aHostThatIsNotTheApisAddressIsRefusedAgainstDnsRebinding() throws IOException {
        int port = api();
        assertThat(version(port, "Host: 127.0.0.1:" + port).status).isEqualTo(200);
        assertThat(version(port, "Host: localhost:" + port).status).isEqualTo(200);
        assertThat(version(port, "Host: LOCALHOST.").status).isEqualTo(200);
        assertThat(version(port, "Host: [::1]:" + port).status).isEqualTo(200);
        assertThat(version(port, "Host: 127.0.0.2:" + port).status).isEqualTo(200);

        Reply rebound = version(port, "Host: attacker.example:" + port);
        assertThat(rebound.status).isEqualTo(403);
        assertThat(rebound.error()).contains("Host: \\\"attacker.example:" + port + "\\\" refused").contains("DNS rebinding");
        assertThat(rebound.head).contains("Connection: close");
        assertThat(version(port, "Host: 192.0.2.7:" + port).status).as("a non-loopback IP on a loopback-only API").isEqualTo(403);
        assertThat(version(port, "Host: 999.1.1.1:" + port).status).as("not an IP: a name, looked up by nobody").isEqualTo(403);

        assertThat(send(port, "GET /version HTTP/1.0\r\n\r\n").error()).contains("Host: missing");
        assertThat(version(port, "Host: 127.0.0.1", "Host: attacker.example").status).isEqualTo(400);
    }

    @Test
    void withRemoteAccessAnyIpAddressIsAValidHostButANameIsNot() throws IOException {
        int port = api(true, PATIENT);
        assertThat(version(port, "Host: 192.0.2.7:" + port).status).isEqualTo(200);
        assertThat(version(port, "Host: [2001:db8::1]:" + port).status).isEqualTo(200);
        assertThat(version(port, "Host: attacker.example:" + port).status).isEqualTo(403);
        assertThat(version(port, "Host: 127.0.0.1", "Origin: https://attacker.example").status).isEqualTo(403);
    }

    @Test
    void anOriginThatIsNotLoopbackIsRefused() throws IOException {
        int port = api();
        String host = "Host: 127.0.0.1:" + port;
        Reply page = send(port, "POST /reset HTTP/1.1\r\n" + host + "\r\nOrigin: https://attacker.example\r\nContent-Length: 0\r\n\r\n");
        assertThat(page.status).isEqualTo(403);
        assertThat(page.error()).contains("Origin: \\\"https://attacker.example\\\" refused");
        assertThat(version(port, host, "Origin: null").status).as("a sandboxed page or a file").isEqualTo(403);
        assertThat(version(port, host, "Origin: http://localhost:3000").status).isEqualTo(200);
        assertThat(version(port, host, "Origin: http://127.0.0.1:8080").status).isEqualTo(200);
    }

    @Test
    void browserFetchMetadataOfAnotherSiteOrANavigationIsRefused() throws IOException {
        int port = api();
        String host = "Host: 127.0.0.1:" + port;
        Reply cross = version(port, host, "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors");
        assertThat(cross.status).isEqualTo(403);
        assertThat(cross.error()).contains("Sec-Fetch-Site: cross-site refused");
        assertThat(version(port, host, "Sec-Fetch-Site: same-site").status).isEqualTo(403);
        Reply typed = version(port, host, "Sec-Fetch-Site: none", "Sec-Fetch-Mode: navigate");
        assertThat(typed.status).isEqualTo(403);
        assertThat(typed.error()).contains("Sec-Fetch-Mode: navigate refused");
        assertThat(version(port, host, "Sec-Fetch-Site: same-origin", "Sec-Fetch-Mode: cors").status).isEqualTo(200);
        assertThat(version(port, host, "User-Agent: Mozilla/5.0").error()).contains("user agent not allowed");
    }

    @Test
    void aNonLoopbackHostNeedsTheOptInInJava() {
        assertThatThrownBy(() -> lab.startApi("0.0.0.0", 0))
                .isInstanceOf(ChaosException.class)
                .hasMessageStartingWith("host: 0.0.0.0 is not a loopback address (expected: 127.0.0.1, ::1 or localhost")
                .hasMessageContaining("ChaosLab.ApiAccess.REMOTE or tether proxy --allow-remote")
                .hasMessageContaining("re-point a proxy's upstream and read the traffic");
        assertThat(lab.apiAddress()).as("nothing started").isEmpty();
        assertThatThrownBy(() -> ChaosLab.serve("0.0.0.0", 0, null)).hasMessageContaining("not a loopback address");
        // With the opt-in the address is accepted (checked without listening: tests listen on loopback only).
        assertThat(ChaosLab.apiAddressFor("0.0.0.0", 8474, ChaosLab.ApiAccess.REMOTE).getAddress().isAnyLocalAddress()).isTrue();
        assertThat(ChaosLab.apiAddressFor("localhost", 8474, ChaosLab.ApiAccess.LOOPBACK).getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> ChaosLab.apiAddressFor("127.0.0.1", 70000, ChaosLab.ApiAccess.LOOPBACK))
                .hasMessage("port: 70000 (expected: 0 to 65535)");
    }

    // Slow clients

    @Test
    void stalledClientsDoNotHoldUpAFastOne() throws Exception {
        int port = api();
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        // More stalled clients than the old server had threads, each stuck in another phase.
        open(port); // connected, silent
        open(port).getOutputStream().write("G".getBytes(StandardCharsets.US_ASCII)); // one byte
        open(port).getOutputStream().write(("GET /version HTTP/1.1\r\n" + host).getBytes(StandardCharsets.US_ASCII)); // half a head
        open(port).getOutputStream().write(("POST /proxies HTTP/1.1\r\n" + host + "Content-Length: 100\r\n\r\n{\"na")
                .getBytes(StandardCharsets.US_ASCII)); // a body promised, not sent
        Reply fast = send(port, get("/version", host.strip()));
        assertThat(fast.status).isEqualTo(200);
        assertThat(fast.body).contains(ChaosLab.VERSION);
    }

    @Test
    void aRequestThatDoesNotArriveInTimeIsAnswered408AndClosed() throws Exception {
        int port = api(false, STRICT);
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        Socket halfHead = open(port);
        halfHead.getOutputStream().write(("GET /version HTTP/1.1\r\n" + host).getBytes(StandardCharsets.US_ASCII));
        Reply late = read(halfHead.getInputStream());
        assertThat(late.status).isEqualTo(408);
        assertThat(late.error()).contains("request not received in time");
        assertThat(halfHead.getInputStream().read()).isEqualTo(-1);

        Socket noBody = open(port);
        noBody.getOutputStream().write(("POST /proxies HTTP/1.1\r\n" + host + "Content-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(read(noBody.getInputStream()).status).isEqualTo(408);

        // A byte every 50 ms: each read is quick, the head never completes; the deadline is per head, not per read.
        Socket trickle = open(port);
        OutputStream out = trickle.getOutputStream();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        toClose.add(drip::shutdownNow);
        byte[] endless = ("GET /version HTTP/1.1\r\n" + host + "X-Slow: " + "a".repeat(900)).getBytes(StandardCharsets.US_ASCII);
        int[] next = {0};
        drip.scheduleAtFixedRate(() -> {
            try {
                out.write(endless[Math.min(next[0]++, endless.length - 1)]);
            } catch (IOException closed) {
                throw new IllegalStateException(closed); // ends the drip
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        assertThat(read(trickle.getInputStream()).status).isEqualTo(408);

        Socket silent = open(port);
        assertThat(silent.getInputStream().read()).as("a connection that never sends is closed").isEqualTo(-1);
    }

    @Test
    void pastItsConnectionLimitTheApiAnswers503AtOnce() throws Exception {
        int port = api(false, new HttpListener.Limits(LONG, LONG, LONG, LONG, 1024, 10, 4096, 2));
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        for (int i = 0; i < 2; i++) {
            Socket held = open(port);
            held.getOutputStream().write(("GET /version HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(read(held.getInputStream()).status).isEqualTo(200); // kept alive: it holds its thread
        }
        Reply full = read(open(port).getInputStream());
        assertThat(full.status).isEqualTo(503);
        assertThat(full.error()).contains("too many connections to the control API (at most 2)");
    }

    // Framing

    @Test
    void framingLimitsAndKeepAlive() throws Exception {
        int port = api(false, STRICT);
        String host = "Host: 127.0.0.1:" + port;
        assertThat(send(port, get("/version", host, "X-Big: " + "a".repeat(2000))).status).isEqualTo(431);
        assertThat(send(port, get("/version", host, "A: 1", "B: 1", "C: 1", "D: 1", "E: 1", "F: 1", "G: 1", "H: 1", "I: 1", "J: 1"))
                .error()).contains("more than 10 header fields");
        assertThat(send(port, "POST /proxies HTTP/1.1\r\n" + host + "\r\nContent-Length: 5000\r\n\r\n").status).isEqualTo(413);
        assertThat(send(port, "GET /version HTTP/2.0\r\n" + host + "\r\n\r\n").status).isEqualTo(505);
        assertThat(send(port, "GET version\r\n\r\n").error()).contains("bad request line");
        assertThat(send(port, "GET /version HTTP/1.1\r\n" + host + "\r\n folded\r\n\r\n").error()).contains("bad header line");
        assertThat(send(port, "POST /reset HTTP/1.1\r\n" + host + "\r\nTransfer-Encoding: gzip\r\n\r\n").status).isEqualTo(501);

        // Two requests on one connection, the second with a chunked body and Expect: 100-continue.
        Socket s = open(port);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        out.write(get("/version", host).getBytes(StandardCharsets.US_ASCII));
        assertThat(read(in).status).isEqualTo(200);
        String body = "{\"name\":\"c\",\"upstream\":\"127.0.0.1:1\",\"enabled\":false}";
        out.write(("POST /proxies HTTP/1.1\r\n" + host + "\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(read(in).status).isEqualTo(100);
        out.write((Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(read(in).status).isEqualTo(201);
        assertThat(lab.proxy("c").upstream()).isEqualTo("127.0.0.1:1");
    }
}
