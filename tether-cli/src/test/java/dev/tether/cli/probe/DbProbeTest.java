package dev.tether.cli.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.MainTest.Result;
import dev.tether.jdbc.Databases;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import static dev.tether.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tether probe postgresql:// | mysql:// | mariadb://} as the command runs it, against the
 * machine's databases. To prove the values are read (not assumed), the settings are the test's
 * own and never server-wide: on PostgreSQL a role made for the test with {@code ALTER ROLE ... SET}
 * (dropped after), on MariaDB a session variable passed in the URL, through a user made for the
 * test with a password (dropped after). Passwords never appear; exit codes as for every probe.
 */
class DbProbeTest {
    private static final String PASSWORD = "s3cret-pw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void postgresSettingsOfTheRoleAreReadAndTheAdviceFitsThem() throws Exception {
        Databases.Db pg = Databases.postgres();
        String role = "tether_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection a = pg.admin(); Statement s = a.createStatement()) {
            s.execute("create role " + role + " login");
            s.execute("alter role " + role + " set idle_session_timeout = '7s'");
            s.execute("alter role " + role + " set idle_in_transaction_session_timeout = '11s'");
        }
        try {
            // The machine's PostgreSQL trusts loopback: the password is sent and ignored, and must appear nowhere.
            String url = "postgresql://" + role + ":" + PASSWORD + "@127.0.0.1:5432/postgres";
            Result r = run("probe", url);
            assertThat(r.code()).as("stderr: %s", r.err()).isZero();
            assertThat(r.out()).startsWith("tether probe postgresql://***@127.0.0.1:5432/postgres (")
                    .contains("server:                    PostgreSQL ")
                    .contains("idle_session_timeout:      7 s (the server ends sessions idle longer)")
                    .contains("idle_in_transaction_...:   11 s")
                    .contains(".pool(p -> p.idleTimeout(Duration.ofSeconds(6))")
                    .contains(".maxLifetime(Duration.ofSeconds(6)).lifetimeJitter(Duration.ofMillis(600)))")
                    .contains("JdbcPoolConfig.builder().url(\"jdbc:postgresql://127.0.0.1:5432/postgres\")")
                    .containsPattern("connections: +\\d+ in use of max_connections \\d+");
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD).doesNotContain(role);

            JsonNode j = JSON.readTree(run("probe", url, "--json").out());
            assertThat(j.get("idleSessionTimeoutMs").asLong()).isEqualTo(7000);
            assertThat(j.get("idleInTransactionTimeoutMs").asLong()).isEqualTo(11000);
            assertThat(j.get("suggestedIdleTimeoutMs").asLong()).isEqualTo(6000);
            assertThat(j.get("maxConnections").asLong()).isPositive();
            assertThat(j.get("connectionsInUse").asLong()).isPositive();
            assertThat(j.toString()).doesNotContain(PASSWORD);
        } finally {
            try (Connection a = pg.admin(); Statement s = a.createStatement()) {
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + role + "'");
                s.execute("drop role if exists " + role);
            }
        }
    }

    @Test
    void mariadbsWaitTimeoutOfTheSessionIsReadThroughAUserWithAPassword() throws Exception {
        Databases.mariadb().close(); // CI requires the machine's MariaDB; elsewhere the test skips, saying how to start it
        String user = "tp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String[] hosts = {"localhost", "127.0.0.1", "%"};
        try (Connection a = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", null); Statement s = a.createStatement()) {
            for (String h : hosts) {
                s.execute("create user '" + user + "'@'" + h + "' identified by '" + PASSWORD + "'");
            }
        }
        try {
            String url = "mysql://" + user + ":" + PASSWORD + "@127.0.0.1:3306?sessionVariables=wait_timeout=7";
            Result r = run("probe", url);
            assertThat(r.code()).as("stderr: %s", r.err()).isZero();
            assertThat(r.out()).startsWith("tether probe mysql://***@127.0.0.1:3306?sessionVariables=*** (")
                    .contains("server:                    MariaDB ")
                    .contains("wait_timeout:              7 s (the server ends sessions idle longer)")
                    .contains("interactive_timeout:")
                    .contains(".pool(p -> p.idleTimeout(Duration.ofSeconds(6))");
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD).doesNotContain(user);

            Result wrong = run("probe", "mariadb://" + user + ":not-" + PASSWORD + "@127.0.0.1:3306");
            assertThat(wrong.code()).isEqualTo(1);
            assertThat(wrong.err()).contains("tether probe: mariadb://***@127.0.0.1:3306: SQLState 28000")
                    .doesNotContain(PASSWORD);
        } finally {
            try (Connection a = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", null);
                 Statement s = a.createStatement()) {
                for (String h : hosts) {
                    s.execute("drop user if exists '" + user + "'@'" + h + "'");
                }
            }
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedIsExitCode1AndABadUrlExitCode2() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        Result r = run("probe", "postgresql://app:" + PASSWORD + "@127.0.0.1:" + dead + "/orders", "--timeout", "2s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("tether probe: postgresql://***@127.0.0.1:" + dead + "/orders: SQLState 08001")
                .doesNotContain(PASSWORD);

        Result json = run("probe", "mysql://root:" + PASSWORD + "@127.0.0.1:" + dead, "--json", "--timeout", "2s");
        assertThat(json.code()).isEqualTo(1);
        assertThat(JSON.readTree(json.out()).get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.out() + json.err()).doesNotContain(PASSWORD);

        Result bad = run("probe", "postgresql://app:" + PASSWORD + "@127.0.0.1:99999/orders");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("tether: port 99999 in postgresql://***@127.0.0.1:99999/orders is out of range")
                .doesNotContain(PASSWORD);
    }

    @Test
    void theAdviceFitsThePoolUnderMaxConnectionsAndLeavesTetherDefaultsWhereTheyFit() {
        DbProbe.Advice small = DbProbe.advise("jdbc:postgresql://db:5432/app", true, 0L, 0L, 7200_000L, 20L, 3L, 5L);
        assertThat(small.idleTimeoutMs()).isNull();
        assertThat(small.poolSize()).as("(20 - 3 - 5) / 4").isEqualTo(3);
        assertThat(small.code()).contains("maxPerKey(3)").doesNotContain("idleTimeout");
        assertThat(String.join(" ", small.sentences())).contains("never ends idle sessions").contains("below the 12 left");

        DbProbe.Advice roomy = DbProbe.advise("jdbc:mariadb://db:3306/", false, 28_800_000L, null, null, 151L, null, 1L);
        assertThat(roomy.code()).as("an 8 h wait_timeout is far above tether's 10 min idle timeout").isNull();
        assertThat(roomy.poolSize()).isNull();

        DbProbe.Advice cut = DbProbe.advise("jdbc:mariadb://db:3306/", false, 60_000L, null, null, 151L, null, 1L);
        assertThat(cut.idleTimeoutMs()).isEqualTo(54_000);
        assertThat(cut.code()).contains("idleTimeout(Duration.ofSeconds(54))").contains("maxLifetime(Duration.ofSeconds(54))");
    }
}
