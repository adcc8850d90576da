package dev.tether.http;

import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eight threads for twenty seconds through tether-chaos while it cycles every fault that kills a
 * pooled connection: resets of everything, responses cut in the middle, idle closes, blackholes,
 * refused connects. What must hold: no POST applied twice, no lease leaked, no thread stuck, and no
 * GET failure that a retry inside the call could have saved (GETs are read whole with
 * {@link HttpClient#sendAndRead}: a cut response is retried once; what still fails is a second cut
 * in a row, a stall, or no connection at all).
 */
class SoakTest {
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final int THREADS = 8;

    @RegisterExtension
    static final ChaosExtension chaos = new ChaosExtension();

    @Test
    void nothingDuplicatedLeakedOrStuckAndNoSavableGetFails() throws Exception {
        Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
        String page = "p".repeat(8 * 1024);
        try (TestServer server = TestServer.answering((c, r) -> {
            if (r.method().equals("POST")) {
                applied.computeIfAbsent(r.headers().get("x-request-id"), k -> new AtomicInteger()).incrementAndGet();
                c.ok("applied");
            } else {
                c.ok(page);
            }
        })) {
            ChaosProxy proxy = chaos.proxy("soak", server.port());
            HttpClient client = HttpClient.create(HttpClientConfig.builder()
                    .socket(s -> s.connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(500)))
                    .requestTimeout(Duration.ofMillis(1_500))
                    .build());
            String url = "http://127.0.0.1:" + proxy.port();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong gets = new AtomicLong();
            AtomicLong posts = new AtomicLong();
            List<String> getFailures = new CopyOnWriteArrayList<>();
            List<String> postFailures = new CopyOnWriteArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    workers.add(threads.submit(() -> {
                        for (int i = 0; running.get(); i++) {
                            if (i % 4 == 3) {
                                posts.incrementAndGet();
                                String id = "post-" + thread + "-" + i;
                                try (HttpResponse r = client.send(HttpRequest.builder(url + "/pay")
                                        .header("X-Request-Id", id).POST(RequestBody.of("1")).build())) {
                                    r.string();
                                } catch (IOException e) {
                                    postFailures.add(e.getMessage());
                                }
                            } else {
                                gets.incrementAndGet();
                                try {
                                    assertThat(client.sendAndRead(HttpRequest.get(url + "/page")).string()).hasSize(page.length());
                                } catch (IOException e) {
                                    getFailures.add(e.getMessage());
                                }
                            }
                        }
                        return null;
                    }));
                }
                Future<?> faults = threads.submit(() -> cycleFaults(proxy, running));
                LockSupport.parkNanos(RUN.toNanos()); // the length of the run, not a wait for a result
                running.set(false);
                for (Future<?> w : workers) {
                    w.get(10, TimeUnit.SECONDS); // a stuck thread fails here
                }
                faults.get(10, TimeUnit.SECONDS);
            } finally {
                running.set(false);
                threads.shutdownNow();
            }
            proxy.removeAllToxics();
            long duplicates = applied.values().stream().filter(n -> n.get() > 1).count();
            System.out.printf("soak: %d GETs, %d failed (%.2f %%); %d POSTs, %d failed; %d duplicates; %s%n",
                    gets.get(), getFailures.size(), 100.0 * getFailures.size() / Math.max(1, gets.get()),
                    posts.get(), postFailures.size(), duplicates, client.poolStats());
            assertThat(duplicates).as("POSTs applied twice").isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.poolStats().leased() == 0);
            assertThat(getFailures).as("GET failures that a retry inside the call would have saved")
                    .noneMatch(m -> m.contains("tether did not retry it because the response had begun"))
                    .noneMatch(m -> m.contains("because the connection was new") && m.contains("the server had begun to answer"));
            for (String f : postFailures) {
                assertThat(f).containsAnyOf("may have been applied", "was not applied", "was not sent", "probably applied");
            }
            assertThat(gets.get()).as("the run did something").isGreaterThan(100);
            client.close();
        }
    }

    /** One fault after another, each for about 250 ms, until the run ends. */
    private static Void cycleFaults(ChaosProxy proxy, AtomicBoolean running) {
        List<Toxic> faults = List.of(
                Toxic.resetNow(),
                Toxic.limitData(12 * 1024).withStream(Stream.DOWNSTREAM), // cuts the second response of a connection
                Toxic.idleClose(Duration.ofMillis(50), true),
                Toxic.blackhole(),
                Toxic.refuse(),
                Toxic.idleClose(Duration.ofMillis(80), false));
        for (int i = 0; running.get(); i++) {
            Toxic fault = faults.get(i % faults.size()).withName("fault");
            proxy.addToxic(fault);
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos()); // the fault's duration, not a wait for a result
            proxy.removeToxic("fault");
            LockSupport.parkNanos(Duration.ofMillis(150).toNanos()); // a calm moment between faults
        }
        return null;
    }
}
