package dev.tether.jdbc.internal;

import java.sql.PreparedStatement;

/** A prepared statement of a lease: see {@link ProxyStatement}; every call is plain delegation. */
class ProxyPreparedStatement extends PreparedStatementDelegate {
    ProxyPreparedStatement(PreparedStatement delegate, ProxyConnection connection) {
        super(delegate, connection);
    }
}
