package dev.tether.jdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A driver for {@code jdbc:fake:} whose sessions keep their state in fields and record every call
 * made on them, so a test can say exactly what the pool asked of the driver. A session can be told
 * to fail its next call with a given SQLException, or to answer isValid with false.
 */
final class FakeDriver implements Driver {
    final List<Session> sessions = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();

    /** One fake session: its state and its calls. */
    static final class Session {
        final int id;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        boolean autoCommit = true;
        int isolation = Connection.TRANSACTION_READ_COMMITTED;
        boolean readOnly;
        String catalog = "app";
        String schema = "public";
        int networkTimeout;
        int holdability = ResultSet.HOLD_CURSORS_OVER_COMMIT;
        boolean closed;
        boolean valid = true;
        volatile SQLException failNext;
        final List<Statement> statements = new ArrayList<>();
        Connection connection;

        Session(int id) {
            this.id = id;
        }

        /** The calls since the last {@link #clear()}, as method names. */
        List<String> calls() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }

        void clear() {
            calls.clear();
        }
    }

    @Override
    public Connection connect(String url, Properties info) {
        if (!acceptsURL(url)) {
            return null;
        }
        Session s = new Session(ids.incrementAndGet());
        s.connection = (Connection) Proxy.newProxyInstance(FakeDriver.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, m, args) -> {
                    String name = m.getName();
                    s.calls.add(name);
                    SQLException fail = s.failNext;
                    if (fail != null && !name.equals("close") && !name.equals("isClosed")) {
                        s.failNext = null;
                        throw fail;
                    }
                    switch (name) {
                        case "getAutoCommit": return s.autoCommit;
                        case "setAutoCommit": s.autoCommit = (Boolean) args[0]; return null;
                        case "getTransactionIsolation": return s.isolation;
                        case "setTransactionIsolation": s.isolation = (Integer) args[0]; return null;
                        case "isReadOnly": return s.readOnly;
                        case "setReadOnly": s.readOnly = (Boolean) args[0]; return null;
                        case "getCatalog": return s.catalog;
                        case "setCatalog": s.catalog = (String) args[0]; return null;
                        case "getSchema": return s.schema;
                        case "setSchema": s.schema = (String) args[0]; return null;
                        case "getNetworkTimeout": return s.networkTimeout;
                        case "setNetworkTimeout": s.networkTimeout = (Integer) args[1]; return null;
                        case "getHoldability": return s.holdability;
                        case "setHoldability": s.holdability = (Integer) args[0]; return null;
                        case "isValid": return s.valid && !s.closed;
                        case "isClosed": return s.closed;
                        case "close": s.closed = true; return null;
                        case "createStatement": case "prepareStatement": case "prepareCall": return statement(s, m.getReturnType());
                        case "unwrap": return proxy;
                        case "isWrapperFor": return true;
                        case "toString": return "FakeSession#" + s.id;
                        case "hashCode": return s.id;
                        case "equals": return proxy == args[0];
                        default: return null;
                    }
                });
        sessions.add(s);
        return s.connection;
    }

    private static Object statement(Session s, Class<?> type) {
        boolean[] closed = {false};
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(FakeDriver.class.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            String name = m.getName();
            s.calls.add("statement." + name);
            SQLException fail = s.failNext;
            if (fail != null && name.startsWith("execute")) {
                s.failNext = null;
                throw fail;
            }
            switch (name) {
                case "close": closed[0] = true; return null;
                case "isClosed": return closed[0];
                case "getConnection": return s.connection;
                case "executeQuery": case "getResultSet": case "getGeneratedKeys": return resultSet(s, (Statement) proxy);
                case "execute": return true;
                case "executeUpdate": return 1;
                case "toString": return "FakeStatement";
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                default:
                    return m.getReturnType() == boolean.class ? false : m.getReturnType() == int.class ? 0
                            : m.getReturnType() == long.class ? 0L : null;
            }
        });
        s.statements.add((Statement) self[0]);
        return self[0];
    }

    private static ResultSet resultSet(Session s, Statement owner) {
        int[] rows = {1};
        return (ResultSet) Proxy.newProxyInstance(FakeDriver.class.getClassLoader(), new Class<?>[] {ResultSet.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "next": return rows[0]-- > 0;
                case "getInt": return 1;
                case "getStatement": return owner;
                case "isClosed": return owner.isClosed();
                case "toString": return "FakeResultSet";
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                default: return m.getReturnType() == boolean.class ? false : null;
            }
        });
    }

    Session session(int i) {
        return sessions.get(i);
    }

    @Override public boolean acceptsURL(String url) { return url.startsWith("jdbc:fake:"); }
    @Override public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) { return new DriverPropertyInfo[0]; }
    @Override public int getMajorVersion() { return 1; }
    @Override public int getMinorVersion() { return 0; }
    @Override public boolean jdbcCompliant() { return false; }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
}
