package dev.tether.bench.jdbc;

import dev.tether.jdbc.Databases;
import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.KillScenarios;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code select 1} on the machine's PostgreSQL (pgjdbc), one lease per query, 10 connections:
 *
 * <ul>
 *   <li>{@code tether}: tether-jdbc as shipped: the session's socket is watched while idle and checked
 *       at each lease with one non-blocking read (no round trip);</li>
 *   <li>{@code tetherIsValid}: watching off, {@code isValid()} before every reuse (a round trip);</li>
 *   <li>{@code tetherTrust}: watching off and no validation: what a pool costs that trusts idle
 *       sessions (the floor; also the happy path of a pool that re-runs failed first statements);</li>
 *   <li>{@code hikari}: HikariCP with its defaults (validates only sessions idle over 500 ms).</li>
 * </ul>
 * Threads from the command line ({@code -t 1}, {@code -t 8}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class JdbcSelectBenchmark {

    @State(Scope.Benchmark)
    public static class Pools {
        @Param({"tether", "tetherIsValid", "tetherTrust", "hikari"})
        public String impl;

        DataSource ds;
        private AutoCloseable closer;

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            Databases.Db db = Databases.postgres();
            switch (impl) {
                case "tether":
                    ds = JdbcPool.create(db.config().pool(p -> p.name("bench")).build());
                    break;
                case "tetherIsValid":
                    ds = JdbcPool.create(db.config().watchIdle(false).validateAfterIdle(Duration.ZERO).pool(p -> p.name("bench")).build());
                    break;
                case "tetherTrust":
                    ds = JdbcPool.create(db.config().watchIdle(false).validateAfterIdle(Duration.ofDays(1)).pool(p -> p.name("bench")).build());
                    break;
                case "hikari":
                    ds = KillScenarios.hikari(db);
                    break;
                default:
                    throw new IllegalArgumentException(impl);
            }
            closer = (AutoCloseable) ds;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            closer.close();
        }
    }

    @Benchmark
    public int select1(Pools pools) throws SQLException {
        try (Connection c = pools.ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
