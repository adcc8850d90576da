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
}
