package dev.tether.bench.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:stub:} whose connections, statements and result sets do nothing
 * ({@link StubConnection}, {@link StubPreparedStatement}, {@link StubResultSet}), so that a JDBC
 * pool can be measured without a database: what a cycle costs is the pool's. Registered with
 * {@link DriverManager} when loaded, for pools that look drivers up by URL.
 */
public final class StubDriver implements Driver {
    public static final String URL = "jdbc:stub:bench";

    static {
        try {
            DriverManager.registerDriver(new StubDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public StubDriver() {
    }

    @Override
    public Connection connect(String url, Properties info) {
        return acceptsURL(url) ? new StubConnection() : null;
    }

    @Override public boolean acceptsURL(String url) { return url != null && url.startsWith("jdbc:stub:"); }
    @Override public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) { return new DriverPropertyInfo[0]; }
    @Override public int getMajorVersion() { return 1; }
    @Override public int getMinorVersion() { return 0; }
    @Override public boolean jdbcCompliant() { return false; }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
}
