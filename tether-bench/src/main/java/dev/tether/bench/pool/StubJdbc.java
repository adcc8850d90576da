package dev.tether.bench.pool;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource whose connections do nothing, so that HikariCP's pool layer can be measured
 * without a database: every method answers with a neutral default (valid, auto-commit, no timeout).
 */
final class StubJdbc {
    private StubJdbc() {
    }

    static DataSource dataSource() {
        return new DataSource() {
            @Override public Connection getConnection() { return connection(); }
            @Override public Connection getConnection(String u, String p) { return connection(); }
            @Override public PrintWriter getLogWriter() { return null; }
            @Override public void setLogWriter(PrintWriter out) { }
            @Override public void setLoginTimeout(int seconds) { }
            @Override public int getLoginTimeout() { return 0; }
            @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
            @Override public <T> T unwrap(Class<T> iface) { return null; }
            @Override public boolean isWrapperFor(Class<?> iface) { return false; }
        };
    }

    static Connection connection() {
        return (Connection) Proxy.newProxyInstance(StubJdbc.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isValid": return true;
                        case "getAutoCommit": return true;
                        case "isClosed": case "isReadOnly": return false;
                        case "getTransactionIsolation": return Connection.TRANSACTION_READ_COMMITTED;
                        case "getNetworkTimeout": case "getHoldability": return 0;
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        case "toString": return "StubConnection";
                        default:
                            Class<?> r = method.getReturnType();
                            if (r == boolean.class) return false;
                            if (r == int.class || r == long.class) return 0;
                            return null;
                    }
                });
    }
}
