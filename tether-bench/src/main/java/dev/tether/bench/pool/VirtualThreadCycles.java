package dev.tether.bench.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.ConcurrentBag;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolConfig;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * 2,000 virtual threads cycling (acquire, yield, return) on a pool of 50, for each pool: cycles/s,
 * whether every thread finished (no deadlock), and how many {@code jdk.VirtualThreadPinned}
 * events JFR recorded. Needs JDK 21+ (run it with the Temurin 25 JDK); compiled for release 17,
 * so virtual threads are reached by reflection.
 *
 * <pre>java -cp tether-bench/target/benchmarks.jar dev.tether.bench.pool.VirtualThreadCycles [seconds]</pre>
 */
public final class VirtualThreadCycles {
    private static final int THREADS = 2_000;
    private static final int SIZE = 50;

    interface Cycle {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Method start;
        try {
            start = Thread.class.getMethod("startVirtualThread", Runnable.class);
        } catch (NoSuchMethodException e) {
            System.err.println("virtual threads need JDK 21+; this is " + Runtime.version());
            System.exit(2);
            return;
        }
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        System.out.println("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + THREADS + " virtual threads, pool of " + SIZE + ", " + seconds + " s each");
        System.out.println();
        System.out.println("| pool | cycles/s | longest single wait | cycles of the least served thread (mean = 1.00) | all threads finished | pinned events |");
        System.out.println("| --- | ---: | ---: | ---: | --- | ---: |");
        for (String impl : List.of("tether", "hikariBag", "hikariPool", "commonsPool2")) {
            measure(start, impl, seconds);
        }
    }

    private static void measure(Method start, String impl, long seconds) throws Exception {
        AutoCloseable closer;
        Cycle cycle;
        switch (impl) {
            case "tether": {
                Pool<PoolCycleBenchmark.Conn> p = Pool.builder("vt", PoolCycleBenchmark.CONNECTOR)
                        .config(PoolConfig.builder().name("vt").maxPerKey(SIZE).maxTotal(SIZE).maxWaiters(THREADS)
                                .acquireTimeout(Duration.ofSeconds(60)).build()).build();
                List<Lease<PoolCycleBenchmark.Conn>> fill = new ArrayList<>();
                for (int i = 0; i < SIZE; i++) {
                    fill.add(p.acquire());
                }
                fill.forEach(Lease::close);
                closer = p;
                cycle = () -> {
                    try (Lease<PoolCycleBenchmark.Conn> l = p.acquire()) {
                        l.get();
                        Thread.yield();
                    }
                };
                break;
            }
            case "hikariBag": {
                ConcurrentBag<PoolCycleBenchmark.BagEntry> bag = new ConcurrentBag<>(w -> { });
                for (int i = 0; i < SIZE; i++) {
                    bag.add(new PoolCycleBenchmark.BagEntry(i));
                }
                closer = bag;
                cycle = () -> {
                    PoolCycleBenchmark.BagEntry e = bag.borrow(60, TimeUnit.SECONDS);
                    Thread.yield();
                    bag.requite(e);
                };
                break;
            }
            case "hikariPool": {
                HikariConfig c = new HikariConfig();
                c.setDataSource(StubJdbc.dataSource());
                c.setMaximumPoolSize(SIZE);
                c.setMinimumIdle(SIZE);
                c.setRegisterMbeans(false);
                c.setConnectionTimeout(60_000);
                HikariDataSource ds = new HikariDataSource(c);
                while (ds.getHikariPoolMXBean().getIdleConnections() < SIZE) {
                    Thread.sleep(10);
                }
                closer = ds;
                cycle = () -> {
                    try (Connection conn = ds.getConnection()) {
                        Thread.yield();
                    }
                };
                break;
            }
            default: {
                GenericObjectPoolConfig<PoolCycleBenchmark.Conn> c = new GenericObjectPoolConfig<>();
                c.setMaxTotal(SIZE);
                c.setMaxIdle(SIZE);
                c.setJmxEnabled(false);
                c.setMaxWait(Duration.ofSeconds(60));
                GenericObjectPool<PoolCycleBenchmark.Conn> p = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
                    private int n;
                    @Override public PoolCycleBenchmark.Conn create() { return new PoolCycleBenchmark.Conn(n++); }
                    @Override public PooledObject<PoolCycleBenchmark.Conn> wrap(PoolCycleBenchmark.Conn o) { return new DefaultPooledObject<>(o); }
                }, c);
                p.addObjects(SIZE);
                closer = p;
                cycle = () -> {
                    PoolCycleBenchmark.Conn o = p.borrowObject();
                    Thread.yield();
                    p.returnObject(o);
                };
            }
        }
        Path jfr = Files.createTempFile("vt-" + impl, ".jfr");
        LongAdder cycles = new LongAdder();
        long[] perThread = new long[THREADS];
        long[] maxWait = new long[THREADS];
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(THREADS);
        boolean allFinished;
        long pinned;
        try (Recording rec = new Recording()) {
            rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            rec.start();
            for (int i = 0; i < THREADS; i++) {
                int me = i;
                start.invoke(null, (Runnable) () -> {
                    try {
                        while (!stop.get()) {
                            long t = System.nanoTime();
                            cycle.run();
                            if (measuring.get()) {
                                maxWait[me] = Math.max(maxWait[me], System.nanoTime() - t);
                                perThread[me]++;
                                cycles.increment();
                            }
                        }
                    } catch (Exception e) {
                        System.err.println(impl + ": " + e);
                    } finally {
                        finished.countDown();
                    }
                });
            }
            Thread.sleep(1_000); // warm-up
            measuring.set(true);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1_000);
            measuring.set(false);
            long took = System.nanoTime() - t0;
            stop.set(true);
            allFinished = finished.await(60, TimeUnit.SECONDS);
            rec.stop();
            rec.dump(jfr);
            pinned = RecordingFile.readAllEvents(jfr).size();
            long longest = 0;
            long least = Long.MAX_VALUE;
            for (int i = 0; i < THREADS; i++) {
                longest = Math.max(longest, maxWait[i]);
                least = Math.min(least, perThread[i]);
            }
            double mean = cycles.sum() / (double) THREADS;
            System.out.printf("| %s | %,.0f | %,d ms | %.2f | %s | %d |%n", impl, cycles.sum() * 1e9 / took,
                    longest / 1_000_000, least / mean, allFinished ? "yes" : "NO (deadlock?)", pinned);
        } finally {
            Files.deleteIfExists(jfr);
            closer.close();
        }
    }

    private VirtualThreadCycles() {
    }
}
