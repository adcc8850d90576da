package dev.tether.redis;

import dev.tether.pool.RetryOutcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Concurrent callers' commands sharing round trips: each caller gets its own reply, and when the
 * shared connection fails each command is judged as if it had been alone on it (only its own
 * reply's bytes count as "the reply had begun").
 */
class AutoPipeliningTest {

    /**
     * A server whose first command ({@code GET first}) is answered only once {@link #release} opens,
     * so that the commands sent meanwhile queue and go together in the second round trip.
     */
    private static final class HeldFirst implements AutoCloseable {
        final CountDownLatch firstIn = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        final FakeRedis fake;
        final RedisClient client;

        HeldFirst(Function<List<String>, String> then) throws Exception {
            this(then, Duration.ofSeconds(30));
        }

        HeldFirst(Function<List<String>, String> then, Duration acquireTimeout) throws Exception {
            fake = new FakeRedis(cmd -> {
                if (cmd.equals(List.of("GET", "first"))) {
                    firstIn.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "$1\r\nF\r\n";
                }
                return then.apply(cmd);
            });
            client = RedisClient.create(RedisClientConfig.builder().host("127.0.0.1").port(fake.port())
                    .pool(p -> p.acquireTimeout(acquireTimeout)).autoPipelining(1).build());
        }

        /** Sends GET first, then each of {@code calls} from its own thread, in order, queued behind it. */
        List<Future<Object>> send(List<Function<RedisClient, Object>> calls) throws Exception {
            Future<Object> first = sendFirst();
            List<Future<Object>> out = queueBehind(calls);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("F");
            return out;
        }

        /** Sends GET first; returns once the server holds it. */
        Future<Object> sendFirst() throws Exception {
            Future<Object> first = threads.submit(() -> client.get("first"));
            assertThat(firstIn.await(10, TimeUnit.SECONDS)).isTrue();
            return first;
        }

        /** Sends each of {@code calls} from its own thread, in order, each waiting behind the held round trip. */
        List<Future<Object>> queueBehind(List<Function<RedisClient, Object>> calls) {
            List<Future<Object>> out = new ArrayList<>();
            for (Function<RedisClient, Object> call : calls) {
                AtomicReference<Thread> caller = new AtomicReference<>();
                out.add(threads.submit(() -> {
                    caller.set(Thread.currentThread());
                    return call.apply(client);
                }));
                awaitParked(caller);
            }
            return out;
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            threads.shutdownNow();
            client.close();
            fake.close();
        }
    }

    @Test
    void aCommandAnsweredBeforeTheConnectionDiedKeepsItsReplyAndTheOneAfterItIsRetried() throws Exception {
        AtomicInteger getB = new AtomicInteger();
        try (HeldFirst h = new HeldFirst(cmd -> {
            if (cmd.get(0).equals("INCR")) {
                return ":1\r\n";
            }
            // GET b: the shared connection closes before its reply; its retry on a fresh one is answered.
            return getB.getAndIncrement() == 0 ? null : "$1\r\nB\r\n";
        })) {
            List<Future<Object>> r = h.send(List.of(c -> c.incr("c"), c -> c.get("b")));
            assertThat(r.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            // The round trip had received INCR's reply, but none of GET b's: GET b is safe to repeat and was.
            assertThat(r.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("B");
            assertThat(getB.get()).isEqualTo(2);
            assertThat(h.client.poolView().retries(RetryOutcome.SUCCEEDED)).isEqualTo(1);
            assertThat(h.fake.connections()).isEqualTo(2);
        }
    }

    @Test
    void whenTheSharedConnectionDiesUnanswered_theReadIsRetriedAndTheIncrSaysItMayHaveBeenApplied() throws Exception {
        AtomicInteger getB = new AtomicInteger();
        try (HeldFirst h = new HeldFirst(cmd -> {
            if (cmd.get(0).equals("INCR")) {
                return null; // close after INCR without a reply: GET b, written behind it, is not read
            }
            getB.incrementAndGet();
            return "$1\r\nB\r\n";
        })) {
            List<Future<Object>> r = h.send(List.of(c -> c.incr("c"), c -> c.get("b")));
            Exception incr = catchThrowableOfType(() -> r.get(0).get(10, TimeUnit.SECONDS), ExecutionException.class);
            assertThat(incr.getCause()).isInstanceOf(RedisConnectionException.class)
                    .hasMessageContaining("INCR failed")
                    .hasMessageContaining("may have been applied")
                    .hasMessageContaining("INCR is not safe to repeat");
            assertThat(((RedisConnectionException) incr.getCause()).mayHaveBeenApplied()).isTrue();
            assertThat(r.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("B");
            assertThat(getB.get()).as("GET b sent again once, on a fresh connection").isEqualTo(1);
        }
    }

    @Test
    void aReplyCutInTheMiddleIsNotRetriedAndTheCommandsBehindItAreJudgedOnTheirOwn() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        try (HeldFirst h = new HeldFirst(cmd -> {
            if (cmd.get(0).equals("GET")) {
                gets.incrementAndGet();
                return "$5\r\nBB" + FakeRedis.THEN_CLOSE; // two bytes of five, then the end
            }
            return ":1\r\n";
        })) {
            List<Future<Object>> r = h.send(List.of(c -> c.get("b"), c -> c.incr("c"), c -> c.exists("d")));
            Throwable get = catchThrowableOfType(() -> r.get(0).get(10, TimeUnit.SECONDS), ExecutionException.class).getCause();
            assertThat(get).isInstanceOf(RedisConnectionException.class).hasMessageContaining("the reply had begun");
            Throwable incr = catchThrowableOfType(() -> r.get(1).get(10, TimeUnit.SECONDS), ExecutionException.class).getCause();
            assertThat(incr).isInstanceOf(RedisConnectionException.class).hasMessageContaining("may have been applied")
                    .hasMessageNotContaining("the reply had begun");
            // EXISTS is a read whose reply had not begun: sent again alone, and answered.
            assertThat(r.get(2).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(gets.get()).as("the cut GET was not sent again").isEqualTo(1);
        }
    }

    @Test
    void aCommandStuckBehindAStalledRoundTripFailsUnsentAtTheAcquireTimeout() throws Exception {
        List<List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (HeldFirst h = new HeldFirst(cmd -> {
            seen.add(cmd);
            return ":1\r\n";
        }, Duration.ofMillis(300))) {
            Future<Object> first = h.sendFirst();
            Future<Object> late = h.threads.submit(() -> h.client.incr("late"));
            Throwable t = catchThrowableOfType(() -> late.get(10, TimeUnit.SECONDS), ExecutionException.class).getCause();
            assertThat(t).isInstanceOf(RedisConnectionException.class)
                    .hasMessageStartingWith("INCR was not sent: it waited 300 ms for a round trip on the connections it shares")
                    .hasMessageContaining("RedisClientConfig.pool(p -> p.acquireTimeout(...))");
            assertThat(((RedisConnectionException) t).mayHaveBeenApplied()).isFalse();
            h.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("F");
            assertThat(h.client.incr("after")).isEqualTo(1L);
            assertThat(seen).as("the late INCR never reached the server").containsExactly(List.of("INCR", "after"));
        }
    }

    @Test
    void commandsThatChangeOrHoldTheConnectionDoNotShareIt() {
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("GET", "k"))).isTrue();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("INCR", "k"))).isTrue();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("SELECT", 1))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("CLIENT", "SETNAME", "x"))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("BLPOP", "k", 5))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("blpop", "k", 0))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("WAIT", 1, 0))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("BZMPOP", 1, 1, "z", "MIN"))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("XREAD", "BLOCK", 10, "STREAMS", "s", "$"))).isFalse();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("XREAD", "STREAMS", "s", "0"))).isTrue();
        assertThat(dev.tether.redis.internal.CommandTable.shareable(Command.of("GET", "k").readTimeout(Duration.ofSeconds(1)))).isFalse();
    }

    @Test
    void autoPipeliningIsCheckedAgainstThePool() {
        assertThatThrownBy(() -> RedisClientConfig.builder().pool(p -> p.maxPerKey(4).maxTotal(4)).autoPipelining(5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("autoPipelining: 5 (expected: 0 (off) up to the pool's connections, pool.maxPerKey and pool.maxTotal: 4)");
        assertThatThrownBy(() -> RedisClientConfig.builder().autoPipelining(-1).build())
                .hasMessageStartingWith("autoPipelining: -1 (expected: 0 (off)");
        assertThat(RedisClientConfig.DEFAULT.autoPipelining()).isEqualTo(1);
        assertThat(RedisClientConfig.builder().autoPipelining(0).build().toString()).contains("autoPipelining=0");
    }

    // ---- against the machine's Redis ----

    /** Sixteen callers on one shared connection: every reply reaches the caller whose command it answers. */
    @Test
    void manyCallersOnOneConnectionEachGetTheirOwnReplies() throws Exception {
        TestRedis.require();
        String name = RedisAdmin.uniqueName("tether-test-ap");
        int threads = 16;
        int each = 500;
        try (RedisAdmin admin = RedisAdmin.machine(); RedisClient c = RedisClient.create(TestRedis.config(name).autoPipelining(1).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String prefix = name + ":" + t + ":";
                    done.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < each; i++) {
                            c.set(prefix + i, "v" + i);
                            if (("v" + i).equals(c.get(prefix + i)) && c.incr(prefix + "n") == i + 1) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(each);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(c.poolStats().opened()).as("one shared connection served every caller").isEqualTo(1);
            for (int t = 0; t < threads; t++) {
                List<Object> keys = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    keys.add(name + ":" + t + ":" + i);
                }
                keys.add(name + ":" + t + ":n");
                admin.client().send(Command.of("DEL", keys.toArray()));
            }
        }
    }

    /**
     * Eight callers sending INCR while every connection of the client is killed every 100 ms: no
     * INCR applied twice, every unacknowledged one that the server applied said it may have been;
     * then the same with GET: nothing fails.
     */
    @Test
    void churnWithManyCallersAppliesNothingTwiceAndLosesNoRead() throws Exception {
        TestRedis.require();
        String name = RedisAdmin.uniqueName("tether-test-ap-churn");
        String key = name + ":counter";
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger maybeApplied = new AtomicInteger();
        AtomicInteger notApplied = new AtomicInteger();
        AtomicInteger getFailures = new AtomicInteger();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        try (RedisAdmin admin = RedisAdmin.machine(); RedisClient c = RedisClient.create(TestRedis.config(name).autoPipelining(1).build())) {
            c.set(name + ":k", "v");
            churn(name, () -> {
                try {
                    c.incr(key);
                    acknowledged.incrementAndGet();
                } catch (RedisConnectionException e) {
                    (e.mayHaveBeenApplied() ? maybeApplied : notApplied).incrementAndGet();
                } catch (Throwable t) {
                    unexpected.compareAndSet(null, t);
                }
            });
            churn(name, () -> {
                try {
                    if (!"v".equals(c.get(name + ":k"))) {
                        getFailures.incrementAndGet();
                    }
                } catch (Throwable t) {
                    getFailures.incrementAndGet();
                    unexpected.compareAndSet(null, t);
                }
            });
            long counter = admin.counter(key);
            System.out.printf("shared churn: INCR %d acknowledged, %d may have been applied, %d not applied, counter %d;"
                    + " GET %d failed; pool %s%n", acknowledged.get(), maybeApplied.get(), notApplied.get(), counter, getFailures.get(), c.poolStats());
            assertThat(unexpected.get()).isNull();
            assertThat(acknowledged.get() + maybeApplied.get() + notApplied.get()).isEqualTo(3000);
            assertThat(counter).isBetween((long) acknowledged.get(), (long) acknowledged.get() + maybeApplied.get());
            assertThat(getFailures.get()).isZero();
            assertThat(c.poolStats().closed()).as("connections were killed").isPositive();
            admin.client().del(key, name + ":k");
        }
    }

    /** Eight threads, 375 commands each, about 1 ms apart, while the connections named {@code name} are killed every 100 ms. */
    private static void churn(String name, Runnable command) throws Exception {
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (RedisAdmin killing = RedisAdmin.machine()) {
            killer.scheduleAtFixedRate(() -> killing.kill(name), 100, 100, TimeUnit.MILLISECONDS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 375; i++) {
                        command.run();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            killer.shutdownNow();
            callers.shutdownNow();
            killer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitParked(AtomicReference<Thread> caller) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            Thread t = caller.get();
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the caller did not come to wait behind the first round trip");
    }
}
