package dev.tether.http;

import dev.tether.net.ConnectionFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client against a real nginx: reuse, keepalive_timeout, keepalive_requests, large and chunked bodies, HEAD, 204/304. */
class NginxTest {
    @TempDir
    static Path dir;
    static Nginx nginx;
    static int main;
    static int shortIdle;
    static int fewRequests;
    static byte[] large;

    @BeforeAll
    static void start() throws Exception {
        main = Nginx.freePort();
        shortIdle = Nginx.freePort();
        fewRequests = Nginx.freePort();
        Path www = dir.resolve("www");
        Files.createDirectories(www);
        Files.writeString(www.resolve("small.txt"), "hello from nginx\n");
        large = new byte[5 * 1024 * 1024 + 7];
        new Random(7).nextBytes(large);
        Files.write(www.resolve("large.bin"), large);
        Files.writeString(www.resolve("text.txt"), "compressible line\n".repeat(20_000));
        String common = "    root " + www + ";\n"
                + "    location = /nocontent { return 204; }\n"
                + "    location = /post { return 200 \"posted\\n\"; }\n"
                + "    location /gz/ { alias " + www + "/; gzip on; gzip_types text/plain; gzip_min_length 0; }\n";
        String servers = "  server { listen 127.0.0.1:" + main + "; keepalive_timeout 75s; keepalive_requests 10000;\n" + common + "  }\n"
                + "  server { listen 127.0.0.1:" + shortIdle + "; keepalive_timeout 1s;\n" + common + "  }\n"
                + "  server { listen 127.0.0.1:" + fewRequests + "; keepalive_requests 3;\n" + common + "  }\n";
        nginx = Nginx.start(dir, servers, main, shortIdle, fewRequests);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static String url(int port, String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void reusesOneConnectionAcrossRequests() throws Exception {
        try (HttpClient client = HttpClient.create()) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.send(HttpRequest.get(url(main, "/small.txt"))).string()).isEqualTo("hello from nginx\n");
            }
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }

    @Test
    void keepaliveRequestsLimitEndsEachConnectionCleanly() throws Exception {
        try (HttpClient client = HttpClient.create()) {
            for (int i = 0; i < 7; i++) {
                assertThat(client.send(HttpRequest.get(url(fewRequests, "/small.txt"))).string()).isEqualTo("hello from nginx\n");
            }
            // nginx answers every third request with Connection: close; the client never sends a fourth.
            assertThat(client.poolStats().opened()).as("ports %d %d %d, %s", main, shortIdle, fewRequests, client.poolStats()).isEqualTo(3);
            assertThat(client.routeStats(url(fewRequests, "/")).retries()).isZero();
        }
    }

    @Test
    void shortKeepaliveTimeoutWithRequestsPacedAroundIt() throws Exception {
        try (HttpClient client = HttpClient.create()) {
            Random random = new Random(11);
            int failures = 0;
            for (int i = 0; i < 8; i++) {
                HttpRequest req = i % 2 == 0 ? HttpRequest.get(url(shortIdle, "/small.txt"))
                        : HttpRequest.post(url(shortIdle, "/post"), RequestBody.of("x"));
                try (HttpResponse r = client.send(req)) {
                    r.string();
                } catch (ConnectionFailure f) {
                    failures++;
                }
                // Pacing around nginx's 1 s keepalive_timeout, not a wait for a result.
                LockSupport.parkNanos(Duration.ofMillis(850 + random.nextInt(301)).toNanos());
            }
            assertThat(failures).isZero();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.routeStats(url(shortIdle, "/")).learnedIdleTimeout() != null);
            assertThat(client.routeStats(url(shortIdle, "/")).learnedIdleTimeout())
                    .isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
        }
    }

    @Test
    void largeAndChunkedBodies() throws Exception {
        try (HttpClient client = HttpClient.create()) {
            try (HttpResponse r = client.send(HttpRequest.get(url(main, "/large.bin")))) {
                assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(large.length));
                assertThat(r.bytes()).isEqualTo(large);
            }
            String text = "compressible line\n".repeat(20_000);
            try (HttpResponse r = client.send(HttpRequest.get(url(main, "/gz/text.txt")))) {
                // nginx compresses on the fly, so the body is chunked and gzip-encoded; the client decodes it.
                assertThat(r.header("Content-Length")).isNull();
                assertThat(r.string()).isEqualTo(text);
            }
            try (HttpResponse r = client.send(HttpRequest.builder(url(main, "/gz/text.txt")).header("Accept-Encoding", "gzip").build())) {
                assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
                assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
                assertThat(r.bytes().length).isLessThan(text.length() / 10);
            }
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }

    @Test
    void headNoContentAndNotModified() throws Exception {
        try (HttpClient client = HttpClient.create()) {
            String etag;
            try (HttpResponse r = client.send(HttpRequest.builder(url(main, "/large.bin")).HEAD().build())) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(large.length));
                assertThat(r.bytes()).isEmpty();
                etag = r.header("ETag");
            }
            assertThat(client.send(HttpRequest.get(url(main, "/nocontent"))).status()).isEqualTo(204);
            try (HttpResponse r = client.send(HttpRequest.builder(url(main, "/large.bin")).header("If-None-Match", etag).build())) {
                assertThat(r.status()).isEqualTo(304);
                assertThat(r.bytes()).isEmpty();
            }
            assertThat(client.send(HttpRequest.get(url(main, "/small.txt"))).string()).isEqualTo("hello from nginx\n");
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }

    @Test
    void postBodiesOfBothFramings() throws Exception {
        try (HttpClient client = HttpClient.create()) {
            byte[] body = "field=value".repeat(1000).getBytes(StandardCharsets.UTF_8);
            assertThat(client.send(HttpRequest.post(url(main, "/post"), RequestBody.of(body))).string()).isEqualTo("posted\n");
            HttpRequest chunked = HttpRequest.builder(url(main, "/post"))
                    .POST(RequestBody.ofSupplier(() -> new java.io.ByteArrayInputStream(body), -1)).build();
            assertThat(client.send(chunked).string()).isEqualTo("posted\n");
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }
}
