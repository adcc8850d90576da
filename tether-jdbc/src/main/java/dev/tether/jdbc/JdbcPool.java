package dev.tether.jdbc;

import dev.tether.jdbc.internal.Database;
import dev.tether.jdbc.internal.JdbcConnector;
import dev.tether.jdbc.internal.PooledConnection;
import dev.tether.jdbc.internal.ProxyConnection;
import dev.tether.jdbc.internal.SessionDefaults;
import dev.tether.pool.Deadline;
import dev.tether.pool.Inspectable;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolClosedException;
import dev.tether.pool.PoolException;
import dev.tether.pool.PoolInterruptedException;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolStats;
import dev.tether.pool.PoolView;
import dev.tether.pool.PoolTimeoutException;
import dev.tether.pool.Reason;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A {@link DataSource} that pools the sessions of one database, over any JDBC driver, on tether-pool.
 * Thread-safe: share one per database; each lent {@link Connection} is for one thread at a time.
 *
 * <ul>
 *   <li>{@link #getConnection()} lends a session as a proxy {@link Connection}; its {@code close()}
 *       gives it back with what the lease changed put back (auto-commit, isolation, read-only,
 *       catalog, schema, network timeout, holdability), uncommitted work rolled back, statements
 *       closed and warnings cleared. {@code unwrap} reaches the driver's connection.</li>
 *   <li>A session that failed with a broken-connection error ({@link BrokenConnections}) is retired,
 *       never lent again.</li>
 *   <li>A session the server ended while it sat in the pool is never lent: with pgjdbc and MariaDB
 *       Connector/J tether watches the session's own socket (no validation query); with other
 *       drivers it asks {@link Connection#isValid(int)} before reusing a session idle at least
 *       {@link JdbcPoolConfig#validateAfterIdle()}.</li>
 * </ul>
 *
 * <p>Waiting for a session is bounded by the pool's {@code acquireTimeout}; the failure
 * ({@link SQLTransientConnectionException}, SQLState 08001) names the pool, the database (URL
 * without secrets), the pool's counts and the last error of opening a session.
 */
public final class JdbcPool implements DataSource, Inspectable, AutoCloseable {
    private final JdbcPoolConfig config;
    private final Database database;
    private final JdbcConnector connector;
    private final Pool<PooledConnection> pool;
    private final int validationTimeoutSeconds;
    private volatile Throwable lastConnectFailure;
    private volatile PrintWriter logWriter;

    private JdbcPool(JdbcPoolConfig config) throws SQLException {
        this.config = config;
        this.database = Database.of(config.url(), config.user());
        Driver driver = config.driver() != null ? config.driver() : DriverManager.getDriver(config.url());
        Properties props = new Properties();
        props.putAll(config.properties());
        if (config.user() != null) {
            props.setProperty("user", config.user());
        }
        if (config.password() != null) {
            props.setProperty("password", config.password());
        }
        this.connector = new JdbcConnector(config.url(), config.pool().name(), driver, props, config.initSql(),
                SessionDefaults.of(config.autoCommit(), config.transactionIsolation(), config.readOnly(),
                        config.catalog(), config.schema()),
                config.watchIdle(), config.keepAliveSocket(), config.followServerIdleTimeout(),
                config.serverIdleMargin(), config.validateAfterIdle(), config.ticker());
        this.validationTimeoutSeconds = (int) config.validationTimeout().getSeconds();
        this.pool = Pool.builder(database, connector)
                .config(config.pool())
                .ticker(config.ticker())
                .listener(new PoolListener<>() {
                    @Override
                    public void opened(Database key, PooledConnection c, long tookNanos) {
                        lastConnectFailure = null;
                    }

                    @Override
                    public void openFailed(Database key, Throwable cause, long tookNanos) {
                        lastConnectFailure = cause;
                    }
                })
                .describedAs("jdbc", JdbcPool::withFigures)
                .build();
    }

    /**
     * Starts a pool. With {@link JdbcPoolConfig#failFastTimeout()} above zero, one session is
     * opened first: if none can be within that time, the pool is closed and this throws.
     *
     * @param config the pool's configuration
     * @return the pool, a thread-safe {@link DataSource}; close it when the application stops
     * @throws SQLException if no driver accepts the URL, or (with a fail-fast timeout) no session
     *                      could be opened in time ({@link java.sql.SQLNonTransientConnectionException}, SQLState 08001)
     */
    public static JdbcPool create(JdbcPoolConfig config) throws SQLException {
        JdbcPool p = new JdbcPool(config);
        if (!config.failFastTimeout().isZero()) {
            p.openFirst(config.failFastTimeout());
        }
        return p;
    }

    private void openFirst(Duration timeout) throws SQLException {
        Deadline deadline = Deadline.after(config.ticker(), timeout);
        PoolException last = null;
        while (!deadline.isExpired()) {
            try {
                pool.acquire(deadline.remaining()).close();
                return;
            } catch (PoolTimeoutException e) {
                last = e;
                break;
            } catch (PoolException e) {
                last = e; // an open failed: the pool backs off before the next try, so this does not spin
            }
        }
        close();
        Throwable cause = last != null && last.getCause() != null ? last.getCause() : last;
        throw new SQLNonTransientConnectionException("pool \"" + name() + "\" could not open a session of " + database
                + " within failFastTimeout " + timeout + (cause == null ? "" : ": " + cause), "08001", cause);
    }

    /** A session of the database, as a {@link Connection} that {@code close()} gives back. */
    @Override
    public Connection getConnection() throws SQLException {
        Lease<PooledConnection> lease;
        try {
            lease = pool.acquire();
            if (lease.get().needsValidation()) {
                lease = validated(lease);
            }
        } catch (PoolException e) {
            throw translate(e);
        }
        return new ProxyConnection(lease);
    }

    /** Reuse of an unwatched session idle long enough: isValid() first; a dead one is retired and another tried. */
    private Lease<PooledConnection> validated(Lease<PooledConnection> lease) {
        Deadline deadline = Deadline.after(config.ticker(), config.pool().acquireTimeout());
        while (true) {
            if (lease.get().isValid(validationTimeoutSeconds)) {
                return lease;
            }
            lease.close(Reason.NOT_REUSABLE);
            lease = pool.acquire(deadline.remaining());
            if (!lease.get().needsValidation()) {
                return lease;
            }
        }
    }

    private SQLException translate(PoolException e) {
        if (e instanceof PoolClosedException) {
            return new SQLNonTransientConnectionException(e.getMessage(), "08003", e);
        }
        if (e instanceof PoolInterruptedException) {
            return new SQLTransientConnectionException(e.getMessage(), "08001", e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof SQLException) {
            // Opening a session failed for this caller: the driver's own state and code, the pool's words.
            SQLException driver = (SQLException) cause;
            return new SQLTransientConnectionException(e.getMessage(),
                    driver.getSQLState() != null ? driver.getSQLState() : "08001", driver.getErrorCode(), e);
        }
        return new SQLTransientConnectionException(e.getMessage(), "08001", e);
    }

    /** Not supported: a pool has one user (the config's); make a pool per user instead. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("pool \"" + name() + "\" lends sessions of one user (" + config.user()
                + "); build another JdbcPool for another user");
    }

    /**
     * The pool's counts: idle, leased, opening, waiting, opened, closed by reason.
     *
     * @return a snapshot, read without stopping the pool
     */
    public PoolStats stats() {
        return pool.stats();
    }

    /**
     * The pool's sessions, each with its age, idle time, uses and local port (when tether watches
     * the driver's socket). Kind {@code jdbc}; a JDBC pool never re-runs a statement, so it counts
     * no retries, and it reads the server's idle cut rather than learning it.
     */
    @Override
    public PoolView poolView() {
        return withFigures(pool.poolView());
    }

    private static PoolView withFigures(PoolView v) {
        return v.forClient("jdbc", key -> null, Map.of());
    }

    /** Closes every idle session now ({@link Reason#EVICTED}); the next {@code getConnection()} opens a fresh one. */
    @Override
    public int evictIdle() {
        return pool.evictIdle();
    }

    @Override
    public ListenerHandle addPoolListener(PoolListener<Object, Object> listener) {
        return pool.addPoolListener(listener);
    }

    /**
     * Why the last attempt to open a session failed.
     *
     * @return the failure, or null if the last attempt succeeded (or none was made)
     */
    public Throwable lastConnectFailure() {
        return lastConnectFailure;
    }

    /**
     * Whether sessions are watched through the driver's socket (pgjdbc, MariaDB Connector/J).
     *
     * @return true when the driver's socket factory is tether's
     */
    public boolean watchesIdleSessions() {
        return connector.watches();
    }

    /**
     * The configuration the pool was created with.
     *
     * @return the configuration
     */
    public JdbcPoolConfig config() {
        return config;
    }

    /**
     * The pool's name, as messages and logs give it.
     *
     * @return the pool configuration's {@code name}
     */
    public String name() {
        return config.pool().name();
    }

    /** Closes idle sessions now and leased ones as they come back; later {@code getConnection()} calls fail. */
    @Override
    public void close() {
        pool.close();
    }

    // ---- DataSource odds and ends --------------------------------------------------------------

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** Kept for callers that ask for it back; tether logs through SLF4J. */
    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    /** Not supported: the wait is the pool's {@code acquireTimeout}, fixed by the config. */
    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("set JdbcPoolConfig.pool(p -> p.acquireTimeout(...)) instead");
    }

    /** The pool's {@code acquireTimeout} in whole seconds. */
    @Override
    public int getLoginTimeout() {
        return (int) Math.min(Integer.MAX_VALUE, config.pool().acquireTimeout().getSeconds());
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("tether logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("JdbcPool is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "JdbcPool[" + name() + ", " + database + "]";
    }
}
