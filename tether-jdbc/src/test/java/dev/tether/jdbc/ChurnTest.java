package dev.tether.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The churn scenario: a {@code select 1} loop while every session of the pool is killed every
 * 100 ms. A statement that was under way when a kill came may fail (the server ended it); one
 * that began after the kill must not: its session was already dead when the lease began. HikariCP
 * (defaults) runs the same loop in the same test for comparison; its rate is printed, not asserted.
 */
class ChurnTest {
    private static final int KILLS = 25;

    /** One failed query: when its lease began and when it failed (System.nanoTime). */
    record Failure(long leaseStart, long failedAt, String error) {
    }

    /** One kill: from just before the admin's statement to just after it returned. */
    record Kill(long start, long end) {
    }

    record Outcome(int queries, List<Failure> failures, List<Kill> kills) {
        /** Failures that no kill overlaps: the session was dead before the lease began. */
        List<Failure> notInFlight() {
            List<Failure> out = new ArrayList<>();
            for (Failure f : failures) {
                if (kills.stream().noneMatch(k -> k.start() <= f.failedAt() && k.end() >= f.leaseStart())) {
                    out.add(f);
                }
            }
            return out;
        }

        double failureRate() {
            return queries == 0 ? 0 : (double) failures.size() / queries;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void onlyStatementsInFlightAtAKillFail(Kind kind) throws Exception {
        Outcome tether;
        Outcome hikari;
        try (Db db = Databases.of(kind); JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("churn")).build())) {
            tether = churn(pool, db);
        }
        try (Db db = Databases.of(kind); HikariDataSource ds = hikari(db)) {
            hikari = churn(ds, db);
        }
        System.out.printf("churn on %s, %d kills 100 ms apart: tether %d of %d queries failed (%.2f %%), HikariCP %d of %d (%.2f %%)%n",
                kind, KILLS, tether.failures().size(), tether.queries(), 100 * tether.failureRate(),
                hikari.failures().size(), hikari.queries(), 100 * hikari.failureRate());
        assertThat(tether.kills()).hasSize(KILLS);
        assertThat(tether.notInFlight()).as("tether: queries whose session was killed before their lease began").isEmpty();
        assertThat(tether.failures().size()).as("tether: at most one statement is in flight per kill").isLessThanOrEqualTo(KILLS);
    }

    static HikariDataSource hikari(Db db) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(db.url);
        c.setUsername(db.user);
        if (db.kind == Kind.POSTGRESQL) {
            c.addDataSourceProperty("ApplicationName", db.tag);
        }
        c.setPoolName("hikari-churn");
        return new HikariDataSource(c);
    }

    /** Runs the loop on this thread's pool while another thread kills every session every 100 ms, KILLS times. */
    static Outcome churn(DataSource ds, Db db) throws Exception {
        ConcurrentLinkedQueue<Kill> kills = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger killerFailures = new AtomicInteger();
        Thread killer = new Thread(() -> {
            try {
                for (int i = 0; i < KILLS; i++) {
                    Pause.of(Duration.ofMillis(100));
                    long start = System.nanoTime();
                    db.kill();
                    kills.add(new Kill(start, System.nanoTime()));
                }
            } catch (SQLException e) {
                killerFailures.incrementAndGet();
            } finally {
                done.set(true);
            }
        }, "killer");
        List<Failure> failures = new ArrayList<>();
        int queries = 0;
        killer.start();
        while (!done.get()) {
            long start = System.nanoTime();
            queries++;
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
            } catch (SQLException e) {
                failures.add(new Failure(start, System.nanoTime(), e.toString()));
            }
        }
        killer.join();
        assertThat(killerFailures.get()).isZero();
        return new Outcome(queries, failures, new ArrayList<>(kills));
    }
}
