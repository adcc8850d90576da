package dev.tether.redis.internal;

import dev.tether.pool.Ticker;
import dev.tether.redis.Command;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The combining itself, with a runner that answers each command with its own argument. */
class CombinerTest {

    @Test
    void aLoneCallerLeadsItsOwnRoundTrip() {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        Combiner c = combiner(1, first -> {
            List<Combiner.Slot> batch = slots(first);
            sizes.add(batch.size());
            batch.forEach(s -> s.reply(s.command.arg(0)));
        });
        for (int i = 0; i < 100; i++) {
            assertThat(c.call(Command.of("ECHO", "m" + i)).reply).isEqualTo("m" + i);
        }
        assertThat(sizes).hasSize(100).containsOnly(1);
        assertThat(c.waiting()).isZero();
    }

    @Test
    void commandsThatWaitGoTogetherInTheNextRoundTrip() throws Exception {
        CountDownLatch firstIn = new CountDownLatch(1);
        CountDownLatch letFirstGo = new CountDownLatch(1);
        List<List<String>> trips = Collections.synchronizedList(new ArrayList<>());
        Combiner c = combiner(1, first -> {
            List<Combiner.Slot> batch = slots(first);
            List<String> names = new ArrayList<>();
            batch.forEach(s -> names.add((String) s.command.arg(0)));
            trips.add(names);
            if (names.contains("first")) {
                firstIn.countDown();
                await(letFirstGo);
            }
            batch.forEach(s -> s.reply(s.command.arg(0)));
        });
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            Future<Object> first = pool.submit(() -> c.call(Command.of("ECHO", "first")).reply);
            assertThat(firstIn.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Object>> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String m = "m" + i;
                others.add(pool.submit(() -> c.call(Command.of("ECHO", m)).reply));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.waiting() < 5 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(c.waiting()).as("the five wait while the one round trip is in flight").isEqualTo(5);
            letFirstGo.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            for (int i = 0; i < 5; i++) {
                assertThat(others.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("m" + i);
            }
            assertThat(trips).hasSize(2);
            assertThat(trips.get(1)).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Many callers, round trips of random length, one to three at once: every caller gets its own
     * answer and returns; no command is stranded in the queue (the test would hang, and time out).
     */
    @Test
    void underContentionEveryCallerGetsItsOwnReplyAndNoneIsStranded() throws Exception {
        for (int rounds = 1; rounds <= 3; rounds++) {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger trips = new AtomicInteger();
            int limit = rounds;
            Combiner c = combiner(rounds, first -> {
                List<Combiner.Slot> batch = slots(first);
                int now = inFlight.incrementAndGet();
                most.accumulateAndGet(now, Math::max);
                trips.incrementAndGet();
                assertThat(batch.size()).isBetween(1, Combiner.MAX_BATCH);
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50_000));
                }
                batch.forEach(s -> s.reply(s.command.arg(0)));
                inFlight.decrementAndGet();
            });
            int threads = 16;
            int each = 2_000;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    done.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < each; i++) {
                            String m = id + ":" + i;
                            if (m.equals(c.call(Command.of("ECHO", m)).reply)) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(each);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(most.get()).as("round trips at once").isBetween(1, limit);
            assertThat(trips.get()).as("commands shared round trips").isLessThanOrEqualTo(threads * each);
            assertThat(c.waiting()).isZero();
        }
    }

    @Test
    void aRunnerThatThrowsFailsTheCommandsItCarriedAndTheNextRoundTripStillRuns() {
        AtomicInteger calls = new AtomicInteger();
        Combiner c = combiner(1, first -> {
            List<Combiner.Slot> batch = slots(first);
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("boom");
            }
            batch.forEach(s -> s.reply("ok"));
        });
        assertThat(c.call(Command.of("PING")).error).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(c.call(Command.of("PING")).reply).isEqualTo("ok");
    }

    @Test
    void roundsMustBePositive() {
        assertThatThrownBy(() -> combiner(0, b -> { })).hasMessage("rounds: 0 (expected: >= 1)");
    }

    private static Combiner combiner(int rounds, Combiner.Runner runner) {
        return new Combiner(rounds, runner, Ticker.SYSTEM, Duration.ofSeconds(60), c -> new IllegalStateException(c.name() + " not sent"));
    }

    @Test
    void aCommandThatWaitsLongerThanItsTimeForARoundTripFailsUnsentAndIsNeverSent() throws Exception {
        CountDownLatch firstIn = new CountDownLatch(1);
        CountDownLatch letFirstGo = new CountDownLatch(1);
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        Combiner c = new Combiner(1, first -> {
            for (Combiner.Slot s = first; s != null; s = s.next) {
                sent.add((String) s.command.arg(0));
            }
            if (first.command.arg(0).equals("first")) {
                firstIn.countDown();
                await(letFirstGo);
            }
            for (Combiner.Slot s = first; s != null; s = s.next) {
                s.reply(s.command.arg(0));
            }
        }, Ticker.SYSTEM, Duration.ofMillis(200), cmd -> new IllegalStateException(cmd.arg(0) + " not sent"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> first = pool.submit(() -> c.call(Command.of("ECHO", "first")).reply);
            assertThat(firstIn.await(10, TimeUnit.SECONDS)).isTrue();
            Combiner.Slot late = pool.submit(() -> c.call(Command.of("ECHO", "late"))).get(10, TimeUnit.SECONDS);
            assertThat(late.error).hasMessage("late not sent");
            assertThat(c.waiting()).isZero();
            letFirstGo.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(c.call(Command.of("ECHO", "after")).reply).isEqualTo("after");
            assertThat(sent).containsExactly("first", "after");
        } finally {
            pool.shutdownNow();
        }
    }

    /** A round trip's slots, as the runner is given them (linked). */
    private static List<Combiner.Slot> slots(Combiner.Slot first) {
        List<Combiner.Slot> out = new ArrayList<>();
        for (Combiner.Slot s = first; s != null; s = s.next) {
            out.add(s);
        }
        return out;
    }

    private static void await(CountDownLatch l) {
        try {
            assertThat(l.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
