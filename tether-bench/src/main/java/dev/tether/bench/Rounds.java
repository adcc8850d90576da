package dev.tether.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
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
        return timed(threads, d, op)[0];
    }

    /**
     * {operations per second, CPU time of the calling threads per operation in µs} of
     * {@code threads} threads running {@code op} for {@code d}. The calling threads' own CPU time
     * (user and system: the client's Java work and its system calls, not a server's, not a peer's
     * I/O threads) is disturbed by other processes' load far less than throughput is.
     */
    public static double[] timed(int threads, Duration d, Op op) throws InterruptedException {
        LongAdder done = new LongAdder();
        LongAdder cpuNanos = new LongAdder();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        long end = start + d.toNanos();
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                long cpu0 = mx.getCurrentThreadCpuTime();
                try {
                    while (System.nanoTime() < end) {
                        op.run();
                        done.increment();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    cpuNanos.add(mx.getCurrentThreadCpuTime() - cpu0);
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long n = done.sum();
        return new double[] {n / ((System.nanoTime() - start) / 1e9), n == 0 ? Double.NaN : cpuNanos.sum() / 1e3 / n};
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
