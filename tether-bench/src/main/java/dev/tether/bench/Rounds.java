package dev.tether.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the alternating-rounds runs share ({@code JdbcSelectRounds}, {@code RedisRounds}): an
 * operation run by some threads for a while, as operations per second, and the statistics their
 * tables print. Rounds exist because on a shared 2-core machine the load drifts over a JMH run's
 * minutes more than the clients differ; neighbours in time share the load.
 */
public final class Rounds {
    /** One operation of a round; its failure ends the run. */
    @FunctionalInterface
    public interface Op {
        void run() throws Exception;
    }

    private Rounds() {
    }

    /** Operations per second of {@code threads} threads running {@code op} for {@code d}. */
    public static double perSecond(int threads, Duration d, Op op) throws InterruptedException {
        LongAdder done = new LongAdder();
        CountDownLatch finished = new CountDownLatch(threads);
        long start = System.nanoTime();
        long end = start + d.toNanos();
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        op.run();
                        done.increment();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    finished.countDown();
                }
            }).start();
        }
        finished.await();
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    public static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
