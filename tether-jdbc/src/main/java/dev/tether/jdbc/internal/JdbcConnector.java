package dev.tether.jdbc.internal;

import dev.tether.pool.Redact;

import dev.tether.jdbc.BrokenConnections;
import dev.tether.net.SocketConfig;
import dev.tether.net.internal.IdleWatcher;
import dev.tether.net.internal.Watch;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Opens, checks and closes the sessions of one database for tether-pool.
 *
 * <ol>
 *   <li>{@code open}: for pgjdbc and MariaDB Connector/J, pass tether's {@code socketFactory} and
 *       capture the socket the driver opens through it (see {@link SocketCapture}); connect; run the
 *       init SQL; read the server's idle cut; apply the configured session defaults; set TCP
 *       keepalive on the captured socket.</li>
 *   <li>{@code onIdle}: a watched session goes to tether-net's idle watcher, which closes it
 *       ({@link Reason#PEER_CLOSED}) the moment the server sends anything or closes: a killed
 *       session (PostgreSQL sends its FATAL error and a FIN, MariaDB a FIN) leaves the pool without
 *       a round trip.</li>
 *   <li>{@code onLease}: take it back from the watcher, whose zero-wait read (no byte, no EOF) is the
 *       lease-time check; {@code isReusable} reports it, refuses a session idle past the server's
 *       cut less the margin, and marks an unwatched session idle long enough for {@code isValid}.</li>
 *   <li>{@code close}: the watcher lets go first and the socket goes back to blocking mode, so the
 *       driver can say goodbye to the server; then the driver closes the session.</li>
 * </ol>
 */
public final class JdbcConnector implements Connector<Database, PooledConnection> {
    static final Logger LOG = LoggerFactory.getLogger("dev.tether.jdbc");

    /** Drivers known to take a {@code javax.net.SocketFactory} class name in this property, by driver class. */
    private static final Map<String, String> SOCKET_FACTORY_PROPERTY = Map.of(
            "org.postgresql.Driver", "socketFactory",
            "org.mariadb.jdbc.Driver", "socketFactory");

    private final String url;
    private final String poolName;
    private final Driver driver;
    private final Properties properties;
    private final List<String> initSql;
    private final SessionDefaults defaults;
    private final boolean watch;
    private final SocketConfig keepAlive;
    private final boolean followServerIdleTimeout;
    private final long serverIdleMarginNanos;
    private final long validateAfterIdleNanos;
    private final Ticker ticker;
    private final IdleWatcher watcher = IdleWatcher.shared();
    private final Vendor vendor;
    private final Connection closed;

    /** @param defaults the session state to set on every new session */
    public JdbcConnector(String url, String poolName, Driver driver, Properties properties, List<String> initSql,
                         SessionDefaults defaults, boolean watchIdle, SocketConfig keepAlive,
                         boolean followServerIdleTimeout, Duration serverIdleMargin, Duration validateAfterIdle,
                         Ticker ticker) {
        this.url = url;
        this.poolName = poolName;
        this.driver = driver;
        this.initSql = initSql;
        this.defaults = defaults;
        this.keepAlive = keepAlive;
        this.followServerIdleTimeout = followServerIdleTimeout;
        this.serverIdleMarginNanos = serverIdleMargin.toNanos();
        this.validateAfterIdleNanos = validateAfterIdle.toNanos();
        this.ticker = ticker;
        this.vendor = Vendor.of(url);
        this.closed = Closed.connection(poolName);
        String factoryProperty = SOCKET_FACTORY_PROPERTY.get(driver.getClass().getName());
        // A socket factory of the caller's own (unix sockets, say) wins: then tether cannot watch.
        this.watch = watchIdle && factoryProperty != null && !properties.containsKey(factoryProperty);
        this.properties = new Properties();
        this.properties.putAll(properties);
        if (watch) {
            this.properties.setProperty(factoryProperty, WatchedSocketFactory.class.getName());
        }
    }

    public String poolName() {
        return poolName;
    }

    /** Whether this driver's sessions are watched through tether's socket factory. */
    public boolean watches() {
        return watch;
    }

    /** Why {@code e} means the session is gone (see {@link BrokenConnections}), or null. */
    String brokenReason(SQLException e) {
        return BrokenConnections.reason(url, e);
    }

    /** What a returned {@link ProxyConnection} delegates to. */
    Connection closed() {
        return closed;
    }

    SQLException refusal() {
        return new Closed.ClosedException(Closed.refusalMessage(poolName), "08003");
    }

    // ---- Connector -------------------------------------------------------------------------------

    @Override
    public PooledConnection open(Database db, Deadline deadline) throws SQLException {
        // The deadline is the driver's to keep: its connectTimeout / loginTimeout properties bound
        // the connect, and no JDBC call can be interrupted from outside.
        SocketCapture capture = watch ? SocketCapture.begin() : null;
        Connection raw;
        SocketChannel channel = null;
        try {
            raw = driver.connect(url, copy(properties));
        } finally {
            if (capture != null) {
                channel = capture.end();
            }
        }
        if (raw == null) {
            throw new SQLException("the driver " + driver.getClass().getName() + " does not accept the URL "
                    + db.redactedUrl(), "08001");
        }
        try {
            for (String sql : initSql) {
                try (Statement s = raw.createStatement()) {
                    s.execute(sql);
                }
            }
            if (!raw.getAutoCommit()) {
                raw.commit(); // what the init SQL did stays, whatever auto-commit mode the driver starts in
            }
            long serverIdle = followServerIdleTimeout ? ServerIdleTimeout.read(vendor, raw) : 0;
            for (SessionProperty p : SessionProperty.ALL) {
                Object v = defaults.get(p);
                if (v != null && p != SessionProperty.AUTO_COMMIT) {
                    p.write(raw, v);
                }
            }
            Object autoCommit = defaults.get(SessionProperty.AUTO_COMMIT);
            if (autoCommit != null) {
                raw.setAutoCommit((Boolean) autoCommit);
            }
            if (channel != null) {
                SocketCapture.keepAlive(channel, keepAlive);
            }
            long limit = Long.MAX_VALUE;
            if (serverIdle > 0) {
                limit = serverIdle - Math.min(serverIdleMarginNanos, serverIdle / 2);
            }
            PooledConnection c = new PooledConnection(this, raw, raw.getAutoCommit(), channel, limit,
                    serverIdle > 0 ? Duration.ofNanos(serverIdle).toString() : null, ticker);
            if (watch && channel == null) {
                LOG.debug("pool \"{}\": could not capture the socket of {}: it is checked with isValid() instead",
                        poolName, c);
            }
            return c;
        } catch (SQLException | IOException | RuntimeException e) {
            closeQuietly(raw);
            if (e instanceof SQLException) {
                throw (SQLException) e;
            }
            throw new SQLException("setting up a new session of " + db + " failed: " + e, "08001", e);
        }
    }

    @Override
    public boolean isReusable(PooledConnection c, long idleNanos) {
        if (!c.alive) {
            return false;
        }
        if (idleNanos >= c.idleLimitNanos) {
            LOG.debug("pool \"{}\": {} was idle {} ms, near the server's idle cut ({}): not reused",
                    poolName, c, idleNanos / 1_000_000, c.serverIdleSetting);
            return false;
        }
        c.validate = c.watch == null && idleNanos >= validateAfterIdleNanos;
        return true;
    }

    @Override
    public void onIdle(PooledConnection c, IdleHandle handle) {
        Watch w = c.watch;
        if (w != null) {
            c.markIdle();
            watcher.watch(w, handle);
        }
    }

    @Override
    public void onLease(PooledConnection c) {
        Watch w = c.watch;
        if (w != null) {
            try {
                c.alive = watcher.release(w);
            } catch (IOException e) {
                c.alive = false;
            }
        }
    }

    /** The driver's socket's port when tether captured it (pgjdbc, MariaDB), else -1. */
    @Override
    public int localPort(PooledConnection c) {
        return c.channel == null ? -1 : c.channel.socket().getLocalPort();
    }

    @Override
    public void close(PooledConnection c, Reason reason) {
        Watch w = c.watch;
        if (w != null) {
            // When the watcher itself expires a session it has told us first (peerSignal), and it
            // must not be asked to let go of what it is finishing: that would wait for itself.
            if (c.peerSignal == null) {
                try {
                    watcher.release(w);
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            watcher.forget(w);
            try {
                c.channel.configureBlocking(true); // the driver's goodbye needs a blocking socket
            } catch (IOException | RuntimeException ignored) {
                // closed already, or still registered: the driver's close then fails quietly
            }
        }
        closeQuietly(c.raw);
        if (w != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // the driver closed it
            }
            watcher.closed(w);
        }
        LOG.debug("pool \"{}\": closed {} ({})", poolName, c, reason);
    }

    private void closeQuietly(Connection raw) {
        try {
            raw.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("pool \"{}\": the driver failed to close a session cleanly", poolName, e);
        }
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        c.putAll(p);
        return c;
    }

    @Override
    public String toString() {
        return "JdbcConnector[" + Redact.jdbcUrl(url) + ", " + driver.getClass().getName()
                + (watch ? ", watched" : "") + "]";
    }
}
