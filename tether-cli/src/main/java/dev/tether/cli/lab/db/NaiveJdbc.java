package dev.tether.cli.lab.db;

import dev.tether.cli.lab.support.LabClient.Outcome;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The field note's driver: one {@link DriverManager} connection, opened at the first query and
 * kept for good, no check, no timeout, no reconnect. After the session dies the driver has closed
 * the connection, and every later query fails with its "connection has been closed" error.
 */
final class NaiveJdbc implements DbLabClient {
    private final String url;
    private final Properties properties;
    private final Duration patience;
    private final Runnable giveUp;
    private volatile Connection connection;
    private volatile boolean inUse;
    private int opened;

    NaiveJdbc(DbTarget target, int port, Map<String, String> session, Duration patience, Runnable giveUp) {
        this.url = target.url(port);
        this.properties = properties(target, session);
        this.patience = patience;
        this.giveUp = giveUp;
    }

    /** The driver properties: user, password and the session's. */
    static Properties properties(DbTarget target, Map<String, String> session) {
        Properties p = new Properties();
        p.putAll(target.properties(session));
        p.setProperty("user", target.user());
        if (target.password() != null) {
            p.setProperty("password", target.password());
        }
        return p;
    }

    @Override
    public Outcome query(String sql) {
        inUse = true;
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(url, properties);
                opened++;
            }
            return DbLabClient.run(connection, sql, patience, giveUp);
        } catch (SQLException e) {
            return Outcome.failed(DbLabClient.describe(e));
        } finally {
            inUse = false;
        }
    }

    @Override
    public int opened() {
        return opened;
    }

    @Override
    public int idle() {
        return connection != null && !inUse && !closed() ? 1 : 0;
    }

    @Override
    public int leased() {
        return inUse ? 1 : 0;
    }

    private boolean closed() {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public String detail() {
        return "one DriverManager connection, opened " + (opened == 1 ? "once" : opened + " times")
                + (connection != null && closed() ? ", closed by the driver since its session died" : "");
    }

    @Override
    public void close() {
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // already closed
            }
        }
    }
}
