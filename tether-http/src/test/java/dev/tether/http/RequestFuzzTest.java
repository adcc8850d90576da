package dev.tether.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random Unicode in the path, the query, header names and header values: each request is either
 * refused before anything is sent, or arrives as exactly one request whose head holds nothing but
 * visible ASCII, spaces and tabs, with CR LF only where lines end.
 */
class RequestFuzzTest {
    private static final int ROUNDS = 2_000;
    /** Characters that tempt a writer: line ends, NUL, DEL, Latin-1, and ones whose low byte is CR, LF or space. */
    private static final int[] NASTY = {'\r', '\n', 0, 0x7f, ' ', '\t', ':', '?', '#', '%', '/', '@', 0xe9, 0xff,
            0x010d, 0x010a, 0x0120, 0x0100, 0x2028, 0xfeff, 0x1f600};

    @Test
    void noRandomRequestPutsAForbiddenByteOnTheWireOrASecondRequest() throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicInteger heads = new AtomicInteger();
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             HttpClient client = HttpClient.create(HttpClientConfig.builder().followRedirects(false).build())) {
            Thread server = new Thread(() -> serve(ss, heads, problems), "fuzz-server");
            server.setDaemon(true);
            server.start();
            Random random = new Random(42);
            int sent = 0;
            int refused = 0;
            for (int i = 0; i < ROUNDS; i++) {
                HttpRequest req;
                try {
                    // A fifth of the time each part is fully random; otherwise the path and query mix letters
                    // with characters beyond ASCII, which a URI accepts and a careless writer casts to bytes.
                    String path = random.nextInt(5) == 0 ? fuzz(random) : tempting(random);
                    String query = random.nextInt(5) == 0 ? fuzz(random) : tempting(random);
                    String name = random.nextInt(5) == 0 ? fuzz(random) : "X-" + (char) ('a' + random.nextInt(26));
                    String value = random.nextInt(5) == 0 ? fuzz(random) : "v " + (char) ('a' + random.nextInt(26)) + "\t;=";
                    req = HttpRequest.builder("http://127.0.0.1:" + ss.getLocalPort() + "/" + path + "?" + query)
                            .header(name, value).build();
                } catch (IllegalArgumentException refusedBeforeSending) {
                    refused++;
                    continue;
                }
                client.send(req).bytes();
                sent++;
            }
            int expected = sent;
            assertThat(problems).isEmpty();
            assertThat(heads.get()).as("exactly one request arrived per send").isEqualTo(expected);
            assertThat(sent).as("the fuzz sent some").isGreaterThan(100);
            assertThat(refused).as("and refused some").isGreaterThan(100);
        }
    }

    private static String tempting(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(random.nextBoolean() ? 'a' + random.nextInt(26) : NASTY[12 + random.nextInt(NASTY.length - 12)]);
        }
        return sb.toString();
    }

    private static String fuzz(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            int pick = random.nextInt(3);
            if (pick == 0) {
                sb.appendCodePoint(NASTY[random.nextInt(NASTY.length)]);
            } else if (pick == 1) {
                sb.append((char) ('a' + random.nextInt(26)));
            } else {
                sb.appendCodePoint(random.nextInt(0x3000));
            }
        }
        return sb.toString();
    }

    /** Reads heads on each connection; checks every byte and that nothing follows a head before its answer. */
    private static void serve(ServerSocket ss, AtomicInteger heads, List<String> problems) {
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException closed) {
                return;
            }
            Thread t = new Thread(() -> {
                try (s) {
                    InputStream in = s.getInputStream();
                    while (true) {
                        byte[] head = readHead(in);
                        if (head == null) {
                            return;
                        }
                        heads.incrementAndGet();
                        String problem = check(head);
                        if (problem != null) {
                            problems.add(problem);
                        }
                        if (in.available() > 0) {
                            problems.add("bytes after a head, before its answer: a second request? " + new String(head, StandardCharsets.ISO_8859_1));
                        }
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException ignored) {
                    // the client closed the connection
                }
            });
            t.setDaemon(true);
            t.start();
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return a;
            }
        }
        return null;
    }

    /** Null if the head is clean: lines of visible ASCII, space and tab, each ended by CR LF, the first a request line. */
    private static String check(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < head.length; i++) {
            int c = head[i] & 0xff;
            boolean lineEnd = c == '\r' && i + 1 < head.length && head[i + 1] == '\n'
                    || c == '\n' && i > 0 && head[i - 1] == '\r';
            if (!lineEnd && (c < 0x20 && c != '\t' || c > 0x7e)) {
                return "byte 0x" + Integer.toHexString(c) + " at " + i + " in " + text;
            }
        }
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        if (!lines[0].matches("GET /\\S* HTTP/1\\.1")) {
            return "request line " + lines[0];
        }
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+: .*")) {
                return "field line " + lines[i];
            }
        }
        return null;
    }
}
