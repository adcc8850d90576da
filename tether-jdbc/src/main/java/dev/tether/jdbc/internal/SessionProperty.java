package dev.tether.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * A part of a session's state that a lease may change and the pool puts back: each knows how to
 * read and write itself through the driver, and its bit in a lease's set of changes.
 */
enum SessionProperty {
    AUTO_COMMIT {
        @Override Object read(Connection c) throws SQLException { return c.getAutoCommit(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setAutoCommit((Boolean) v); }
    },
    ISOLATION {
        @Override Object read(Connection c) throws SQLException { return c.getTransactionIsolation(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setTransactionIsolation((Integer) v); }
    },
    READ_ONLY {
        @Override Object read(Connection c) throws SQLException { return c.isReadOnly(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setReadOnly((Boolean) v); }
    },
    CATALOG {
        @Override Object read(Connection c) throws SQLException { return c.getCatalog(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setCatalog((String) v); }
    },
    SCHEMA {
        @Override Object read(Connection c) throws SQLException { return c.getSchema(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setSchema((String) v); }
    },
    NETWORK_TIMEOUT {
        @Override Object read(Connection c) throws SQLException { return c.getNetworkTimeout(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setNetworkTimeout(DIRECT, (Integer) v); }
    },
    HOLDABILITY {
        @Override Object read(Connection c) throws SQLException { return c.getHoldability(); }
        @Override void write(Connection c, Object v) throws SQLException { c.setHoldability((Integer) v); }
    };

    /** For putting a network timeout back: drivers that use the executor run nothing slow on it. */
    static final Executor DIRECT = Runnable::run;

    static final SessionProperty[] ALL = values();

    final int bit = 1 << ordinal();

    abstract Object read(Connection c) throws SQLException;

    abstract void write(Connection c, Object v) throws SQLException;
}
