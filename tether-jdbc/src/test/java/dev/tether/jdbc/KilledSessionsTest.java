package dev.tether.jdbc;

import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import dev.tether.pool.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
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
            List<String> failures = new ArrayList<>();
            int kills = 0;
            for (Duration pause : List.of(Duration.ofMillis(50), Duration.ofMillis(700))) {
                for (int round = 0; round < 20; round++) {
                    query(pool, failures);
                    kills += db.kill();
                    Pause.of(pause);
                    query(pool, failures);
                }
            }
            assertThat(failures).as("queries that failed").isEmpty();
            assertThat(kills).isEqualTo(40);
            // Every killed session left the pool because the server closed it, none because a query failed.
            assertThat(pool.stats().closed(Reason.BROKEN)).isZero();
            assertThat(pool.stats().closed(Reason.PEER_CLOSED)).isEqualTo(40);
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

    static void query(JdbcPool pool, List<String> failures) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
        } catch (SQLException e) {
            failures.add(e.toString());
        }
    }
}
