package dev.tether.cli.lab.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.cli.lab.support.LabClient.Outcome;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The naive pool of the database scenarios: HikariCP with its defaults (ten sessions, opened at
 * start; a session used in the last 500 ms lent without a check, an older one checked with
 * {@code isValid} first; no socket timeout). Its sessions come from a {@link DataSource} that
 * counts them, so the report says how many it opened.
 */
final class HikariJdbc implements DbLabClient {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final Counting counting;
    private final HikariDataSource pool;
    private final Duration patience;
    private final Runnable giveUp;

    HikariJdbc(DbTarget target, int port, Map<String, String> session, Duration patience, Runnable giveUp) {
        this.counting = new Counting(target.url(port), NaiveJdbc.properties(target, session));
        this.patience = patience;
        this.giveUp = giveUp;
        HikariConfig c = new HikariConfig();
        c.setDataSource(counting);
        c.setPoolName("lab-hikari-" + IDS.incrementAndGet());
        this.pool = new HikariDataSource(c);
    }

    @Override
    public Outcome query(String sql) {
        return DbLabClient.lease(pool, sql, patience, giveUp);
    }

    @Override
    public int opened() {
        return counting.opened.get();
    }

    @Override
    public int idle() {
        return pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getIdleConnections();
    }

    @Override
    public int leased() {
        return pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getActiveConnections();
    }

    @Override
    public String detail() {
        return "HikariCP with its defaults (a session used in the last 500 ms is lent unchecked)";
    }

    @Override
    public void close() {
        pool.close();
    }

    /** Sessions from the driver, counted. */
    private static final class Counting implements DataSource {
        private final String url;
        private final Properties properties;
        private final AtomicInteger opened = new AtomicInteger();

        Counting(String url, Properties properties) {
            this.url = url;
            this.properties = properties;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = DriverManager.getConnection(url, properties);
            opened.incrementAndGet();
            return c;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the lab's sessions log in as the trial's user");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // no log writer: the lab reports what the application saw
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // the driver's connect timeout is in the URL's properties
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException("no java.util.logging here");
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
