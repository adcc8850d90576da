package dev.tether.bench.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.JdbcPoolConfig;
import org.apache.commons.dbcp2.BasicDataSource;
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

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HikariCP's own benchmark method on a stub driver ({@link StubDriver}: nothing below the pool costs
 * anything), tether-jdbc against HikariCP and commons-dbcp2, equal policy:
 *
 * <ul>
 *   <li>{@code cycleConnection}: {@code getConnection()} + {@code close()};</li>
 *   <li>{@code cycleStatement}: on a connection the thread holds, {@code prepareStatement} +
 *       {@code execute} + {@code close}.</li>
 * </ul>
 * Equal policy: 10 connections opened before measuring, auto-commit on, no validation query; a
 * connection used within the last 500 ms is not validated (HikariCP's fixed {@code aliveBypassWindowMs};
 * tether {@code validateAfterIdle(500 ms)}, since it cannot watch a stub's socket; dbcp2 has no such
 * window, so {@code testOnBorrow} is off); idle timeout 10 min, max lifetime 30 min; no JMX, no
 * statement cache, no leak detection. Threads come from the command line ({@code -t 1}, {@code -t 2},
 * {@code -t 8}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class JdbcCycleBenchmark {
    static final int SIZE = 10;

    @State(Scope.Benchmark)
    public static class Pools {
        @Param({"tether", "hikari", "dbcp2"})
        public String impl;

        DataSource ds;
        private AutoCloseable closer;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            switch (impl) {
                case "tether": {
                    JdbcPool p = JdbcPool.create(JdbcPoolConfig.builder().url(StubDriver.URL).driver(new StubDriver())
                            .validateAfterIdle(Duration.ofMillis(500))
                            .pool(c -> c.name("bench").maxPerKey(SIZE).maxTotal(SIZE).maxWaiters(10_000)
                                    .idleTimeout(Duration.ofMinutes(10)).maxLifetime(Duration.ofMinutes(30)))
                            .build());
                    ds = p;
                    closer = p;
                    break;
                }
                case "hikari": {
                    HikariConfig c = new HikariConfig();
                    c.setJdbcUrl(StubDriver.URL);
                    c.setDriverClassName(StubDriver.class.getName());
                    c.setMaximumPoolSize(SIZE);
                    c.setMinimumIdle(SIZE);
                    c.setIdleTimeout(Duration.ofMinutes(10).toMillis());
                    c.setMaxLifetime(Duration.ofMinutes(30).toMillis());
                    c.setConnectionTimeout(30_000);
                    c.setPoolName("bench");
                    HikariDataSource h = new HikariDataSource(c);
                    ds = h;
                    closer = h;
                    break;
                }
                case "dbcp2": {
                    BasicDataSource b = new BasicDataSource();
                    b.setDriver(new StubDriver());
                    b.setUrl(StubDriver.URL);
                    b.setMaxTotal(SIZE);
                    b.setMaxIdle(SIZE);
                    b.setMinIdle(SIZE);
                    b.setInitialSize(SIZE);
                    b.setTestOnBorrow(false);
                    b.setMaxWait(Duration.ofSeconds(30));
                    b.setMinEvictableIdle(Duration.ofMinutes(10));
                    b.setMaxConn(Duration.ofMinutes(30));
                    b.setRegisterConnectionMBean(false);
                    ds = b;
                    closer = b;
                    break;
                }
                default:
                    throw new IllegalArgumentException(impl);
            }
            // Open every connection before measuring.
            List<Connection> fill = new ArrayList<>();
            for (int i = 0; i < SIZE; i++) {
                fill.add(ds.getConnection());
            }
            for (Connection c : fill) {
                c.close();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            closer.close();
        }
    }

    /** A connection held by one thread for an iteration (HikariCP's StatementBench). */
    @State(Scope.Thread)
    public static class Held {
        Connection connection;

        @Setup(Level.Iteration)
        public void take(Pools pools) throws SQLException {
            connection = pools.ds.getConnection();
        }

        @TearDown(Level.Iteration)
        public void give(Pools pools) throws SQLException {
            connection.close();
        }
    }

    @Benchmark
    public Connection cycleConnection(Pools pools) throws SQLException {
        Connection c = pools.ds.getConnection();
        c.close();
        return c;
    }

    @Benchmark
    public PreparedStatement cycleStatement(Held held) throws SQLException {
        PreparedStatement ps = held.connection.prepareStatement("INSERT INTO test (column) VALUES (?)");
        ps.execute();
        ps.close();
        return ps;
    }
}
