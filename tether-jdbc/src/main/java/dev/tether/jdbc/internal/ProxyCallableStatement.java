package dev.tether.jdbc.internal;

import java.sql.CallableStatement;

/** A callable statement of a lease: see {@link ProxyStatement}; every call is plain delegation. */
final class ProxyCallableStatement extends CallableStatementDelegate {
    ProxyCallableStatement(CallableStatement delegate, ProxyConnection connection) {
        super(delegate, connection);
    }
}
