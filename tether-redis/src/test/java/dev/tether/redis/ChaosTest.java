package dev.tether.redis;

import dev.tether.pool.Backoff;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolStats;
import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.net.ConnectionFailure.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client behind tether-chaos's fault proxy, in front of the machine's Redis. */
class ChaosTest {
    @RegisterExtension
    static final ChaosExtension chaos = new ChaosExtension();

    private static RedisAdmin admin;
    private static String upstream;
    /** The acquire timeout of the outage tests: what "fast" is measured against. */
    private static final Duration OUTAGE_ACQUIRE = Duration.ofSeconds(1);
    /**
     * How long one failing call may take during an outage: its acquire timeout, whether it waited
     * queued for a shared round trip or in that round trip's lease (which waits no longer than its
     * oldest command may), plus a 3 s margin for a loaded 2-CPU machine. Far below the read
     * timeout (30 s) a call stuck on a socket would take, and below what 64 calls waiting one
     * behind the other would.
     */
    private static final Duration FAST = OUTAGE_ACQUIRE.plusSeconds(3);
    private final String prefix = RedisAdmin.uniqueName("tether-test:chaos") + ":";

    @BeforeAll
    static void server() {
        TestRedis.require();
        admin = RedisAdmin.machine();
        RedisUri u = RedisUri.parse(RedisAdmin.URL);
        upstream = u.host() + ":" + u.port();
    }

    @AfterAll
    static void done() {
        if (admin != null) {
            admin.close();
        }
    }

    private static ChaosProxy proxy() {
        return chaos.proxy("redis", upstream);
    }

    private static RedisClientConfig.Builder config(ChaosProxy p) {
        return RedisClientConfig.builder(RedisAdmin.URL).host("127.0.0.1").port(p.port());
    }

