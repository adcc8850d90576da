package dev.tether.jdbc.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The metadata of a lease's connection: plain delegation, and {@link #getConnection()} leads to the proxy. */
final class ProxyDatabaseMetaData extends DatabaseMetaDataDelegate {
    private final ProxyConnection connection;

    ProxyDatabaseMetaData(DatabaseMetaData delegate, ProxyConnection connection) {
        super(delegate);
        this.connection = connection;
    }

    @Override
    SQLException failed(SQLException e) {
        return connection.failed(e);
    }

    @Override
    ResultSet resultSet(ResultSet raw) {
        return raw == null ? null : new ProxyResultSet(raw, null, connection);
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        try {
            return delegate.unwrap(iface);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(delegate)) {
            return true;
        }
        try {
            return delegate.isWrapperFor(iface);
        } catch (SQLException e) {
            throw failed(e);
        }
    }
}
