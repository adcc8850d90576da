package dev.tether.jdbc;

import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A lease's life against a fake driver that records every call: what the pool asks of the driver
 * when a lease ends (nothing but clearWarnings if the lease changed nothing), what it puts back,
 * what it retires, and how a returned Connection refuses to be used. Time is a fake ticker.
 */
class LeaseTest {
    private final FakeDriver driver = new FakeDriver();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private JdbcPool pool;

    private JdbcPool pool(JdbcPoolConfig.Builder b) throws SQLException {
        pool = JdbcPool.create(b.build());
        return pool;
    }

    private JdbcPoolConfig.Builder config() {
        return JdbcPoolConfig.builder().url("jdbc:fake:orders?password=s3cret").user("app").password("hunter2")
                .driver(driver).ticker(now::get).pool(p -> p.name("fake").maxPerKey(1));
    }

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aLeaseThatChangedNothingCostsTheDriverOneLocalCallOnReturn() throws SQLException {
        // (The fake driver's sessions cannot be watched: by default each reuse would first ask isValid.)
        pool(config().validateAfterIdle(Duration.ofSeconds(1)));
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("select 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
        FakeDriver.Session s = driver.session(0);
        s.clear();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("select 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
        assertThat(s.calls()).containsExactly("prepareStatement", "statement.executeQuery", "statement.close", "clearWarnings");
        assertThat(driver.sessions).hasSize(1);
    }

    @Test
    void whatALeaseChangedIsPutBackAndNothingElseIsWritten() throws SQLException {
        pool(config());
        try (Connection c = pool.getConnection()) {
            c.setReadOnly(true);
            c.setSchema("audit");
            c.setSchema("public"); // changed and changed back: nothing to put back
            c.setNetworkTimeout(Runnable::run, 5_000);
            c.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
            c.setCatalog("other");
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            driver.session(0).clear();
        }
        FakeDriver.Session s = driver.session(0);
        assertThat(s.calls()).containsExactlyInAnyOrder("setHoldability", "setNetworkTimeout", "setCatalog", "setReadOnly",
                "setTransactionIsolation", "clearWarnings");
        assertThat(s.readOnly).isFalse();
        assertThat(s.schema).isEqualTo("public");
        assertThat(s.networkTimeout).isZero();
        assertThat(s.holdability).isEqualTo(ResultSet.HOLD_CURSORS_OVER_COMMIT);
        assertThat(s.catalog).isEqualTo("app");
        assertThat(s.isolation).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
    }

    @Test
    void uncommittedWorkIsRolledBackBeforeAutoCommitIsPutBack() throws SQLException {
        pool(config());
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("update t set x = 1");
            }
            driver.session(0).clear();
        }
        assertThat(driver.session(0).calls()).containsExactly("rollback", "setAutoCommit", "clearWarnings");
        assertThat(driver.session(0).autoCommit).isTrue();

        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("update t set x = 1");
            }
            c.commit();
            driver.session(0).clear();
        }
        assertThat(driver.session(0).calls()).as("committed: nothing to roll back").containsExactly("setAutoCommit", "clearWarnings");
    }

    @Test
    void aPoolWhoseLeasesStartWithoutAutoCommitRollsBackOnlyWhatRan() throws SQLException {
        pool(config().autoCommit(false).transactionIsolation(Connection.TRANSACTION_REPEATABLE_READ));
        try (Connection c = pool.getConnection()) {
            assertThat(c.getAutoCommit()).isFalse();
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
            driver.session(0).clear();
        }
        assertThat(driver.session(0).calls()).as("nothing ran").containsExactly("clearWarnings");
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("select 1");
            driver.session(0).clear();
        }
        assertThat(driver.session(0).calls()).containsExactly("statement.close", "rollback", "clearWarnings");
    }

    @Test
    void statementsLeftOpenAreClosedAndEveryPathLeadsBackToTheProxies() throws SQLException {
        pool(config());
        Statement left;
        ResultSet rows;
        try (Connection c = pool.getConnection()) {
            left = c.createStatement();
            rows = left.executeQuery("select 1");
            assertThat(left.getConnection()).isSameAs(c);
            assertThat(rows.getStatement()).isSameAs(left);
            assertThat(c.getMetaData().getConnection()).isSameAs(c);
            assertThat(c.unwrap(Connection.class)).isSameAs(driver.session(0).connection);
        }
        assertThat(left.isClosed()).isTrue();
        assertThat(driver.session(0).statements.get(0).isClosed()).as("the driver's statement").isTrue();
        assertThatThrownBy(() -> left.executeQuery("select 1")).isInstanceOf(SQLException.class).hasMessageContaining("Statement is closed");
        assertThat(pool.stats().closed()).as("a closed statement is the caller's mistake, not a broken session").isZero();
    }

    @Test
    void aReturnedConnectionRefusesEveryCallAndASecondCloseDoesNothing() throws SQLException {
        pool(config());
        Connection c = pool.getConnection();
        c.close();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class)
                .hasMessageContaining("returned to pool \"fake\"")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
        assertThatThrownBy(() -> c.setAutoCommit(false)).isInstanceOf(SQLException.class);
        assertThatThrownBy(c::getSchema).isInstanceOf(SQLException.class);
        assertThat(pool.stats().idle()).isEqualTo(1);
        assertThat(pool.stats().closed()).isZero();
    }

    @Test
    void aBrokenConnectionErrorRetiresTheSessionAndAnOrdinaryErrorDoesNot() throws SQLException {
        pool(config());
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            driver.session(0).failNext = new SQLException("relation \"nope\" does not exist", "42P01");
            assertThatThrownBy(() -> st.executeQuery("select * from nope")).hasMessageContaining("nope");
        }
        assertThat(pool.stats().closed()).isZero();
        for (SQLException broken : List.of(new SQLException("terminating connection", "08006"),
                new SQLException("I/O error", "08S01"))) {
            int before = driver.sessions.size();
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                driver.session(before - 1).failNext = broken;
                assertThatThrownBy(() -> st.execute("select 1")).isSameAs(broken);
            }
            assertThat(driver.session(before - 1).closed).as("retired: " + broken.getSQLState()).isTrue();
            try (Connection c = pool.getConnection()) {
                assertThat(driver.sessions).hasSize(before + 1);
            }
        }
        assertThat(pool.stats().closed(Reason.BROKEN)).isEqualTo(2);
    }

    @Test
    void closingTheDriversConnectionBehindThePoolsBackRetiresIt() throws SQLException {
        pool(config());
        try (Connection c = pool.getConnection()) {
            c.unwrap(Connection.class).close();
        }
        assertThat(pool.stats().closed(Reason.BROKEN)).isEqualTo(1);
    }

    @Test
    void anUnwatchedSessionIdleLongerThanValidateAfterIdleIsCheckedWithIsValidAndReplacedIfDead() throws SQLException {
        pool(config().validateAfterIdle(Duration.ofSeconds(1)));
        assertThat(pool.watchesIdleSessions()).isFalse();
        try (Connection c = pool.getConnection()) {
            c.isClosed();
        }
        now.addAndGet(Duration.ofMillis(500).toNanos());
        try (Connection c = pool.getConnection()) {
            assertThat(driver.session(0).calls()).doesNotContain("isValid");
        }
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        driver.session(0).valid = false;
        try (Connection c = pool.getConnection()) {
            assertThat(driver.session(0).calls()).contains("isValid");
            assertThat(driver.sessions).as("the dead one was replaced").hasSize(2);
        }
        assertThat(pool.stats().closed(Reason.NOT_REUSABLE)).isEqualTo(1);
    }

    @Test
    void anAcquireTimeoutNamesThePoolTheDatabaseAndTheCountsButNoSecret() throws SQLException {
        pool(JdbcPoolConfig.builder().url("jdbc:fake:orders?password=s3cret").user("app").password("hunter2").driver(driver)
                .pool(p -> p.name("fake").maxPerKey(1).acquireTimeout(Duration.ofMillis(50))));
        try (Connection held = pool.getConnection()) {
            assertThatThrownBy(pool::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("pool \"fake\" timed out after")
                    .hasMessageContaining("jdbc:fake:orders?password=*** as app")
                    .hasMessageContaining("max 1, leased 1")
                    .hasMessageNotContaining("s3cret")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void aLeaseHeldPastTheLeakThresholdIsReportedWithTheStackThatAcquiredIt() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            pool(JdbcPoolConfig.builder().url("jdbc:fake:orders").driver(driver)
                    .pool(p -> p.name("leaky").leakDetectionThreshold(Duration.ofMillis(100))));
            try (Connection held = pool.getConnection()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> captured.toString(StandardCharsets.UTF_8).contains("event=lease.leaked"));
            }
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("pool=leaky").contains("probably never closed")
                .contains("aLeaseHeldPastTheLeakThresholdIsReportedWithTheStackThatAcquiredIt");
    }

    @Test
    void getConnectionWithOtherCredentialsIsRefusedWithTheReason() {
        assertThatThrownBy(() -> pool(config()).getConnection("other", "pw"))
                .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
                .hasMessageContaining("one user");
    }
}
