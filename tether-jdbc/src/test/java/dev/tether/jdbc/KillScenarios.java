package dev.tether.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.jdbc.Databases.Db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scenarios of sessions killed from the server's side, for any DataSource (tether's
 * tests assert on them, tether-bench prints them next to HikariCP's): idle kill and churn.
 */
public final class KillScenarios {

    /** One unit of work through a DataSource: by default a lease and {@code select 1}. */
    @FunctionalInterface
    public interface Query {
        void run(DataSource ds) throws SQLException;
    }

    public static final Query SELECT_1 = ds -> {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
        }
    };

    /** One failed query: when it began and when it failed (System.nanoTime). */
    public record Failure(long start, long failedAt, String error) {
    }

    /** One kill: from just before the admin's statement to just after it returned. */
    public record Kill(long start, long end) {
    }

    /** What a scenario saw; {@code nanos}: how long it ran. */
    public record Outcome(int queries, List<Failure> failures, List<Kill> kills, long nanos) {
        /** Failures of queries that began after every kill that could have hit them: the session was dead at lease start. */
        public List<Failure> notInFlight() {
            List<Failure> out = new ArrayList<>();
            for (Failure f : failures) {
                if (kills.stream().noneMatch(k -> k.start() <= f.failedAt() && k.end() >= f.start())) {
                    out.add(f);
                }
            }
            return out;
        }

        public double failureRate() {
            return queries == 0 ? 0 : (double) failures.size() / queries;
        }

        public double queriesPerSecond() {
            return queries / (nanos / 1e9);
        }
    }

    private KillScenarios() {
    }

    /** {@code rounds} times: a query, every session of {@code db}'s tag killed, {@code pause}, a query. */
    public static Outcome idleKill(DataSource ds, Db db, Duration pause, int rounds, Query q) throws SQLException {
        List<Failure> failures = new ArrayList<>();
        List<Kill> kills = new ArrayList<>();
        int queries = 0;
        long began = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            queries += 2;
            run(ds, q, failures);
            long start = System.nanoTime();
            db.kill();
            kills.add(new Kill(start, System.nanoTime()));
            Pause.of(pause);
            run(ds, q, failures);
        }
        return new Outcome(queries, failures, kills, System.nanoTime() - began);
    }

    /** Queries in a loop on this thread while another kills every session of {@code db}'s tag {@code kills} times, {@code every} apart. */
    public static Outcome churn(DataSource ds, Db db, int kills, Duration every, Query q) throws InterruptedException {
        ConcurrentLinkedQueue<Kill> done = new ConcurrentLinkedQueue<>();
        AtomicBoolean finished = new AtomicBoolean();
        AtomicReference<SQLException> killerFailure = new AtomicReference<>();
        Thread killer = new Thread(() -> {
            try {
                for (int i = 0; i < kills; i++) {
                    Pause.of(every);
                    long start = System.nanoTime();
                    db.kill();
                    done.add(new Kill(start, System.nanoTime()));
                }
            } catch (SQLException e) {
                killerFailure.set(e);
            } finally {
                finished.set(true);
            }
        }, "killer");
        List<Failure> failures = new ArrayList<>();
        int queries = 0;
        long began = System.nanoTime();
        killer.start();
        while (!finished.get()) {
            queries++;
            run(ds, q, failures);
        }
        killer.join();
        if (killerFailure.get() != null) {
            throw new IllegalStateException("the killer failed", killerFailure.get());
        }
        return new Outcome(queries, failures, new ArrayList<>(done), System.nanoTime() - began);
    }

    /** HikariCP with its defaults, tagged like tether's pools so that the same kills reach it. */
    public static HikariDataSource hikari(Db db) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(db.url);
        c.setUsername(db.user);
        if (db.kind == Databases.Kind.POSTGRESQL) {
            c.addDataSourceProperty("ApplicationName", db.tag);
        }
        c.setPoolName("hikari-" + db.tag);
        return new HikariDataSource(c);
    }

    private static void run(DataSource ds, Query q, List<Failure> failures) {
        long start = System.nanoTime();
        try {
            q.run(ds);
        } catch (SQLException e) {
            failures.add(new Failure(start, System.nanoTime(), e.toString()));
        }
    }
}
