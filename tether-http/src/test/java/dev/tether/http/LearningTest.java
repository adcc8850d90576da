package dev.tether.http;

import dev.tether.net.testkit.Certs;
import dev.tether.net.TlsSettings;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a route learns about its server's idle timeout, against events that must not fool it (a
 * restart) and servers that must teach it (a timer racing requests, nginx over TLS).
 */
class LearningTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

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

    @ParameterizedTest(name = "restart with {0}")
    @ValueSource(strings = {"FIN", "RST"})
    void aServerRestartTeachesNothingAndReuseContinues(String how) throws Exception {
        TestServer s = track(TestServer.answering((c, r) -> c.ok("ok")));
        AtomicLong now = new AtomicLong(1_000_000_000L);
        HttpClient client = track(HttpClient.create(HttpClientConfig.builder().ticker(now::get).build()));
        String url = s.url("/");
        long closes = 0;
        // Restarts with two pooled connections at several idle ages, their last exchanges 500 ms
        // apart (as connections of a real pool are): the server closes both at the same instant.
        for (long idleMillis : new long[] {50, 2_000, 2_000, 30_000}) {
            HttpResponse held = client.send(HttpRequest.get(url)); // its connection stays leased...
            client.send(HttpRequest.get(url)).string();            // ...so this one opens a second
            held.string();
            now.addAndGet(Duration.ofMillis(500).toNanos());
            client.send(HttpRequest.get(url)).string();            // the later returned one, again
            now.addAndGet(Duration.ofMillis(idleMillis).toNanos());
            for (Socket socket : s.sockets) {
                if (socket.isClosed()) {
                    continue; // an earlier restart's
                }
                if (how.equals("RST")) {
                    socket.setSoLinger(true, 0);
                }
                socket.close();
            }
            closes += 2;
            long expected = closes;
            await().atMost(Duration.ofSeconds(10)).until(() -> client.routeStats(url).idleCloses() == expected);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(client.routeStats(url).learnedIdleTimeout()).as("a restart is not an idle timer").isNull();
        // Reuse goes on: twenty requests, a second apart, on one new connection; nothing retired.
        int before = s.connections.get();
        for (int i = 0; i < 20; i++) {
            client.send(HttpRequest.get(url)).string();
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(s.connections.get() - before).isEqualTo(1);
        assertThat(client.poolStats().closed(Reason.DEADLINE)).isZero();
    }

    @Test
    void aServerRacingItsTwoSecondTimerCostsNoPostOnceTwoIdleClosesWereSeen() throws Exception {
        // 2 s idle timer, a 50 ms race window (a request arriving in the last 50 ms is reset
        // unread), pauses of 2000 +/- 300 ms: three routes in parallel, 20 POSTs each. A route
        // that has seen two idle closes (or an idle close and a race it met) has learned the timer: no POST fails.
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (HttpClient client = HttpClient.create()) {
            List<Future<List<String>>> streams = new ArrayList<>();
            List<RaceServer> servers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RaceServer server = track(new RaceServer(2_000, 50, null, false));
                servers.add(server);
                long seed = i;
                streams.add(threads.submit(() -> postsAfterTwoIdleCloses(client, server, seed)));
            }
            for (Future<List<String>> f : streams) {
                assertThat(f.get()).as("POST failures once two idle closes were seen").isEmpty();
            }
            for (RaceServer server : servers) {
                assertThat(server.duplicates()).isZero();
                assertThat(client.routeStats(server.url("/")).learnedIdleTimeout())
                        .isBetween(Duration.ofMillis(1_900), Duration.ofMillis(2_300));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Two pauses past the timer (the server closes idle connections: two observations), then paced POSTs. */
    private static List<String> postsAfterTwoIdleCloses(HttpClient client, RaceServer server, long seed) throws Exception {
        for (int i = 0; i < 2; i++) {
            client.send(HttpRequest.builder(server.url("/warm")).header("X-Request-Id", "GET-" + seed + "-" + i).build()).string();
            int closes = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> server.idleClosed.get() >= closes);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> client.routeStats(server.url("/")).learnedIdleTimeout() != null);
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "POST-" + seed + "-" + i;
            HttpRequest post = HttpRequest.builder(server.url("/r")).header("X-Request-Id", id)
                    .POST(RequestBody.of("payload " + i)).build();
            try (HttpResponse r = client.send(post)) {
                assertThat(r.string()).isEqualTo("applied " + id);
            } catch (IOException e) {
                failures.add(i + ": " + e.getMessage());
            }
            // The pacing of the scenario, not a wait for a result: 2000 +/- 300 ms idle.
            LockSupport.parkNanos(Duration.ofMillis(1_700 + random.nextInt(601)).toNanos());
        }
        return failures;
    }

    @Test
    void learnsNginxsIdleTimeoutOverTls(@TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        int port = Nginx.freePort();
        Nginx nginx = track(Nginx.start(dir, "  server {\n"
                + "    listen 127.0.0.1:" + port + " ssl;\n"
                + "    ssl_certificate " + certs.writePem(dir.resolve("cert.pem")) + ";\n"
                + "    ssl_certificate_key " + certs.writeKeyPem(dir.resolve("key.pem")) + ";\n"
                + "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "    keepalive_timeout 2s;\n"
                + "    keepalive_requests 100000;\n"
                + "    location / { return 200 'ok'; }\n"
                + "  }\n", port));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> tls12 = threads.submit(() -> learnAndPost(certs, port, "TLSv1.2"));
            Future<?> tls13 = threads.submit(() -> learnAndPost(certs, port, "TLSv1.3"));
            tls12.get();
            tls13.get();
        } finally {
            threads.shutdownNow();
        }
    }

    /** Two idle closes teach 2 s within 50 ms; then 100 POSTs after 1990-2010 ms idle each, none failing. */
    private Void learnAndPost(Certs certs, int port, String protocol) throws Exception {
        HttpClientConfig config = HttpClientConfig.builder()
                .tls(TlsSettings.builder().sslContext(certs.client).protocols(List.of(protocol)).build()).build();
        try (HttpClient client = HttpClient.create(config)) {
            String url = "https://localhost:" + port + "/";
            for (int i = 1; i <= 2; i++) {
                try (HttpResponse r = client.send(HttpRequest.get(url))) {
                    assertThat(r.string()).isEqualTo("ok");
                }
                int closes = i;
                await().atMost(Duration.ofSeconds(10)).until(() -> client.routeStats(url).idleCloses() == closes);
            }
            assertThat(client.routeStats(url).learnedIdleTimeout()).as(protocol)
                    .isBetween(Duration.ofMillis(1_950), Duration.ofMillis(2_050));
            // 100 POSTs at the server's idle timeout: ten threads, ten each, so it takes ~20 s.
            ExecutorService posters = Executors.newFixedThreadPool(10);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 10; t++) {
                    long seed = t;
                    results.add(posters.submit(() -> {
                        Random random = new Random(seed);
                        List<String> failures = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            // Pacing of the scenario: 1990-2010 ms idle, the server's timer is 2 s.
                            LockSupport.parkNanos(Duration.ofMillis(1_990 + random.nextInt(21)).toNanos());
                            try (HttpResponse r = client.send(HttpRequest.builder(url).POST(RequestBody.of("x")).build())) {
                                r.string();
                            } catch (IOException e) {
                                failures.add(e.getMessage());
                            }
                        }
                        return failures;
                    }));
                }
                for (Future<List<String>> f : results) {
                    assertThat(f.get()).as(protocol + " POST failures at the server's idle timeout").isEmpty();
                }
            } finally {
                posters.shutdownNow();
            }
        }
        return null;
    }
}
