package dev.tether.jdbc;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.jdbc.Databases.Db;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL behind tether-chaos goes away (the proxy stops listening and cuts every connection)
 * and comes back: while it is away, callers fail within the acquire timeout with a message that
 * names the database and the last connect error; afterwards the pool serves again by itself.
 */
class OutageTest {

    @Test
    void acquiresFailFastNamingTheDatabaseAndTheLastConnectErrorThenThePoolRecovers() throws Exception {
        Db db = Databases.postgres();
        URI upstream = URI.create(db.url.substring("jdbc:".length()));
        try (ChaosLab lab = ChaosLab.create()) {
            ChaosProxy proxy = lab.createProxy("pg", upstream.getHost() + ":" + upstream.getPort());
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + upstream.getPath() + "?connectTimeout=2";
            JdbcPoolConfig config = db.config().url(url).password("hunter2")
                    .pool(p -> p.name("outage").acquireTimeout(Duration.ofSeconds(1)))
                    .failFastTimeout(Duration.ofSeconds(5))
                    .build();
            try (JdbcPool pool = JdbcPool.create(config)) {
                assertThat(selectOne(pool)).isEqualTo(1);

                proxy.disable();
                // The idle session was cut by the proxy: the watcher removes it without a lease.
                await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().closed(Reason.PEER_CLOSED) == 1);

                long start = System.nanoTime();
                assertThatThrownBy(() -> selectOne(pool))
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("pool \"outage\"")
                        .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + proxy.port())
                        .hasMessageContaining("refused")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
                // A second caller meets the pool backing off: it waits out the acquire timeout, no longer,
                // and learns the last connect error all the same.
                assertThatThrownBy(() -> selectOne(pool))
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + proxy.port())
                        .hasMessageContaining("refused");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                assertThat(pool.lastConnectFailure()).hasMessageContaining("refused");

                proxy.enable();
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> selectOne(pool) == 1);
                assertThat(pool.lastConnectFailure()).isNull();
            }
        }
    }

    @Test
    void failFastStopsAPoolThatCannotReachItsDatabaseAndHidesThePassword() throws Exception {
        int closedPort = freePort();
        JdbcPoolConfig config = JdbcPoolConfig.builder()
                .url("jdbc:postgresql://127.0.0.1:" + closedPort + "/app?password=s3cret&connectTimeout=1")
                .user("app").password("hunter2")
                .failFastTimeout(Duration.ofMillis(300))
                .build();
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
        assertThatThrownBy(() -> JdbcPool.create(config))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("failFastTimeout")
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + closedPort + "/app?password=***")
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("hunter2");
    }

    private static int selectOne(JdbcPool pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
