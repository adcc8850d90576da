package dev.tether.jdbc;

import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import dev.tether.jdbc.KillScenarios.Outcome;
import dev.tether.pool.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The central promise on the real servers: a session the server ended while it sat in the
 * pool costs the application no error. The field note's scenario, 20 rounds of: one query, every
 * pooled session killed from the server's side, a pause of 50 ms or 700 ms (HikariCP trusts a
 * session used within 500 ms), one query.
 */
class KilledSessionsTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sessionsKilledWhileIdleCostNoErrorAfter50msOr700ms(Kind kind) throws Exception {
        try (Db db = Databases.of(kind); JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("idle-kill")).build())) {
            assertThat(pool.watchesIdleSessions()).isTrue();
            for (Duration pause : List.of(Duration.ofMillis(50), Duration.ofMillis(700))) {
                Outcome o = KillScenarios.idleKill(pool, db, pause, 20, KillScenarios.SELECT_1);
                assertThat(o.failures()).as("queries that failed after a pause of " + pause).isEmpty();
            }
            // Every killed session left the pool because the server closed it (seen by the idle watcher, or by
            // the lease-time check when the FIN came late), none because a query failed.
            assertThat(pool.stats().closed(Reason.BROKEN)).isZero();
            assertThat(pool.stats().closed(Reason.PEER_CLOSED) + pool.stats().closed(Reason.NOT_REUSABLE)).isEqualTo(40);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aKilledIdleSessionLeavesThePoolAtOnceWithoutALease(Kind kind) throws Exception {
        try (Db db = Databases.of(kind); JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("watched")).build())) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("select 1");
            }
            assertThat(pool.stats().idle()).isEqualTo(1);
            db.kill();
            // No lease, no query: the idle watcher sees the server's FIN and the pool closes the session.
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().idle() == 0);
            assertThat(pool.stats().closed(Reason.PEER_CLOSED)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> db.sessions() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void onceALeaseHasRunAStatementAFailureIsTheCallersToSee(Kind kind) throws Exception {
        try (Db db = Databases.of(kind); JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("mid-lease")).build())) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("select 1");
                db.kill();
                assertThatThrownBy(() -> s.execute("select 1")).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(BrokenConnections.reason(db.url, (SQLException) e)).isNotNull());
            }
            assertThat(pool.stats().closed(Reason.BROKEN)).as("retired, not returned").isEqualTo(1);
            KillScenarios.SELECT_1.run(pool);
        }
    }

    /**
     * Why tether does not re-run a failed first statement on a new session: from the driver's error
     * alone a statement the server killed while it ran cannot be told from one sent to a session that
     * was already gone. Both fail with the same SQLState; only the first may have had effects.
     */
    @org.junit.jupiter.api.Test
    void aStatementKilledWhileItRanFailsLikeOneSentToADeadSession() throws Exception {
        Db db = Databases.postgres();
        String whileIdle;
        String whileRunning;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("select 1");
            db.kill();
            whileIdle = stateOf(() -> s.execute("select 1"));
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            Thread killer = new Thread(() -> {
                await().atMost(Duration.ofSeconds(5)).until(() -> running(db));
                try {
                    db.kill();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            killer.start();
            whileRunning = stateOf(() -> s.execute("select pg_sleep(5)"));
            killer.join();
        }
        assertThat(whileIdle).isEqualTo("57P01");
        assertThat(whileRunning).isEqualTo(whileIdle);
    }

    private static boolean running(Db db) throws SQLException {
        try (Connection a = db.admin(); java.sql.PreparedStatement ps = a.prepareStatement(
                "select count(*) from pg_stat_activity where application_name = ? and query like 'select pg_sleep%' and state = 'active'")) {
            ps.setString(1, db.tag);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    private interface Call {
        void run() throws SQLException;
    }

    private static String stateOf(Call call) {
        try {
            call.run();
            return "no error";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