    /**
     * The outage: the proxy stops listening (every connect refused) while callers on many
     * threads keep calling, then listens again.
     * <ol>
     *   <li>Fast: each call, timed on its own thread, fails within {@link #FAST} (the acquire
     *       timeout's waits plus a margin for a noisy machine), far below the read timeout set here
     *       (30 s): no caller waits for a socket, and none waits behind all the others. Half the
     *       calls are single GETs (shared round trips), half pipelines (a lease each).</li>
     *   <li>Each failure names the endpoint, the last connect error and that nothing was sent, a GET
     *       that timed out queued for a shared round trip too.</li>
     *   <li>Connects are paced by the backoff, not by the callers: at most {@code maxOpensPerKey}
     *       attempts per backoff window.</li>
     *   <li>No thread is left blocked: the callers all end, and no thread anywhere is parked in the
     *       pool's acquire or the auto-pipelining queue.</li>
     *   <li>Recovery within one backoff step, counted rather than timed: once the proxy listens
     *       again, at most one more connect fails (one that started too late in its caller's
     *       acquire deadline) before a command succeeds; the wall clock only gets a generous bound.</li>
     * </ol>
     */
    @Test
    void anOutageFailsFastNamesTheEndpointAndRecoversAfterOneBackoffStep() throws Exception {
        ChaosProxy p = proxy();
        Duration acquire = OUTAGE_ACQUIRE;
        Duration firstStep = Duration.ofMillis(100);
        Duration maxStep = Duration.ofMillis(400);
        Backoff exponential = Backoff.exponential(firstStep, maxStep);
        AtomicInteger steps = new AtomicInteger(); // backoff steps begun: the pool asks once per failed open
        Backoff counted = (failures, random) -> {
            steps.incrementAndGet();
            return exponential.delay(failures, random);
        };
        AtomicInteger openFailures = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        int threads = 16;
        int callsEach = 4;
        ExecutorService callers = Executors.newFixedThreadPool(threads, named("outage-caller-"));
        try (RedisClient c = RedisClient.create(config(p).pool(x -> x.acquireTimeout(acquire).openBackoff(counted))
                .socket(s -> s.readTimeout(Duration.ofSeconds(30))).build())) {
            c.addPoolListener(new PoolListener<>() {
                @Override
                public void opened(Object key, Object connection, long tookNanos) {
                    opened.incrementAndGet();
                }

                @Override
                public void openFailed(Object key, Throwable cause, long tookNanos) {
                    openFailures.incrementAndGet();
                }
            });
            String key = prefix + "outage";
            c.set(key, "v");
            p.disable();
            // The outage begins once the client has seen its idle connection closed. A command sent
            // in the instant before (a connection back in the pool for less than
            // RedisClient.LEASE_CHECK_AFTER_IDLE is lent unchecked) meets the close itself and is
            // retried on a fresh connection: KillTest's case, not this one's.
            await().atMost(Duration.ofSeconds(5)).until(() -> c.poolStats().idle() == 0);
            long outageStart = System.nanoTime();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<List<Outcome>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean pipelines = t % 2 == 1;
                work.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(go);
                    List<Outcome> outcomes = new ArrayList<>();
                    for (int i = 0; i < callsEach; i++) {
                        long start = System.nanoTime();
                        Throwable failure = null;
                        try {
                            if (pipelines) {
                                c.pipeline().add("GET", key).execute();
                            } else {
                                c.get(key);
                            }
                        } catch (Throwable e) {
                            failure = e;
                        }
                        outcomes.add(new Outcome(pipelines ? "pipeline" : "GET", System.nanoTime() - start, failure));
                    }
                    return outcomes;
                }, callers));
            }
            go.countDown();
            List<Outcome> all = new ArrayList<>();
            for (CompletableFuture<List<Outcome>> w : work) {
                all.addAll(w.get(60, TimeUnit.SECONDS)); // only so that a hang fails the test instead of stalling it
            }
            long outageNanos = System.nanoTime() - outageStart;
            long slowest = all.stream().mapToLong(Outcome::tookNanos).max().orElseThrow();
            System.out.printf("outage: %d calls in %d ms, slowest %d ms, %d connects failed%n", all.size(),
                    outageNanos / 1_000_000, slowest / 1_000_000, openFailures.get());
            assertThat(all).hasSize(threads * callsEach);
            for (Outcome o : all) {
                assertThat(o.failure()).as(o.what()).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                    assertThat(e.getMessage()).contains("127.0.0.1:" + p.port()).contains("was not sent");
                    assertThat(e.mayHaveBeenApplied()).isFalse();
                });
                assertThat(o.failure().getMessage()).as(o.what()).contains("refused");
                assertThat(Duration.ofNanos(o.tookNanos())).as("%s failed after %d ms", o.what(), o.tookNanos() / 1_000_000)
                        .isLessThanOrEqualTo(FAST);
            }
            callers.shutdown();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("every caller's thread ended").isTrue();
            assertThat(parkedInTheClient()).as("threads still waiting in the client").isEmpty();
            PoolStats during = c.poolStats();
            assertThat(during.waiting()).isZero();
            assertThat(during.leased()).isZero();
            assertThat(during.opening()).isZero();
            // Connect attempts start only when no backoff runs (a step lasts at least 80 ms: 100 ms
            // less its 20 % jitter), at most maxOpensPerKey of them at once.
            long windows = 1 + outageNanos / (firstStep.toNanos() * 8 / 10);
            assertThat(openFailures.get()).isPositive().isLessThanOrEqualTo((int) (windows * c.config().pool().maxOpensPerKey()));
            assertThat(steps.get()).isEqualTo(openFailures.get());

            int failedBefore = openFailures.get();
            int openedBefore = opened.get();
            p.enable();
            long enabledAt = System.nanoTime();
            int failedCalls = 0;
            String value = null;
            while (value == null && System.nanoTime() - enabledAt < TimeUnit.SECONDS.toNanos(30)) {
                try {
                    value = c.get(key);
                } catch (RedisConnectionException e) {
                    failedCalls++;
                }
            }
            long recoveryNanos = System.nanoTime() - enabledAt;
            System.out.printf("recovery: %d ms, %d calls failed, %d connects failed, %d opened%n", recoveryNanos / 1_000_000,
                    failedCalls, openFailures.get() - failedBefore, opened.get() - openedBefore);
            assertThat(value).isEqualTo("v");
            assertThat(openFailures.get() - failedBefore).as("connects that failed after the server came back").isLessThanOrEqualTo(1);
            assertThat(opened.get() - openedBefore).as("the first connect that succeeded served the command").isEqualTo(1);
            // One step's wait (at most 480 ms with jitter), a second after one more failed connect, and a wide margin.
            assertThat(Duration.ofNanos(recoveryNanos)).isLessThanOrEqualTo(Duration.ofSeconds(5));
            c.del(key);
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * During an outage a single command that waited the acquire timeout queued for a shared round
     * trip (the round trip ahead of it waited out a backoff step, then tried a connect) is told the
     * connect error of the round trips ahead, as the issue asks ("a message that names the
     * endpoint and the last connect error"), not a guess at a slow server: a backoff step of
     * exactly the acquire timeout, and callers that call again at once, make that the common case.
     */
    @Test
    void aCommandQueuedForASharedRoundTripDuringAnOutageNamesTheConnectError() throws Exception {
        ChaosProxy p = proxy();
        int threads = 16;
        ExecutorService callers = Executors.newFixedThreadPool(threads, named("queued-caller-"));
        Backoff oneAcquireTimeout = (failures, random) -> OUTAGE_ACQUIRE;
        try (RedisClient c = RedisClient.create(config(p).pool(x -> x.acquireTimeout(OUTAGE_ACQUIRE).openBackoff(oneAcquireTimeout))
                .build())) {
            c.ping();
            p.disable();
            await().atMost(Duration.ofSeconds(5)).until(() -> c.poolStats().idle() == 0);
            List<CompletableFuture<List<Throwable>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(CompletableFuture.supplyAsync(() -> {
                    List<Throwable> failures = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        try {
                            c.get(prefix + "queued");
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                    return failures;
                }, callers));
            }
            for (CompletableFuture<List<Throwable>> w : work) {
                assertThat(w.get(60, TimeUnit.SECONDS)).hasSize(4).allSatisfy(e -> assertThat(e)
                        .isInstanceOf(RedisConnectionException.class).hasMessageContaining("127.0.0.1:" + p.port())
                        .hasMessageContaining("refused"));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private record Outcome(String what, long tookNanos, Throwable failure) {
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Threads parked in the client: in the pool's acquire, or queued for a shared round trip. */
    private static List<String> parkedInTheClient() {
        List<String> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals("dev.tether.pool.internal.SlowAcquire")
                        || frame.getClassName().equals("dev.tether.redis.internal.Combiner")) {
                    found.add(thread.getName() + " (" + thread.getState() + ") at " + frame);
                    break;
                }
            }
        });
        return found;
    }

    @Test
    void aBlackholeEndsInAReadTimeoutThatIsNotRetried() {
        ChaosProxy p = proxy();
        try (RedisClient c = RedisClient.create(config(p).socket(s -> s.readTimeout(Duration.ofMillis(300)))
                .blockingMargin(Duration.ofMillis(500)).build())) {
            String key = prefix + "hole";
            c.set(key, "v");
            p.addToxic(Toxic.blackhole());
            assertThatThrownBy(() -> c.get(key)).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.READ_TIMEOUT);
                assertThat(e.getMessage()).contains("within the read timeout of 300 ms")
                        .contains("tether did not retry it because the server may still be working on it")
                        .contains("RedisClientConfig.socket(s -> s.readTimeout(...))");
            });
            // A blocking command waits for its own timeout plus the margin, not the socket's 300 ms.
            assertThatThrownBy(() -> c.blpop(Duration.ofSeconds(1), key + ":list")).isInstanceOfSatisfying(RedisConnectionException.class,
                    e -> assertThat(e.getMessage()).contains("within the read timeout of 1500 ms"));
            p.removeAllToxics();
            c.del(key);
        }
    }

    @Test
    void aBlockingCommandIsNotCutAtTheSocketReadTimeout() {
        try (RedisClient c = RedisClient.create(RedisClientConfig.builder(RedisAdmin.URL)
                .socket(s -> s.readTimeout(Duration.ofMillis(300))).build())) {
            assertThat(c.blpop(Duration.ofSeconds(2), prefix + "empty")).isNull();
            assertThat(c.send(Command.text("XREAD", "BLOCK", 1000, "STREAMS", prefix + "stream", "$"))).isNull();
            // The socket's own timeout is back for the next command.
            assertThat(c.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aResetInFlightIsRetriedForAReadAndReportedForAnIncr() throws Exception {
        ChaosProxy p = proxy();
        try (RedisClient c = RedisClient.create(config(p).build())) {
            String key = prefix + "inflight";
            c.set(key, "5");
            p.addToxic(Toxic.latency(Duration.ofMillis(400)));  // replies wait in the proxy
            CompletableFuture<String> get = CompletableFuture.supplyAsync(() -> c.get(key));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().leased() == 1);
            p.resetConnections();
            assertThat(get.get(20, TimeUnit.SECONDS)).isEqualTo("5");
            c.ping(); // a pooled connection again (the retry's own was closed after it)

            CompletableFuture<Throwable> incr = CompletableFuture.supplyAsync(() -> {
                try {
                    c.incr(key);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().leased() == 1);
            p.resetConnections();
            assertThat(incr.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.mayHaveBeenApplied()).isTrue();
                assertThat(e.getMessage()).contains("may have been applied").contains("INCR is not safe to repeat");
            });
            p.removeAllToxics();
            assertThat(admin.counter(key)).isBetween(5L, 6L); // applied once at most, never twice
            c.del(key);
        }
    }

    @Test
    void aPipelineCutShortReportsWhichCommandsGotReplies() {
        ChaosProxy p = proxy();
        String key = prefix + "pipe";
        p.addToxic(Toxic.limitData(20)); // ":1\r\n" to ":5\r\n", then the connection closes
        try (RedisClient c = RedisClient.create(config(p).build())) {
            Pipeline pipe = c.pipeline();
            for (int i = 0; i < 10; i++) {
                pipe.add("INCR", key);
            }
            assertThatThrownBy(pipe::execute).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.received().asList()).containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(e.mayHaveBeenApplied()).isTrue();
                assertThat(e.getMessage()).startsWith("pipeline of 10 commands failed")
                        .contains("replies arrived for the first 5 of 10 commands; the other 5 may have been applied");
            });
        }
        p.removeAllToxics();
        assertThat(admin.counter(key)).isBetween(5L, 10L);
        admin.client().del(key);
    }

    @Test
    void aTransactionCutBeforeExecsReplySaysItMayHaveBeenApplied() {
        ChaosProxy p = proxy();
        String key = prefix + "tx";
        p.addToxic(Toxic.limitData(5 + 3 * 9)); // +OK and three +QUEUED, then the connection closes
        try (RedisClient c = RedisClient.create(config(p).build())) {
            assertThatThrownBy(() -> c.transaction().add("INCR", key).add("INCR", key).add("INCR", key).execute())
                    .isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                        assertThat(e.received().size()).isZero();
                        assertThat(e.mayHaveBeenApplied()).isTrue();
                        assertThat(e.getMessage()).startsWith("transaction of 3 commands failed")
                                .contains("EXEC's reply did not arrive, so the transaction may have been applied");
                    });
        }
        p.removeAllToxics();
        assertThat(admin.counter(key)).as("all or nothing").isIn(0L, 3L);
        admin.client().del(key);
    }

    @Test
    void aSubscriberWhosePeerFallsSilentPingsGivesUpAndComesBack() throws Exception {
        ChaosProxy p = proxy();
        String channel = prefix + "silent";
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger disconnected = new java.util.concurrent.atomic.AtomicInteger();
        MessageListener listener = new MessageListener() {
            @Override
            public void message(String ch, byte[] message) {
                got.add(new String(message, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(RedisConnectionException cause) {
                disconnected.incrementAndGet();
            }
        };
        try (RedisClient c = RedisClient.create(config(p).socket(s -> s.readTimeout(Duration.ofMillis(300)))
                .pool(x -> x.openBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400)))).build());
             Subscription sub = c.subscribe(listener, channel)) {
            p.addToxic(Toxic.blackhole());
            // No byte for a read timeout: a PING; no answer for another: the connection is given up.
            await().atMost(Duration.ofSeconds(10)).until(() -> disconnected.get() >= 1);
            p.removeAllToxics();
            await().atMost(Duration.ofSeconds(10)).until(sub::isSubscribed);
            admin.client().publish(channel, "back");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("back");
        }
    }

    @Test
    void aSafePipelineOnAStaleConnectionIsRetriedWhole() throws Exception {
        ChaosProxy p = proxy();
        try (RedisClient c = RedisClient.create(config(p).build())) {
            String key = prefix + "safe-pipe";
            c.set(key, "1");
            p.addToxic(Toxic.latency(Duration.ofMillis(400)));
            CompletableFuture<Replies> r = CompletableFuture.supplyAsync(() ->
                    c.pipeline().add("GET", key).add("SET", key, "2").add(Command.text("GET", key)).execute());
            await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().leased() == 1);
            p.resetConnections();
            assertThat(r.get(20, TimeUnit.SECONDS).getString(2)).isEqualTo("2");
            p.removeAllToxics();
            c.del(key);
        }
    }
}
