package dev.tether.bench.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.ConcurrentBag;
import com.zaxxer.hikari.util.ConcurrentBag.IConcurrentBagEntry;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Reason;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One acquire + return cycle of a pre-filled pool with equal policy everywhere: no validation on
 * borrow or return, no JMX or statistics, idle/lifetime expiry configured as in real use.
 *
 * <ul>
 *   <li>{@code tether}: {@link Pool#acquire()} then {@link Lease#close()}.</li>
 *   <li>{@code hikariBag}: HikariCP's {@link ConcurrentBag} borrow/requite, the layer equal to tether-pool.</li>
 *   <li>{@code hikariPool}: {@link HikariDataSource#getConnection()} / close over a stub DataSource
 *       (adds Hikari's proxy connection and its reset-on-return).</li>
 *   <li>{@code commonsPool2}: {@link GenericObjectPool} borrowObject / returnObject.</li>
 * </ul>
 * Threads come from the command line ({@code -t 1}, {@code -t 2}, {@code -t 8}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PoolCycleBenchmark {

    /** What the pools hand out. */
    static class Conn {
        final int id;

        Conn(int id) {
            this.id = id;
        }
    }

    static final Connector<String, Conn> CONNECTOR = new Connector<>() {
        private final AtomicInteger ids = new AtomicInteger();

        @Override
        public Conn open(String key, Deadline deadline) {
            return new Conn(ids.incrementAndGet());
        }

        @Override
        public void close(Conn c, Reason reason) {
        }
    };

    /** HikariCP's bag entries follow its own state protocol. */
    static final class BagEntry extends Conn implements IConcurrentBagEntry {
        private final AtomicInteger state = new AtomicInteger(STATE_NOT_IN_USE);

        BagEntry(int id) {
            super(id);
        }

        @Override public boolean compareAndSet(int expect, int update) { return state.compareAndSet(expect, update); }
        @Override public void setState(int s) { state.set(s); }
        @Override public int getState() { return state.get(); }
    }

    @State(Scope.Benchmark)
    public static class Pools {
        @Param({"tether", "hikariBag", "hikariPool", "commonsPool2"})
        public String impl;

        @Param({"4", "16"})
        public int size;

        Pool<Conn> tether;
        ConcurrentBag<BagEntry> bag;
        HikariDataSource hikari;
        GenericObjectPool<Conn> commons;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            switch (impl) {
                case "tether": {
                    tether = Pool.builder("bench", CONNECTOR).config(PoolConfig.builder().name("bench")
                            .maxPerKey(size).maxTotal(size).acquireTimeout(Duration.ofSeconds(30)).maxWaiters(10_000)
                            .idleTimeout(Duration.ofMinutes(10)).maxLifetime(Duration.ofMinutes(30)).build()).build();
                    List<Lease<Conn>> fill = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        fill.add(tether.acquire());
                    }
                    fill.forEach(Lease::close);
                    break;
                }
                case "hikariBag": {
                    bag = new ConcurrentBag<>(waiting -> { });
                    for (int i = 0; i < size; i++) {
                        bag.add(new BagEntry(i));
                    }
                    break;
                }
                case "hikariPool": {
                    HikariConfig c = new HikariConfig();
                    c.setDataSource(StubJdbc.dataSource());
                    c.setMaximumPoolSize(size);
                    c.setMinimumIdle(size);
                    c.setPoolName("bench");
                    c.setRegisterMbeans(false);
                    c.setConnectionTimeout(30_000);
                    c.setIdleTimeout(600_000);
                    c.setMaxLifetime(1_800_000);
                    hikari = new HikariDataSource(c);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (hikari.getHikariPoolMXBean().getIdleConnections() < size && System.nanoTime() < deadline) {
                        Thread.sleep(10); // Hikari fills its pool asynchronously
                    }
                    break;
                }
                case "commonsPool2": {
                    GenericObjectPoolConfig<Conn> c = new GenericObjectPoolConfig<>();
                    c.setMaxTotal(size);
                    c.setMaxIdle(size);
                    c.setMinIdle(size);
                    c.setJmxEnabled(false);
                    c.setTestOnBorrow(false);
                    c.setTestOnReturn(false);
                    c.setLifo(true);
                    c.setBlockWhenExhausted(true);
                    c.setMaxWait(Duration.ofSeconds(30));
                    AtomicInteger ids = new AtomicInteger();
                    commons = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
                        @Override public Conn create() { return new Conn(ids.incrementAndGet()); }
                        @Override public PooledObject<Conn> wrap(Conn c) { return new DefaultPooledObject<>(c); }
                    }, c);
                    commons.addObjects(size);
                    break;
                }
                default:
                    throw new IllegalArgumentException("impl: " + impl);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (tether != null) tether.close();
            if (bag != null) {
                try {
                    bag.close();
                } catch (Exception ignored) {
                    // nothing to release
                }
            }
            if (hikari != null) hikari.close();
            if (commons != null) commons.close();
        }
    }

    @Benchmark
    public void cycle(Pools p, Blackhole bh) throws Exception {
        switch (p.impl) {
            case "tether": {
                Lease<Conn> l = p.tether.acquire();
                bh.consume(l.get());
                l.close();
                break;
            }
            case "hikariBag": {
                BagEntry e = p.bag.borrow(30, TimeUnit.SECONDS);
                bh.consume(e);
                p.bag.requite(e);
                break;
            }
            case "hikariPool": {
                Connection c = p.hikari.getConnection();
                bh.consume(c);
                c.close();
                break;
            }
            default: {
                Conn c = p.commons.borrowObject();
                bh.consume(c);
                p.commons.returnObject(c);
            }
        }
    }

    /** {@link KeyedPool} with 1,000 keys (routes), against commons-pool2's keyed pool: each call picks the next key. */
    @State(Scope.Benchmark)
    public static class Keyed {
        @Param({"tether", "commonsPool2"})
        public String impl;

        final String[] keys = new String[1_000];
        KeyedPool<String, Conn> tether;
        GenericKeyedObjectPool<String, Conn> commons;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = "host-" + i + ":443";
            }
            if (impl.equals("tether")) {
                tether = KeyedPool.builder(CONNECTOR).config(PoolConfig.builder().name("keyed")
                        .maxPerKey(4).maxTotal(4_000).maxWaiters(10_000).acquireTimeout(Duration.ofSeconds(30))
                        .idleTimeout(Duration.ofMinutes(10)).build()).build();
                for (String k : keys) {
                    tether.acquire(k).close();
                }
            } else {
                GenericKeyedObjectPoolConfig<Conn> c = new GenericKeyedObjectPoolConfig<>();
                c.setMaxTotalPerKey(4);
                c.setMaxTotal(4_000);
                c.setJmxEnabled(false);
                c.setLifo(true);
                c.setMaxWait(Duration.ofSeconds(30));
                AtomicInteger ids = new AtomicInteger();
                commons = new GenericKeyedObjectPool<>(new BaseKeyedPooledObjectFactory<String, Conn>() {
                    @Override public Conn create(String key) { return new Conn(ids.incrementAndGet()); }
                    @Override public PooledObject<Conn> wrap(Conn c) { return new DefaultPooledObject<>(c); }
                }, c);
                for (String k : keys) {
                    commons.addObject(k);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (tether != null) tether.close();
            if (commons != null) commons.close();
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    public void keyedCycle(Keyed k, Cursor cursor, Blackhole bh) throws Exception {
        int i = cursor.next;
        cursor.next = i == 999 ? 0 : i + 1;
        String key = k.keys[i];
        if (k.tether != null) {
            Lease<Conn> l = k.tether.acquire(key);
            bh.consume(l.get());
            l.close();
        } else {
            Conn c = k.commons.borrowObject(key);
            bh.consume(c);
            k.commons.returnObject(key, c);
        }
    }

}
