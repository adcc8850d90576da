package dev.tether.micrometer;

import dev.tether.jdbc.Databases;
import dev.tether.jdbc.JdbcPool;
import dev.tether.pool.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The binder on a JdbcPool of the machine's PostgreSQL whose sessions the server terminates (by application_name). */
class JdbcMetricsTest {

    private static int one(JdbcPool pool) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void terminatedSessionsAndTheirReplacementsAreCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Databases.Db db = Databases.postgres();
             JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("metrics-jdbc")).build());
             TetherMetrics metrics = TetherMetrics.builder(pool).viewMaxAge(Duration.ZERO).build()) {
            metrics.bindTo(registry);
            assertThat(one(pool)).isEqualTo(1);
            assertThat(db.kill()).isEqualTo(1); // idle in the pool: the watcher sees the server end it
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.poolView().closed(Reason.PEER_CLOSED) == 1);
            assertThat(one(pool)).isEqualTo(1);

            String route = pool.poolView().keys().get(0).route();
            assertThat(route).doesNotContain("password");
            assertThat(registry.get("tether.pool.opened").tags("pool", "metrics-jdbc", "kind", "jdbc", "route", route)
                    .counter().count()).isEqualTo(2);
            assertThat(registry.get("tether.pool.closed").tag("reason", "peer_closed").counter().count()).isEqualTo(1);
            assertThat(registry.get("tether.pool.connections").tag("route", route).tag("state", "idle").gauge().value()).isEqualTo(1);
            assertThat(registry.get("tether.client.retries").tag("outcome", "not_retried").functionCounter().count()).isZero();
            assertThat(pool.poolView().connections().get(0).localPort()).isPositive(); // pgjdbc's socket, watched by tether
        }
    }
}
