package dev.tether.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A statement of a lease: plain delegation ({@link StatementDelegate}), with its failures looked at
 * by its connection, its result sets wrapped (so {@code getStatement()} and {@code getConnection()}
 * lead back to the proxies, never to the driver's objects), and its closing tracked. When the
 * lease ends, the connection closes what is still open.
 */
class ProxyStatement extends StatementDelegate {
    final ProxyConnection connection;

    ProxyStatement(Statement delegate, ProxyConnection connection) {
        super(delegate);
        this.connection = connection;
    }

    @Override
    final SQLException failed(SQLException e) {
        return connection.failed(e);
    }

    @Override
    final void executed() {
        connection.executed();
    }

    @Override
    final ResultSet resultSet(ResultSet raw) {
        return raw == null ? null : new ProxyResultSet(raw, this, connection);
    }

    @Override
    public final Connection getConnection() throws SQLException {
        if (delegate == Closed.STATEMENT) {
            delegate.getConnection(); // throws: closed
        }
        return connection;
    }

    @Override
    public final void close() throws SQLException {
        Statement d = delegate;
        if (d == Closed.STATEMENT) {
            return;
        }
        delegate = Closed.STATEMENT;
        connection.untrack(this);
        try {
            d.close();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Closed by the connection at the end of the lease (already untracked); the failure, if any. */
    final SQLException closeForLeaseEnd() {
        Statement d = delegate;
        delegate = Closed.STATEMENT;
        try {
            d.close();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    @Override
    public final boolean isClosed() throws SQLException {
        Statement d = delegate;
        if (d == Closed.STATEMENT) {
            return true;
        }
        try {
            return d.isClosed();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public String toString() {
        return "Statement[" + delegate + "]";
    }
}
