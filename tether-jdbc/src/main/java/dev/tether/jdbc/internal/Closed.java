package dev.tether.jdbc.internal;

import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Stand-ins that a closed proxy delegates to: every call fails with a {@link ClosedException} that
 * says why. Swapping the delegate costs nothing per call, unlike a "closed?" check in every method;
 * only these stand-ins use reflection, and only after misuse.
 */
final class Closed {
    /** A call on a closed proxy: the caller's mistake, never a sign that a session broke. */
    static final class ClosedException extends SQLException {
        ClosedException(String message, String sqlState) {
            super(message, sqlState);
        }
    }

    /** Every statement proxy, once closed (by the caller or at the end of its lease). */
    static final CallableStatement STATEMENT = stub(CallableStatement.class,
            "this Statement is closed (by close(), or because its Connection was closed): create a new one", null);

    private Closed() {
    }

    /** The stand-in for the connections of one pool, whose message names the pool. */
    static Connection connection(String poolName) {
        return stub(Connection.class, refusalMessage(poolName), "08003");
    }

    static String refusalMessage(String poolName) {
        return "this Connection is closed: it was returned to pool \"" + poolName + "\" by close(), and a Connection"
                + " must not be used after that; get a new one from the DataSource";
    }

    private static <T> T stub(Class<T> type, String message, String sqlState) {
        return type.cast(Proxy.newProxyInstance(Closed.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString": return type.getSimpleName() + "[closed]";
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                case "isClosed": return true;
                case "close": return null;
                default: throw new ClosedException(message, sqlState);
            }
        }));
    }
}
