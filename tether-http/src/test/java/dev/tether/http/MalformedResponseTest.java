package dev.tether.http;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Each malformed response of issue 5 is a PROTOCOL failure that quotes the offending bytes, and
 * the connection it arrived on is never used again.
 */
class MalformedResponseTest {
    private static final Map<String, String> RESPONSES = new ConcurrentHashMap<>();
    private static TestServer server;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("both framings", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        "both Transfer-Encoding and Content-Length"),
                Arguments.of("differing lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                        "several differing Content-Length values: \"5, 6\""),
                Arguments.of("differing list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!",
                        "several differing Content-Length values"),
                Arguments.of("non-numeric length", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello",
                        "an invalid Content-Length: \"5x\""),
                Arguments.of("negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                        "an invalid Content-Length: \"-1\""),
                Arguments.of("huge length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                        "an invalid Content-Length"),
                Arguments.of("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                        "an invalid chunk size: \"zz\""),
                Arguments.of("chunk longer than size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
                        "chunk data longer than its size"),
                Arguments.of("unsupported coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                        "unsupported Transfer-Encoding"),
                Arguments.of("invalid status line", "HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n",
                        "an invalid status code in the status line: \"HTTP/1.1 2OO OK\""),
                Arguments.of("not http", "SSH-2.0-OpenSSH_9.2\r\n\r\n", "an invalid status line"),
                Arguments.of("http/2 preface", "HTTP/2.0 200 OK\r\n\r\n", "an invalid status line"),
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n",
                        "obsolete line folding"),
                Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
                        "an invalid character in a field name"),
                Arguments.of("no colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "without a name and colon"),
                Arguments.of("bare CR", "HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2\r\nContent-Length: 0\r\n\r\n",
                        "a bare CR in the header section: \"X-A: 1\\rX-B: 2\""),
                Arguments.of("control char", "HTTP/1.1 200 OK\r\nX-A: \u0001\r\nContent-Length: 0\r\n\r\n",
                        "a control character in a field value in the header section: \"X-A: \\x01\""),
                Arguments.of("header too large", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70_000) + "\r\nContent-Length: 0\r\n\r\n",
                        "larger than its limit (65536 bytes)"),
                Arguments.of("too many fields", "HTTP/1.1 200 OK\r\n" + "X-A: 1\r\n".repeat(200) + "Content-Length: 0\r\n\r\n",
                        "more than 128 fields"));
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.answering((c, r) -> {
            String raw = RESPONSES.get(r.target());
            c.write(raw != null ? raw : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isAProtocolFailureThatQuotesTheBytesAndRetiresTheConnection(String name, String response, String expected) throws Exception {
        String path = "/" + name.replace(' ', '-');
        RESPONSES.put(path, response);
        try (HttpClient client = HttpClient.create()) {
            // A healthy exchange first, so that the bad one runs on a reused connection (and is still not retried).
            assertThat(client.send(HttpRequest.get(server.url("/ok"))).string()).isEqualTo("ok");
            assertThatThrownBy(() -> {
                try (HttpResponse r = client.send(HttpRequest.get(server.url(path)))) {
                    r.bytes();
                }
            }).isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                assertThat(f.kind()).isEqualTo(Kind.PROTOCOL);
                assertThat(f.getMessage()).contains(expected);
            });
            assertThat(client.poolStats().closed(Reason.BROKEN)).isEqualTo(1);
            assertThat(client.poolStats().idle()).isZero();
            int before = server.connections.get();
            client.send(HttpRequest.get(server.url("/ok"))).string();
            assertThat(server.connections.get()).as("a new connection after the failure").isEqualTo(before + 1);
            assertThat(client.routeStats(server.url("/")).retries()).isZero();
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            fail("unexpected " + e, e);
        }
    }
}
