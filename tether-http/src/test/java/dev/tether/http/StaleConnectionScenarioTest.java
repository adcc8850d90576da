package dev.tether.http;

import dev.tether.chaos.SocketTable;
import dev.tether.net.ConnectionFailure;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scenarios of issue 5 as tests of correctness (never of speed): the server that races its own
 * 1 s idle timer, the server that applies a POST and then resets a reused connection, and the
 * absence of CLOSE_WAIT sockets after a server closed idle connections.
 */
class StaleConnectionScenarioTest {
    static final int REQUESTS = 120;

    /** Sends REQUESTS requests paced 1 s +/- 150 ms apart (the server's pacing of the scenario); returns the failures. */
    private static List<String> paced(HttpClient client, RaceServer server, String method, long seed) {
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = method + "-" + seed + "-" + i;
            HttpRequest.Builder b = HttpRequest.builder(server.url("/r")).header("X-Request-Id", id);
            if (method.equals("POST")) {
                b.POST(RequestBody.of("payload " + i));
            }
            try (HttpResponse r = client.send(b.build())) {
                assertThat(r.string()).isEqualTo("applied " + id);
            } catch (IOException e) {
                failures.add(i + ": " + e.getMessage());
            }
            // Pacing of the scenario, not a wait for a result: 1 s +/- 150 ms between requests.
            LockSupport.parkNanos(Duration.ofMillis(850 + random.nextInt(301)).toNanos());
        }
        return failures;
    }

    @Test
    void staleRaceCostsNoGetAndAtMostTwoPostsWhileLearning() throws Exception {
        try (RaceServer getWithHeader = RaceServer.staleRace(true);
             RaceServer postWithHeader = RaceServer.staleRace(true);
             RaceServer getNoHeader = RaceServer.staleRace(false);
             RaceServer postNoHeader = RaceServer.staleRace(false);
             HttpClient client = HttpClient.create()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<List<String>> a = pool.submit(() -> paced(client, getWithHeader, "GET", 1));
                Future<List<String>> b = pool.submit(() -> paced(client, postWithHeader, "POST", 2));
                Future<List<String>> c = pool.submit(() -> paced(client, getNoHeader, "GET", 3));
                Future<List<String>> d = pool.submit(() -> paced(client, postNoHeader, "POST", 4));
                assertThat(a.get()).as("GET, Keep-Alive: timeout=1 sent").isEmpty();
                assertThat(b.get()).as("POST, Keep-Alive: timeout=1 sent").isEmpty();
                assertThat(c.get()).as("GET, no Keep-Alive header").isEmpty();
                List<String> postFailures = d.get();
                assertThat(postFailures).as("POST, no Keep-Alive header: only while the idle timeout is learned").hasSizeLessThanOrEqualTo(2);
                for (String f : postFailures) {
                    assertThat(f).contains("may have been applied");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(client.routeStats(postNoHeader.url("/")).learnedIdleTimeout())
                    .isBetween(Duration.ofMillis(950), Duration.ofMillis(2000));
            for (RaceServer s : List.of(getWithHeader, postWithHeader, getNoHeader, postNoHeader)) {
                assertThat(s.duplicates()).isZero();
            }
        }
    }

    @Test
    void aPostAppliedBeforeAResetIsNeverSentTwice() throws Exception {
        try (RaceServer server = RaceServer.duplicating(); HttpClient client = HttpClient.create()) {
            int failed = 0;
            for (int i = 0; i < 50; i++) {
                HttpRequest post = HttpRequest.builder(server.url("/pay")).POST(RequestBody.of("amount=1"))
                        .header("X-Request-Id", "pay-" + i).build();
                try (HttpResponse r = client.send(post)) {
                    r.string();
                } catch (ConnectionFailure f) {
                    failed++;
                    assertThat(HttpClient.mayHaveBeenApplied(f)).isTrue();
                    assertThat(f.getMessage()).contains("may have been applied").contains("not idempotent");
                }
            }
            assertThat(server.duplicates()).isZero();
            assertThat(server.applied).hasSize(50);
            assertThat(failed).isGreaterThan(0); // the scenario did happen
        }
    }

    @Test
    void noSocketIsLeftInCloseWaitAfterTheServerClosesIdleConnections() throws Exception {
        try (RaceServer server = new RaceServer(300, 0, null, false); HttpClient client = HttpClient.create()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> all = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    all.add(pool.submit(() -> client.send(HttpRequest.get(server.url("/"))).string()));
                }
                for (Future<String> f : all) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> client.poolStats().idle() == 0 && server.connections.get() > 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> closeWait(server.port()) == 0);
        }
    }

    /** Client sockets in CLOSE_WAIT towards {@code port}, from the kernel's socket table. */
    static int closeWait(int port) {
        return SocketTable.towards(port, SocketTable.State.CLOSE_WAIT).size();
    }
}
