package dev.tether.jdbc.internal;

import dev.tether.pool.Lease;
import dev.tether.pool.Reason;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;

/**
 * The {@link Connection} a caller gets: one lease of a pooled session. Every driver call goes
 * straight to the driver's connection (see {@link ConnectionDelegate}); what is not a plain call
 * is here.
 *
 * <ol>
 *   <li>Setters of session state (auto-commit, isolation, read-only, catalog, schema, network
 *       timeout, holdability) go through {@link Session}, which records the change; a statement run
 *       without auto-commit marks the transaction dirty. Nothing else is tracked, so a lease that
 *       changes nothing costs no bookkeeping.</li>
 *   <li>Statements are wrapped ({@link ProxyStatement} and subclasses) and tracked on the session;
 *       metadata is wrapped too, so every path leads back to the proxies.</li>
 *   <li>Every {@link SQLException} is looked up in {@link dev.tether.jdbc.BrokenConnections}; a
 *       match marks the lease broken.</li>
 *   <li>{@link #close()}: close the statements left open; unless broken, roll back a dirty
 *       transaction, put back what changed, clear warnings, and return the session; if broken, or
 *       if putting it back failed, retire it. After close every call fails (the delegate becomes a
 *       stand-in that refuses), and a second close does nothing.</li>
 * </ol>
 */
public final class ProxyConnection extends ConnectionDelegate {
    /** A statement ran without auto-commit since the last commit or rollback (a bit of {@link #flags}). */
    private static final int TRANSACTION_DIRTY = 1 << 30;
    /** The caller reached the driver's connection: it may have closed it behind the pool's back. */
    private static final int UNWRAPPED = 1 << 29;
    private static final int SESSION_PROPERTIES = (1 << SessionProperty.ALL.length) - 1;

    // Five fields, so a lease allocates 32 bytes: the flags share one int.
    private final Lease<PooledConnection> lease;
    final PooledConnection pooled;
    /** The session properties this lease changed (bits of {@link SessionProperty}), and the two flags above. */
    private int flags;
    /** Why this lease's session is gone (a broken-connection failure was seen); null while healthy. */
    private String broken;

    public ProxyConnection(Lease<PooledConnection> lease) {
        this(lease, lease.get());
    }

    private ProxyConnection(Lease<PooledConnection> lease, PooledConnection pooled) {
        super(pooled.raw);
        this.lease = lease;
        this.pooled = pooled;
    }

    // ---- failures and statements, for the proxies this connection creates ----------------------

    @Override
    SQLException failed(SQLException e) {
        if (broken == null && !(e instanceof Closed.ClosedException)) {
            String why = pooled.connector.brokenReason(e);
            if (why != null && delegate != pooled.connector.closed()) {
                broken = why;
                JdbcConnector.LOG.debug("pool \"{}\": {} is broken ({}); it will be closed, not reused",
                        pooled.connector.poolName(), pooled, why);
            }
        }
        return e;
    }

    void executed() {
        if (!pooled.session.autoCommit) {
            flags |= TRANSACTION_DIRTY;
        }
    }

    <S extends ProxyStatement> S track(S statement) {
        pooled.track(statement);
        return statement;
    }

    void untrack(ProxyStatement statement) {
        pooled.untrack(statement);
    }

    // ---- what the driver returns, wrapped and tracked -----------------------------------------

    @Override
    Statement statement(Statement raw) {
        return track(new ProxyStatement(raw, this));
    }

    @Override
    PreparedStatement statement(PreparedStatement raw) {
        return track(new ProxyPreparedStatement(raw, this));
    }

    @Override
    CallableStatement statement(CallableStatement raw) {
        return track(new ProxyCallableStatement(raw, this));
    }

    @Override
    DatabaseMetaData metaData(DatabaseMetaData raw) {
        return new ProxyDatabaseMetaData(raw, this);
    }

    // ---- session state -------------------------------------------------------------------------

    private void change(SessionProperty p, Object value) throws SQLException {
        Connection d = delegate;
        if (d == pooled.connector.closed()) {
            throw pooled.connector.refusal();
        }
        try {
            pooled.session.change(d, p, value);
        } catch (SQLException e) {
            throw failed(e);
        }
        flags |= p.bit;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        change(SessionProperty.AUTO_COMMIT, autoCommit);
        if (autoCommit) {
            flags &= ~TRANSACTION_DIRTY; // JDBC: switching auto-commit on commits
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        change(SessionProperty.ISOLATION, level);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        change(SessionProperty.READ_ONLY, readOnly);
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        change(SessionProperty.CATALOG, catalog);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        change(SessionProperty.SCHEMA, schema);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        change(SessionProperty.HOLDABILITY, holdability);
    }

    /** The driver gets a direct executor, as when the pool puts the timeout back (pgjdbc and MariaDB use none). */
    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        change(SessionProperty.NETWORK_TIMEOUT, milliseconds);
    }

    @Override
    public void commit() throws SQLException {
        try {
            delegate.commit();
        } catch (SQLException e) {
            throw failed(e);
        }
        flags &= ~TRANSACTION_DIRTY;
    }

    @Override
    public void rollback() throws SQLException {
        try {
            delegate.rollback();
        } catch (SQLException e) {
            throw failed(e);
        }
        flags &= ~TRANSACTION_DIRTY;
    }

    // ---- wrapper and lifecycle -----------------------------------------------------------------

    /** The driver's connection (or what it wraps); the pool then checks at return that it was not closed behind its back. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        T t = super.unwrap(iface);
        flags |= UNWRAPPED;
        return t;
    }

    @Override
    public boolean isClosed() {
        return delegate == pooled.connector.closed();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (delegate == pooled.connector.closed()) {
            return;
        }
        if (broken == null) {
            broken = "aborted by the caller (Connection.abort)";
        }
        close();
    }

    /** Gives the session back to the pool, or retires it if it broke or cannot be put back. */
    @Override
    public void close() throws SQLException {
        Connection raw = delegate;
        if (raw == pooled.connector.closed()) {
            return;
        }
        delegate = pooled.connector.closed();
        PooledConnection p = pooled;
        if (p.openStatements() > 0) {
            closeStatements(p);
        }
        int f = flags;
        if (broken == null && (f & UNWRAPPED) != 0 && isRawClosed(raw)) {
            broken = "the caller closed the driver's connection it reached with unwrap()";
        }
        if (broken == null) {
            try {
                if ((f & TRANSACTION_DIRTY) != 0 && !p.session.autoCommit) {
                    raw.rollback(); // uncommitted work must not reach the next lease
                }
                if ((f & SESSION_PROPERTIES) != 0) {
                    p.session.restore(raw, f & SESSION_PROPERTIES);
                }
                raw.clearWarnings();
            } catch (SQLException e) {
                String why = pooled.connector.brokenReason(e);
                broken = why != null ? why : "putting its state back failed: " + e;
                JdbcConnector.LOG.warn("pool \"{}\": {} could not be reset on return ({}); closing it",
                        pooled.connector.poolName(), p, broken, e);
            }
        }
        if (broken == null) {
            lease.close();
        } else {
            lease.close(Reason.BROKEN);
        }
    }

    private void closeStatements(PooledConnection p) {
        ProxyStatement s;
        while ((s = p.takeLastOpen()) != null) {
            SQLException e = s.closeForLeaseEnd();
            if (e != null && broken == null) {
                broken = pooled.connector.brokenReason(e);
            }
        }
    }

    private static boolean isRawClosed(Connection raw) {
        try {
            return raw.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "Connection[" + (isClosed() ? "closed" : pooled + " of pool \"" + pooled.connector.poolName() + "\"") + "]";
    }
}
