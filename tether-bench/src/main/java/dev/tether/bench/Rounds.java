package dev.tether.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** One figure (operations per second) of one participant for one round. */
    @FunctionalInterface
    public interface Measure {
        double of(String name) throws InterruptedException;
    }

    /**
     * {@code rounds} rounds in which every one of {@code names} is measured once, in an order that
     * rotates from round to round, so neighbours in time share the load; each name's figures by round.
     */
    public static Map<String, double[]> alternate(List<String> names, int rounds, Measure measure) throws InterruptedException {
        Map<String, double[]> perRound = new LinkedHashMap<>();
        names.forEach(n -> perRound.put(n, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.size(); i++) {
                String n = names.get((i + r) % names.size());
                perRound.get(n)[r] = measure.of(n);
            }
        }
        return perRound;
    }

    /**
     * Prints {@code perRound} as a table: each name's median, min and max, and the median of each
     * round's ratio to {@code reference} (shown as {@code referenceLabel}).
     */
    public static void printTable(String nameColumn, String unit, Map<String, double[]> perRound, String reference, String referenceLabel) {
        System.out.println("| " + nameColumn + " | median " + unit + " | min | max | median of the rounds' ratios to " + referenceLabel + " |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        double[] ref = perRound.get(reference);
        for (Map.Entry<String, double[]> e : perRound.entrySet()) {
            double[] v = e.getValue();
            double[] ratio = new double[v.length];
            for (int r = 0; r < v.length; r++) {
                ratio[r] = v[r] / ref[r];
            }
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2fx |%n", e.getKey(), median(v), min(v), max(v), median(ratio));
        }
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
