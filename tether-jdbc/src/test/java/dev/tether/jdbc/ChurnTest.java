package dev.tether.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import dev.tether.jdbc.KillScenarios.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The churn scenario: a {@code select 1} loop while every session of the pool is killed every
 * 100 ms. A statement that was under way when a kill came may fail (the server ended it); one
 * that began after the kill must not: its session was already dead when the lease began. HikariCP
 * (defaults) runs the same loop in the same test for comparison; its rate is printed, not asserted.
 */
class ChurnTest {
    private static final int KILLS = 25;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void onlyStatementsInFlightAtAKillFail(Kind kind) throws Exception {
        Outcome tether;
        Outcome hikari;
        try (Db db = Databases.of(kind); JdbcPool pool = JdbcPool.create(db.config().pool(p -> p.name("churn")).build())) {
            tether = KillScenarios.churn(pool, db, KILLS, Duration.ofMillis(100), KillScenarios.SELECT_1);
        }
        try (Db db = Databases.of(kind); HikariDataSource ds = KillScenarios.hikari(db)) {
            hikari = KillScenarios.churn(ds, db, KILLS, Duration.ofMillis(100), KillScenarios.SELECT_1);
        }
        System.out.printf("churn on %s, %d kills 100 ms apart: tether %d of %d queries failed (%.2f %%), HikariCP %d of %d (%.2f %%)%n",
                kind, KILLS, tether.failures().size(), tether.queries(), 100 * tether.failureRate(),
                hikari.failures().size(), hikari.queries(), 100 * hikari.failureRate());
        assertThat(tether.kills()).hasSize(KILLS);
        assertThat(tether.notInFlight()).as("tether: queries whose session was killed before their lease began").isEmpty();
        assertThat(tether.failures().size()).as("tether: at most one statement is in flight per kill").isLessThanOrEqualTo(KILLS);
    }
}
