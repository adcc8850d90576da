package dev.tether.cli.lab.db;

import dev.tether.cli.lab.support.LabClient.Outcome;
import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.JdbcPoolConfig;
import dev.tether.pool.PoolStats;
import dev.tether.pool.Reason;

import java.sql.SQLException;
import java.util.Map;

/** tether-jdbc's {@link JdbcPool}, as an application uses a DataSource: a connection per query, closed after it. */
final class TetherJdbc implements DbLabClient {
    private final JdbcPool pool;

    TetherJdbc(DbTarget target, int port, Map<String, String> session, JdbcPoolConfig.Builder config) {
        config.url(target.url(port)).user(target.user()).password(target.password());
        target.properties(session).forEach(config::property);
        try {
            this.pool = JdbcPool.create(config.build());
        } catch (SQLException e) {
            throw new IllegalStateException("tether-jdbc could not start against " + target.url(port) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Outcome query(String sql) {
        return DbLabClient.lease(pool, sql, null, null);
    }

    @Override
    public int opened() {
        return (int) pool.stats().opened();
    }

    @Override
    public int idle() {
        return pool.stats().idle();
    }

    @Override
    public int leased() {
        return pool.stats().leased();
    }

    /** The closes that matter here: sessions its watcher dropped, broken ones retired, and expired ones. */
    @Override
    public String detail() {
        PoolStats s = pool.stats();
        long watched = s.closed(Reason.PEER_CLOSED);
        long broken = s.closed(Reason.BROKEN);
        return "idle watcher dropped " + watched + (watched == 1 ? " session" : " sessions") + " the server or the network closed"
                + (broken > 0 ? "; " + broken + " broken " + (broken == 1 ? "session" : "sessions") + " retired" : "");
    }

    @Override
    public void close() {
        pool.close();
    }
}
