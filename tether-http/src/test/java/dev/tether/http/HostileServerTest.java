package dev.tether.http;

import dev.tether.net.testkit.Certs;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a hostile server, URL or network can make the client do, on loopback. Every test runs with
 * one connection per route ({@code maxPerKey(1)}) and ends with one more request that must
 * succeed: a failure path that kept its lease would make that request wait in vain.
 */
class HostileServerTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private HttpClient client(HttpClientConfig.Builder b) {
        return track(HttpClient.create(b.pool(p -> p.maxPerKey(1).acquireTimeout(Duration.ofSeconds(5))).build()));
    }

    private HttpClient client() {
        return client(HttpClientConfig.builder());
    }

    /** The proof that no lease was kept: with one connection per route, one more request succeeds. */
    private static void oneMoreRequestSucceeds(HttpClient client, TestServer s) throws IOException {
        try (HttpResponse r = client.send(HttpRequest.get(s.url("/ok")))) {
            assertThat(r.status()).isEqualTo(200);
            r.bytes();
        }
        assertThat(client.poolStats().leased()).isZero();
    }

    private TestServer server(TestServer.Responder r) throws IOException {
        return track(TestServer.answering((c, req) -> {
            if (req.target().equals("/ok")) {
                c.ok("ok");
            } else {
                r.answer(c, req);
            }
        }));
    }

    @Test
    void charactersBeyondAsciiCannotSplitTheRequest() throws Exception {
        TestServer s = server((c, r) -> c.ok("one"));
        HttpClient client = client();
        // U+0120, U+010D and U+010A end in the bytes of space, CR and LF: cast to bytes they would
        // end the request line and start a second request.
        String url = s.url("/x\u0120HTTP/1.1\u010D\u010AX-Evil:\u01201\u010D\u010A\u010D\u010AGET\u0120/second");
        assertThat(client.send(HttpRequest.get(url)).string()).isEqualTo("one");
        assertThat(s.requests).hasSize(1);
        assertThat(s.requests.get(0).target())
                .isEqualTo("/x%C4%A0HTTP/1.1%C4%8D%C4%8AX-Evil:%C4%A01%C4%8D%C4%8A%C4%8D%C4%8AGET%C4%A0/second");
        assertThat(s.requests.get(0).headers()).doesNotContainKey("x-evil");
        client.send(HttpRequest.get(s.url("/\u00e9t\u00e9?q=\u00e9"))).string();
        assertThat(s.requests.get(1).target()).isEqualTo("/%C3%A9t%C3%A9?q=%C3%A9");
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void headerValuesBeyondAsciiAreRefusedBeforeAnythingIsSentAndNotEchoed() {
        assertThatThrownBy(() -> HttpRequest.builder("http://127.0.0.1/").header("Authorization", "Bearer s3cr\u010Det"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header Authorization: refused")
                .hasMessageNotContaining("s3cr");
    }

    @Test
    void defaultCredentialsStayOnTheirOrigin() throws Exception {
        TestServer other = server((c, r) -> c.ok("elsewhere"));
        TestServer s = server((c, r) -> c.write("HTTP/1.1 302 Found\r\nLocation: " + other.url("/landing")
                + "\r\nContent-Length: 5\r\n\r\nmoved"));
        HttpClient client = client(HttpClientConfig.builder()
                .defaultHeaders(Headers.of("Authorization", "Bearer default-token", "Cookie", "sid=1", "X-Trace", "t1"))
                .sensitiveHeaders("X-Tenant-Key"));
        HttpRequest req = HttpRequest.builder(s.url("/start")).header("X-Tenant-Key", "k").header("Proxy-Authorization", "Basic x").build();
        assertThat(client.send(req).string()).isEqualTo("elsewhere");
        assertThat(s.requests.get(0).headers()).containsKeys("authorization", "cookie", "x-tenant-key", "proxy-authorization");
        assertThat(other.requests.get(0).headers())
                .as("no credential crosses to another origin, default or the request's own")
                .doesNotContainKeys("authorization", "cookie", "x-tenant-key", "proxy-authorization")
                .containsEntry("x-trace", "t1");
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void aRedirectFromHttpsToPlainHttpIsRefusedUnlessAllowed() throws Exception {
        TestServer plain = server((c, r) -> c.ok("clear text"));
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        SSLServerSocket tls = track((SSLServerSocket) certs.server.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        serveForever(tls, "HTTP/1.1 302 Found\r\nLocation: " + plain.url("/x?token=abc") + "\r\nContent-Length: 3\r\n\r\nbye");
        HttpClientConfig.Builder config = HttpClientConfig.builder().tls(TlsSettings.builder().sslContext(certs.client).build())
                .defaultHeaders(Headers.of("Authorization", "Bearer t"));
        HttpClient client = client(config);
        String url = "https://localhost:" + tls.getLocalPort() + "/secure";
        assertThatThrownBy(() -> client.send(HttpRequest.get(url)))
                .isInstanceOf(RedirectException.class)
                .hasMessageContaining("refused: it would send the request in clear text")
                .hasMessageContaining("allowInsecureRedirects(true)")
                .hasMessageNotContaining("abc");
        assertThat(plain.requests).isEmpty();
        assertThat(client.poolStats().leased()).as("the redirect's connection went back").isZero();
        HttpClient allowing = client(config.allowInsecureRedirects(true));
        assertThat(allowing.send(HttpRequest.get(url)).string()).isEqualTo("clear text");
        assertThat(plain.requests.get(0).headers()).doesNotContainKey("authorization");
    }

    private static void serveForever(ServerSocket ss, String response) {
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            InputStream in = s.getInputStream();
                            OutputStream out = s.getOutputStream();
                            StringBuilder head = new StringBuilder();
                            int ch;
                            while ((ch = in.read()) != -1) {
                                head.append((char) ch);
                                if (head.toString().endsWith("\r\n\r\n")) {
                                    head.setLength(0);
                                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                                    out.flush();
                                }
                            }
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void invalidRedirectLocationsAreCheckedFailuresThatReleaseTheConnection() throws Exception {
        TestServer s = server((c, r) -> {
            String location = switch (r.target()) {
                case "/port" -> "http://127.0.0.1:99999/x";
                case "/zero" -> "http://127.0.0.1:0/x";
                case "/userinfo" -> "http://alice:hunter2@127.0.0.1:1/x";
                default -> "ftp://127.0.0.1/x";
            };
            c.write("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 20\r\n\r\n" + "b".repeat(20));
        });
        HttpClient client = client();
        for (String path : new String[] {"/port", "/zero", "/userinfo", "/ftp"}) {
            assertThatThrownBy(() -> client.send(HttpRequest.get(s.url(path))))
                    .as(path).isInstanceOf(RedirectException.class)
                    .hasMessageContaining("302 redirect from " + s.url(path) + " refused")
                    .hasMessageNotContaining("hunter2");
            oneMoreRequestSucceeds(client, s);
        }
    }

    /**
     * A server that answers {@code /ok} and, for anything else, reads the request head and then
     * nothing more: its receive buffer fills, then the client's send buffer, then the write blocks.
     */
    private int stopsReading(CountDownLatch done) throws IOException {
        ServerSocket ss = track(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            InputStream in = s.getInputStream();
                            StringBuilder head = new StringBuilder();
                            int ch;
                            while ((ch = in.read()) != -1) {
                                head.append((char) ch);
                                if (head.toString().endsWith("\r\n\r\n")) {
                                    if (!head.toString().startsWith("GET /ok ")) {
                                        done.await(30, TimeUnit.SECONDS); // stop reading
                                        return;
                                    }
                                    head.setLength(0);
                                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                                }
                            }
                        } catch (IOException | InterruptedException ignored) {
                            // the client went away
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    @Test
    void aServerThatStopsReadingEndsTheRequestAtTheWriteTimeout() throws Exception {
        CountDownLatch done = track(new Done()).latch;
        String base = "http://127.0.0.1:" + stopsReading(done);
        HttpClient client = client(HttpClientConfig.builder().socket(k -> k.writeTimeout(Duration.ofMillis(300))));
        HttpRequest post = HttpRequest.builder(base + "/upload").POST(RequestBody.of(new byte[64 * 1024 * 1024])).build();
        assertThatThrownBy(() -> client.send(post))
                .isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(Kind.WRITE_TIMEOUT);
                    assertThat(f.getMessage()).contains("could not write for 300 ms", "the peer stopped reading",
                            "may have been applied", "tether did not retry it");
                });
        assertThat(client.send(HttpRequest.get(base + "/ok")).string()).isEqualTo("ok");
        assertThat(client.poolStats().leased()).isZero();
    }

    @Test
    void aRequestDeadlineBoundsTheSendToo() throws Exception {
        CountDownLatch done = track(new Done()).latch;
        String base = "http://127.0.0.1:" + stopsReading(done);
        HttpClient client = client();
        HttpRequest post = HttpRequest.builder(base + "/upload").POST(RequestBody.of(new byte[64 * 1024 * 1024]))
                .timeout(Duration.ofMillis(400)).build();
        assertThatThrownBy(() -> client.send(post))
                .isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(Kind.WRITE_TIMEOUT);
                    assertThat(f.getMessage()).contains("the request deadline of 400 ms passed while the request was being sent");
                });
        assertThat(client.send(HttpRequest.get(base + "/ok")).string()).isEqualTo("ok");
    }

    /** Lets stalled server threads go at the end of a test. */
    private static final class Done implements AutoCloseable {
        final CountDownLatch latch = new CountDownLatch(1);

        @Override
        public void close() {
            latch.countDown();
        }
    }

    @Test
    void aDeadlineThatEndsTheResponseHeadIsSaidToBeTheDeadline() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        TestServer s = server((c, r) -> done.await(30, TimeUnit.SECONDS));
        HttpClient client = client();
        try {
            assertThatThrownBy(() -> client.send(HttpRequest.builder(s.url("/slow")).timeout(Duration.ofMillis(300)).build()))
                    .isInstanceOfSatisfying(ConnectionFailure.class, f -> assertThat(f.getMessage())
                            .contains("the request deadline of 300 ms passed while waiting for the response")
                            .doesNotContain("readTimeout"));
        } finally {
            done.countDown();
        }
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void aContentLengthDoesNotSizeTheClientsHeap() throws Exception {
        TestServer s = server((c, r) -> c.write("HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\nstart of a body that never ends"));
        HttpClient client = client();
        assertThatThrownBy(() -> client.send(HttpRequest.get(s.url("/huge"))).bytes())
                .isInstanceOf(ResponseTooLargeException.class)
                .hasMessageContaining("its Content-Length is 2000000000 bytes")
                .hasMessageContaining("HttpClientConfig.maxBodyBytes is 67108864 bytes");
        oneMoreRequestSucceeds(client, s);
        assertThatThrownBy(() -> client.sendAndRead(HttpRequest.get(s.url("/huge"))))
                .isInstanceOf(ResponseTooLargeException.class);
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void anEndlessBodyStopsAtTheLimit() throws Exception {
        TestServer s = server((c, r) -> {
            c.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 1_000; i++) { // 64 MB offered; the client stops at 1 MB
                c.write(chunk);
            }
        });
        HttpClient client = client(HttpClientConfig.builder().maxBodyBytes(1024 * 1024));
        assertThatThrownBy(() -> client.send(HttpRequest.get(s.url("/stream"))).bytes())
                .isInstanceOf(ResponseTooLargeException.class)
                .hasMessageContaining("it is larger than that");
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void aDecompressionBombIsRefusedWhetherReadWholeOrStreamed() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 200; i++) {
                out.write(zeros); // 200 MB of zeros compress to about 200 KB
            }
        }
        byte[] bomb = gz.toByteArray();
        TestServer s = server((c, r) -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length + "\r\n\r\n");
            c.write(bomb);
        });
        HttpClient client = client();
        assertThatThrownBy(() -> client.send(HttpRequest.get(s.url("/bomb"))).bytes())
                .isInstanceOf(ResponseTooLargeException.class)
                .hasMessageContaining("decompression bomb");
        oneMoreRequestSucceeds(client, s);
        try (HttpResponse r = client.send(HttpRequest.get(s.url("/bomb")))) {
            assertThatThrownBy(() -> r.body().transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(ResponseTooLargeException.class);
        }
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void aFullRouteIsACheckedFailureThatSaysSo() throws Exception {
        TestServer s = server((c, r) -> c.ok("held"));
        HttpClient client = client(HttpClientConfig.builder().pool(p -> p.acquireTimeout(Duration.ofMillis(200))));
        HttpResponse held = client.send(HttpRequest.get(s.url("/held")));
        assertThatThrownBy(() -> client.send(HttpRequest.get(s.url("/other"))))
                .isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("nothing was sent")
                .hasMessageContaining("HttpClientConfig.pool(p -> p.maxPerKey(...))");
        held.close();
        oneMoreRequestSucceeds(client, s);
    }

    @Test
    void noMessageToStringOrLogLineCarriesASecret() throws Exception {
        TestServer s = server((c, r) -> c.reset());
        PrintStream stderr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        try {
            HttpClient client = client(HttpClientConfig.builder().defaultHeaders(Headers.of("Authorization", "Bearer AUTHSECRET")));
            HttpRequest req = HttpRequest.builder(s.url("/pay?token=QUERYSECRET&page=1"))
                    .header("Cookie", "sid=COOKIESECRET").POST(RequestBody.of("x")).build();
            seen.add(req.toString());
            seen.add(req.headers().toString());
            seen.add(client.config().defaultHeaders().toString());
            try {
                client.send(req);
            } catch (IOException e) {
                seen.add(e.getMessage());
                seen.add(String.valueOf(e.getCause()));
            }
            try {
                HttpRequest.builder("http://alice:PWSECRET@127.0.0.1/").build();
            } catch (IllegalArgumentException e) {
                seen.add(e.getMessage());
            }
        } finally {
            System.setErr(stderr);
        }
        seen.add(logs.toString(StandardCharsets.UTF_8));
        assertThat(seen.get(3)).as("the failure happened").contains("failed");
        for (String text : seen) {
            assertThat(text).doesNotContain("AUTHSECRET", "QUERYSECRET", "COOKIESECRET", "PWSECRET");
        }
    }
}
