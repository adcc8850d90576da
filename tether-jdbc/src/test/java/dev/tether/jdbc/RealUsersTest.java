package dev.tether.jdbc;

import dev.tether.jdbc.Databases.Db;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real users of a DataSource work through tether-jdbc unchanged, on PostgreSQL: plain JDBC (batches,
 * generated keys, savepoints, a callable statement, metadata, several threads), Flyway migrations,
 * and jOOQ queries and transactions. Everything lives in a schema of the test's own, dropped after.
 */
class RealUsersTest {

    @Test
    void plainJdbcFlywayAndJooqWorkThroughThePool() throws Exception {
        Db db = Databases.postgres();
        String schema = "tether_" + db.tag.replaceAll("\\W", "_");
        try (JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("real-users").maxPerKey(4)).build())) {
            try {
                MigrateResult migrated = Flyway.configure().dataSource(pool).schemas(schema).locations("classpath:db/tether")
                        .load().migrate();
                assertThat(migrated.migrationsExecuted).isEqualTo(2);

                plainJdbc(pool, schema);
                jooq(pool, schema);

                assertThat(pool.stats().leased()).as("every lease came back").isZero();
                assertThat(pool.stats().closed()).as("no session was retired").isZero();
            } finally {
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    s.execute("drop schema if exists " + schema + " cascade");
                }
            }
        }
    }

    private static void plainJdbc(JdbcPool pool, String schema) throws Exception {
        String orders = schema + ".orders";
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into " + orders + " (customer, amount) values (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 100; i++) {
                    ps.setString(1, "c" + (i % 10));
                    ps.setBigDecimal(2, BigDecimal.valueOf(i));
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(100);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.getStatement()).isSameAs(ps);
                    int n = 0;
                    while (keys.next()) {
                        n++;
                    }
                    assertThat(n).isEqualTo(100);
                }
                assertThat(ps.getConnection()).isSameAs(c);
            }
            Savepoint sp = c.setSavepoint();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("delete from " + orders);
            }
            c.rollback(sp);
            c.commit();
            try (CallableStatement cs = c.prepareCall("{? = call upper(?)}")) {
                cs.registerOutParameter(1, Types.VARCHAR);
                cs.setString(2, "tether");
                cs.execute();
                assertThat(cs.getString(1)).isEqualTo("TETHER");
            }
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getConnection()).isSameAs(c);
            try (ResultSet tables = md.getTables(null, schema, "orders", null)) {
                assertThat(tables.next()).isTrue();
            }
            c.commit();
        }
        // Four threads move amounts between customers in transactions; the total never changes.
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                work.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (Connection c = pool.getConnection()) {
                            c.setAutoCommit(false);
                            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                            try (PreparedStatement ps = c.prepareStatement("update " + orders
                                    + " set amount = amount + ? where customer = ?")) {
                                ps.setBigDecimal(1, BigDecimal.ONE);
                                ps.setString(2, "c" + ((seed + i) % 10));
                                ps.executeUpdate();
                                ps.setBigDecimal(1, BigDecimal.ONE.negate());
                                ps.setString(2, "c" + ((seed + i + 1) % 10));
                                ps.executeUpdate();
                            }
                            if (i % 7 == 0) {
                                c.rollback();
                            } else {
                                c.commit();
                            }
                        } catch (java.sql.SQLException e) {
                            // a serialization failure is the database's answer to a conflict, not the pool's
                            assertThat(e.getSQLState()).isEqualTo("40001");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select sum(amount), count(*) from " + orders)) {
            rs.next();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(BigDecimal.valueOf(4950));
            assertThat(rs.getInt(2)).isEqualTo(100);
            assertThat(c.getAutoCommit()).as("the threads' transactions ended with their leases").isTrue();
        }
    }

    private static void jooq(JdbcPool pool, String schema) {
        DSLContext ctx = DSL.using(pool, SQLDialect.POSTGRES);
        Table<Record> orders = DSL.table(DSL.name(schema, "orders"));
        Field<String> customer = DSL.field(DSL.name("customer"), String.class);
        Field<BigDecimal> amount = DSL.field(DSL.name("amount"), BigDecimal.class);
        Field<String> state = DSL.field(DSL.name("state"), String.class);

        ctx.transaction(tx -> DSL.using(tx).insertInto(orders, customer, amount).values("jooq", BigDecimal.TEN).execute());
        assertThatThrownBy(() -> ctx.transaction(tx -> {
            DSL.using(tx).update(orders).set(state, "closed").where(customer.eq("jooq")).execute();
            throw new IllegalStateException("changed my mind");
        })).hasMessageContaining("changed my mind");

        Result<Record3<String, BigDecimal, String>> rows = ctx.select(customer, amount, state).from(orders).where(customer.eq("jooq")).fetch();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(state)).as("the rolled-back update").isEqualTo("open");
        assertThat(ctx.fetchCount(orders)).isEqualTo(101);
    }
}
