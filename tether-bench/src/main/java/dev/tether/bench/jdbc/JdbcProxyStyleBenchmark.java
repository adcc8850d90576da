package dev.tether.bench.jdbc;

import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.JdbcPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Why tether-jdbc's proxies are delegating classes (generated from the JDBC interfaces once, and
 * committed) rather than {@link java.lang.reflect.Proxy}: one statement's calls (prepare, set a
 * parameter, query, read a row, close both) through tether's proxies over the stub driver
 * ({@code generated}), and the same with one reflective layer of the kind a Proxy-based pool uses
 * on top ({@code reflective}: an InvocationHandler that invokes the method and wraps statements and
 * result sets). The difference is what reflection would cost per statement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class JdbcProxyStyleBenchmark {
    private JdbcPool pool;
    private Connection generated;
    private Connection reflective;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        pool = JdbcPool.create(JdbcPoolConfig.builder().url(StubDriver.URL).driver(new StubDriver())
                .validateAfterIdle(Duration.ofMillis(500)).pool(p -> p.name("proxy-style")).build());
        generated = pool.getConnection();
        reflective = reflect(Connection.class, generated);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        generated.close();
        pool.close();
    }

    @Benchmark
    public int generated() throws SQLException {
        return statement(generated);
    }

    @Benchmark
    public int reflective() throws SQLException {
        return statement(reflective);
    }

    private static int statement(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A reflective proxy over {@code target}: invoke, and wrap what is itself a JDBC object. */
    static <T> T reflect(Class<T> type, Object target) {
        return type.cast(Proxy.newProxyInstance(JdbcProxyStyleBenchmark.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object r;
                    try {
                        r = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause(); // where a pool would look at the SQLException
                    }
                    Class<?> rt = method.getReturnType();
                    if (r != null && (rt == PreparedStatement.class || rt == Statement.class || rt == ResultSet.class)) {
                        return reflect(rt, r);
                    }
                    return r;
                }));
    }
}
