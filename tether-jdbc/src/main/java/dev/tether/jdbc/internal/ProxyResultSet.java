package dev.tether.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A result set of a lease: plain delegation ({@link ResultSetDelegate}), failures looked at by the
 * connection, and {@link #getStatement()} leading to the statement proxy (null for a result set
 * of {@link java.sql.DatabaseMetaData}, as JDBC allows), never to the driver's statement.
 */
final class ProxyResultSet extends ResultSetDelegate {
    private final ProxyStatement statement;
    private final ProxyConnection connection;

    ProxyResultSet(ResultSet delegate, ProxyStatement statement, ProxyConnection connection) {
        super(delegate);
        this.statement = statement;
        this.connection = connection;
    }

    @Override
    SQLException failed(SQLException e) {
        return connection.failed(e);
    }

    @Override
    void executed() {
        connection.executed();
    }

    @Override
    public Statement getStatement() throws SQLException {
        try {
            delegate.getStatement(); // the driver's answer to "closed?"
        } catch (SQLException e) {
            throw failed(e);
        }
        return statement;
    }

    @Override
    public String toString() {
        return "ResultSet[" + delegate + "]";
    }
}
