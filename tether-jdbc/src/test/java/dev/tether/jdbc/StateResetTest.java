package dev.tether.jdbc;

import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a lease changes is back to the pool's defaults in the next lease of the same session, on the
 * real servers: auto-commit, isolation, read-only, catalog, schema, network timeout; uncommitted
 * work is rolled back and statements left open are closed.
 */
class StateResetTest {
    private static final Executor DIRECT = Runnable::run;

    /** The session state a lease can see. */
    record State(Object session, boolean autoCommit, int isolation, boolean readOnly, String catalog, String schema,
                 int networkTimeout) {
        static State of(Connection c, Kind kind) throws SQLException {
            Object id;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(kind == Kind.POSTGRESQL ? "select pg_backend_pid()" : "select connection_id()")) {
                rs.next();
                id = rs.getLong(1);
            }
            // Read the server's view of isolation and schema, not only the driver's.
            String schema = query(c, kind == Kind.POSTGRESQL ? "select current_schema()" : "select database()");
            return new State(id, c.getAutoCommit(), c.getTransactionIsolation(), c.isReadOnly(), c.getCatalog(), schema,
                    c.getNetworkTimeout());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void whatALeaseChangesIsBackInTheNextLease(Kind kind) throws Exception {
        try (Db db = Databases.of(kind);
             JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("reset").maxPerKey(1)).build())) {
            String table = "tether_reset_" + db.tag.replaceAll("\\W", "_");
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("create table " + table + " (id int)");
            }
            try {
                State before;
                try (Connection c = pool.getConnection()) {
                    before = State.of(c, kind);
                }
                try (Connection c = pool.getConnection()) {
                    c.setReadOnly(true);
                    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                    c.setNetworkTimeout(DIRECT, 43_210);
                    if (kind == Kind.POSTGRESQL) {
                        c.setSchema("information_schema");
                    } else {
                        c.setCatalog("information_schema"); // MariaDB's catalog is the database
                    }
                    State changed = State.of(c, kind);
                    assertThat(changed.isolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                    assertThat(changed.readOnly()).isTrue();
                    assertThat(changed.networkTimeout()).isEqualTo(43_210);
                    assertThat(changed.schema()).isEqualTo("information_schema");
                }
                assertThat(sameSessionState(pool, kind)).isEqualTo(before);

                Statement leftOpen;
                ResultSet leftOpenRows;
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("insert into " + table + " values (?)")) {
                        ps.setInt(1, 7);
                        ps.executeUpdate();
                    }
                    leftOpen = c.createStatement();
                    leftOpenRows = leftOpen.executeQuery("select id from " + table);
                    assertThat(leftOpenRows.next()).isTrue(); // the lease sees its own uncommitted row
                }
                assertThat(leftOpen.isClosed()).as("a statement the lease left open").isTrue();
                assertThat(leftOpenRows.isClosed()).as("its result set").isTrue();
                assertThat(count(db, table)).as("rows of the uncommitted insert").isZero();
                assertThat(sameSessionState(pool, kind)).isEqualTo(before);
            } finally {
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    s.execute("drop table " + table);
                }
            }
        }
    }

    private static State sameSessionState(JdbcPool pool, Kind kind) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return State.of(c, kind);
        }
    }

    private static int count(Db db, String table) throws SQLException {
        try (Connection c = db.connect()) {
            return Integer.parseInt(Objects.requireNonNull(query(c, "select count(*) from " + table)));
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
