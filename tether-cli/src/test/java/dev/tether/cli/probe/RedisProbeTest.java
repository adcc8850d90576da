package dev.tether.cli.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.MainTest;
import dev.tether.cli.MainTest.Result;
import dev.tether.cli.lab.support.LabServer;
import dev.tether.redis.Command;
import dev.tether.redis.RedisAdmin;
import dev.tether.redis.RedisClient;
import dev.tether.redis.RedisClientConfig;
import dev.tether.redis.TestRedis;
import dev.tether.redis.TlsRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import redis.embedded.RedisServer;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tether probe redis://} as the command runs it: against redis-servers of the test's own
 * (embedded-redis, free loopback ports: one with {@code timeout 3}; one whose CONFIG is renamed
 * away and one whose ACL user may not run it, both with {@code timeout 1}, where the probe measures
 * the idle cut), against the machine's Redis (whose settings it only reads), against a Redis
 * speaking TLS only ({@link TlsRedis}: the machine's redis-server with a certificate made here,
 * started by the first test that needs it; its tests skip, each saying what to install, where the
 * binary has no TLS, and fail in CI), and against what is not a Redis server. Passwords and user
 * names never appear; exit codes as for every probe.
 */
class RedisProbeTest {
    private static final String USER = "probe-user";
    private static final String PASSWORD = "s3cret-pw";
    private static final String DEFAULT_PASSWORD = "d3fault-pw";
    private static RedisServer withTimeout;
    private static RedisServer configRenamed;
    private static RedisServer withAcl;
    private static TlsRedis tls;
    /** Why {@link #tls} could not start (outside CI, no redis-server with TLS), or null. */
    private static String tlsSkipped;

    @BeforeAll
    static void servers() throws Exception {
        withTimeout = start("timeout 3");
        configRenamed = start("timeout 1", "rename-command CONFIG \"\"");
        withAcl = start("timeout 1", "requirepass " + DEFAULT_PASSWORD,
                "user " + USER + " on >" + PASSWORD + " ~* &* +@all -config");
    }

    @AfterAll
    static void stop() throws Exception {
        for (RedisServer s : new RedisServer[] {withTimeout, configRenamed, withAcl}) {
            if (s != null) {
                s.stop();
            }
        }
        if (tls != null) {
            tls.close();
        }
    }

    /**
     * The TLS server, started by the first test that asks: TLS only, {@code timeout 7},
     * {@code tcp-keepalive 11}, {@code maxclients 123} (values no default has) and a password.
     */
    private static TlsRedis tls() throws Exception {
        Assumptions.assumeTrue(tlsSkipped == null, tlsSkipped);
        if (tls == null) {
            try {
                tls = TlsRedis.start("timeout 7", "tcp-keepalive 11", "maxclients 123", "requirepass " + PASSWORD);
            } catch (TestAbortedException e) {
                tlsSkipped = e.getMessage();
                throw e;
            }
        }
        return tls;
    }

    private static RedisServer start(String... settings) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var b = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no");
        for (String setting : settings) {
            b.setting(setting);
        }
        RedisServer server = b.build();
        server.start();
        return server;
    }

    private static String url(RedisServer s) {
        return "redis://127.0.0.1:" + s.ports().get(0);
    }

    /** The probe as the command runs it, with a 5 s timeout unless {@code more} gives one. */
    private static Result probe(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("probe", url));
        args.addAll(List.of(more));
        if (!args.contains("--timeout")) {
            args.addAll(List.of("--timeout", "5s"));
        }
        return MainTest.run(args.toArray(String[]::new));
    }

    private static JsonNode json(Result r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    /** The error line of a run that failed (after the progress lines). */
    private static String error(Result r) {
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("probe: ") && !l.startsWith("(run with")).toList();
        assertThat(lines).as("stderr: %s", r.err()).hasSize(1);
        return lines.get(0);
    }

    @Test
    void readsTheServersTimeoutAndSuggestsAnIdleTimeoutBelowIt() throws Exception {
        Result text = probe(url(withTimeout));
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("tether probe " + url(withTimeout) + " (")
                .contains("  server:                    Redis 6.2.")
                .contains("  RESP3 (HELLO 3):           yes")
                .contains("  idle timeout (timeout):    3 s (the server closes connections idle longer)")
                .contains("  RedisClientConfig.builder(\"" + url(withTimeout) + "\")")
                .contains(".pool(p -> p.idleTimeout(Duration.ofMillis(2700)))   // a margin below the server's timeout of 3 s")
                .contains("it counts whole seconds, so after 3 to 4 s");
        JsonNode json = json(probe(url(withTimeout), "--json"));
        assertThat(json.get("timeoutS").asLong()).isEqualTo(3);
        assertThat(json.get("configRefused").isNull()).isTrue();
        assertThat(json.get("suggestedIdleTimeoutMs").asLong()).isEqualTo(2700);
        assertThat(json.get("resp3").asBoolean()).isTrue();
        assertThat(json.get("connections").asInt()).as("no idle measurement: CONFIG answered").isEqualTo(1);
    }

    @Test
    void readsTheMachinesRedisSettingsWithoutChangingThem() throws Exception {
        TestRedis.require();
        try (RedisAdmin admin = RedisAdmin.machine()) {
            RedisClient c = admin.client();
            JsonNode json = json(probe(RedisAdmin.URL, "--json"));
            assertThat(json.get("timeoutS").asText()).isEqualTo(setting(c, "timeout"));
            assertThat(json.get("tcpKeepaliveS").asText()).isEqualTo(setting(c, "tcp-keepalive"));
            assertThat(json.get("maxClients").asText()).isEqualTo(setting(c, "maxclients"));
            String info = c.send(Command.text("INFO", "server")).toString();
            assertThat(info).contains("redis_version:" + json.get("version").asText());
            assertThat(json.get("connectedClients").asLong()).isPositive();
            assertThat(json.get("suggestions").get(0).asText()).isNotBlank();
        }
    }

    private static String setting(RedisClient c, String name) {
        return ((List<?>) c.send(Command.text("CONFIG", "GET", name))).get(1).toString();
    }

    @Test
    void whereConfigIsRenamedAwayItMeasuresTheIdleCut() throws Exception {
        Result r = probe(url(configRenamed), "--max-idle", "4s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("CONFIG GET:                refused (ERR unknown command")
                .contains("the server closed (FIN) connections idle that long")
                .contains("CONFIG is refused here (as on managed services");
        assertThat(r.err()).contains("probe: idle timeout, round 1");
        JsonNode json = json(probe(url(configRenamed), "--max-idle", "4s", "--json"));
        // timeout 1: Redis closes a connection idle more than 1 s, counted in whole seconds (so by 2 s), on its 100 ms cron.
        assertThat(json.get("idleTimeoutMs").asLong()).isBetween(1000L, 2400L);
        assertThat(json.get("timeoutS").isNull()).isTrue();
        assertThat(json.get("suggestedIdleTimeoutMs").asLong()).as("a second below: Redis counts whole seconds")
                .isLessThanOrEqualTo(json.get("idleTimeoutMs").asLong() - 1000);
    }

    @Test
    void anAclUserWithoutConfigIsMeasuredAndItsNameAndPasswordNeverAppear() throws Exception {
        String url = "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + withAcl.ports().get(0);
        String shown = "redis://***@127.0.0.1:" + withAcl.ports().get(0);
        Result text = probe(url, "--max-idle", "4s");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("tether probe " + shown + " (").contains("refused (NOPERM")
                .contains("RedisClientConfig.builder(\"" + shown + "\")");
        Result asJson = probe(url, "--max-idle", "4s", "--json");
        assertThat(json(asJson).get("target").asText()).isEqualTo(shown);
        assertThat(json(asJson).get("idleTimeoutMs").asLong()).isBetween(1000L, 2400L);
        for (Result r : List.of(text, asJson)) {
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD).doesNotContain(USER);
        }
    }

    @Test
    void aMissingOrWrongPasswordIsASentenceThatNeverShowsIt() {
        int port = withAcl.ports().get(0);
        Result none = probe("redis://127.0.0.1:" + port);
        assertThat(none.code()).isEqualTo(1);
        assertThat(error(none)).startsWith("tether probe: redis://127.0.0.1:" + port + ": the server requires a password: give it"
                + " in the URL, redis://:PASSWORD@127.0.0.1:" + port);
        Result wrong = probe("redis://" + USER + ":not-" + PASSWORD + "@127.0.0.1:" + port, "--json");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(error(wrong)).startsWith("tether probe: redis://***@127.0.0.1:" + port + ": the server refused the user or"
                + " password of the URL (the server said: WRONGPASS");
        assertThat(wrong.out()).contains("\"exitCode\" : 1");
        for (Result r : List.of(none, wrong)) {
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD).doesNotContain(USER);
        }
        // The default user's password alone, as redis-cli reads a single userinfo part.
        Result single = probe("redis://" + DEFAULT_PASSWORD + "@127.0.0.1:" + port, "--max-idle", "1s");
        assertThat(single.code()).as(single.err()).isZero();
        assertThat(single.out() + single.err()).doesNotContain(DEFAULT_PASSWORD);
    }

    @Test
    void aDatabaseTheServerDoesNotHaveIsAFailureAndABadOneAWrongCommandLine() {
        Result missing = probe(url(withTimeout) + "/99");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(error(missing)).isEqualTo("tether probe: " + url(withTimeout) + "/99: the server has no database 99 (the server"
                + " said: ERR DB index is out of range)");
        for (String bad : List.of(url(withTimeout) + "/one", url(withTimeout) + "/-1", url(withTimeout) + "/1/2")) {
            Result r = probe(bad);
            assertThat(r.code()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).startsWith("tether: bad database number").contains("(expected: a number from 0");
        }
        Result query = probe(url(withTimeout) + "?db=2&password=x");
        assertThat(query.code()).isEqualTo(2);
        assertThat(query.err()).startsWith("tether: a query in " + url(withTimeout) + "?db=***&password=***, which tether does not read");
        assertThat(probe("redis://127.0.0.1:70000").code()).isEqualTo(2);
        assertThat(probe("redis:///0").err()).startsWith("tether: no host in redis:///0 (expected: a URL such as redis://127.0.0.1:6379)");
    }

    @Test
    void overTlsWithTheCertificateAsCacertItReadsTheServersSettings() throws Exception {
        TlsRedis server = tls();
        String url = "rediss://:" + PASSWORD + "@127.0.0.1:" + server.port();
        String shown = "rediss://***@127.0.0.1:" + server.port();
        String cacert = server.certificate().toString();
        Result text = probe(url, "--cacert", cacert);
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("tether probe " + shown + " (")
                .containsPattern("  TLS: +TLSv1\\.[23], certificate verified \\(--cacert server\\.pem\\)")
                .contains("  idle timeout (timeout):    7 s (the server closes connections idle longer)")
                .contains("  tcp-keepalive:             11 s")
                .contains(", maxclients 123")
                .contains(".pool(p -> p.idleTimeout(Duration.ofMillis(6300)))   // a margin below the server's timeout of 7 s");
        Result asJson = probe(url, "--cacert", cacert, "--json");
        assertThat(asJson.code()).as(asJson.err()).isZero();
        JsonNode json = json(asJson);
        assertThat(json.get("target").asText()).isEqualTo(shown);
        assertThat(json.get("tls").asText()).startsWith("TLSv1.").endsWith("certificate verified (--cacert server.pem)");
        assertThat(json.get("timeoutS").asLong()).isEqualTo(7);
        assertThat(json.get("tcpKeepaliveS").asLong()).isEqualTo(11);
        assertThat(json.get("maxClients").asLong()).isEqualTo(123);
        assertThat(json.get("configRefused").isNull()).isTrue();
        assertThat(json.get("resp3").asBoolean()).isTrue();
        assertThat(json.get("connections").asInt()).as("no idle measurement: CONFIG answered").isEqualTo(1);
        // The version the probe read over TLS is the server's, as tether-redis reads it over TLS too.
        try (RedisClient c = RedisClient.create(RedisClientConfig.builder(url).tls(server.tls()).build())) {
            assertThat(c.send(Command.text("INFO", "server")).toString()).contains("redis_version:" + json.get("version").asText());
        }
        for (Result r : List.of(text, asJson)) {
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void overTlsAnUntrustedCertificateNamesCacertAndInsecureSaysItDidNotCheck() throws Exception {
        TlsRedis server = tls();
        String url = "rediss://:" + PASSWORD + "@127.0.0.1:" + server.port();
        // The JDK's trust store does not know the test's self-signed certificate.
        Result untrusted = probe(url);
        assertThat(untrusted.code()).isEqualTo(1);
        assertThat(error(untrusted)).matches("tether probe: connection #\\d+ to 127\\.0\\.0\\.1:" + server.port()
                        + " failed its TLS handshake .*")
                .contains("unable to find valid certification path")
                .endsWith("; with tether probe: --cacert FILE for a self-signed or private-CA certificate, or --insecure to skip the check");
        assertThat(untrusted.out() + untrusted.err()).doesNotContain(PASSWORD);
        JsonNode insecure = json(probe(url, "--insecure", "--json"));
        assertThat(insecure.get("tls").asText()).startsWith("TLSv1.").endsWith("certificate NOT verified (--insecure)");
        assertThat(insecure.get("timeoutS").asLong()).isEqualTo(7);
    }

    @Test
    void aPlainProbeOfATlsPortSuggestsRediss() throws Exception {
        TlsRedis server = tls();
        for (String url : List.of("redis://127.0.0.1:" + server.port(), "redis://:" + PASSWORD + "@127.0.0.1:" + server.port())) {
            Result r = probe(url, "--timeout", "2s");
            assertThat(r.code()).as(url).isEqualTo(1);
            assertThat(error(r)).as(url).contains(": the server at 127.0.0.1:" + server.port() + " hung up on the first command"
                    + " without a RESP reply: if this port speaks TLS, probe rediss://127.0.0.1:" + server.port() + " instead");
            assertThat(error(r).contains("the URL's password went out unencrypted")).as(url).isEqualTo(url.contains(PASSWORD));
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void overTlsWhereConfigIsRenamedAwayItMeasuresTheIdleCutThroughTheTlsLayer() throws Exception {
        // A server of its own (timeout 1, as for the plain one); it skips, with the reason, as tls() does.
        try (TlsRedis renamed = TlsRedis.start("timeout 1", "rename-command CONFIG \"\"")) {
            JsonNode json = json(probe("rediss://127.0.0.1:" + renamed.port(), "--cacert", renamed.certificate().toString(),
                    "--max-idle", "4s", "--json"));
            assertThat(json.get("tls").asText()).startsWith("TLSv1.");
            assertThat(json.get("configRefused").asText()).startsWith("ERR unknown command");
            // Closed after 1 to 2 s idle (Redis counts whole seconds), seen through the TLS layer.
            assertThat(json.get("idleTimeoutMs").asLong()).isBetween(1000L, 2400L);
            assertThat(json.get("idleCloseSignal").asText()).contains("FIN");
        }
    }

    @Test
    void whatIsNotARedisServerIsAClearFailure() throws Exception {
        try (LabServer http = LabServer.builder().start()) {
            // It waits for the end of an HTTP request that never comes.
            Result r = probe("redis://127.0.0.1:" + http.port(), "--timeout", "1s");
            assertThat(r.code()).isEqualTo(1);
            assertThat(error(r)).isEqualTo("tether probe: redis://127.0.0.1:" + http.port() + ": the server at 127.0.0.1:"
                    + http.port() + " accepted the connection but did not answer PING within 1000 ms: is it a Redis server?");
        }
        try (ScriptedServer http = ScriptedServer.onFirstBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")) {
            Result r = probe("redis://127.0.0.1:" + http.port());
            assertThat(r.code()).isEqualTo(1);
            assertThat(error(r)).matches("tether probe: connection #\\d+ to 127\\.0\\.0\\.1:" + http.port() + " broke the protocol .*")
                    .contains("not a RESP reply: it starts with \"HTTP/1.1 400 Bad Request\"");
        }
        Result tls = probe("rediss://127.0.0.1:" + withTimeout.ports().get(0), "--insecure", "--timeout", "1s");
        assertThat(tls.code()).isEqualTo(1);
        assertThat(error(tls)).isEqualTo("tether probe: rediss://127.0.0.1:" + withTimeout.ports().get(0) + ": the server at"
                + " 127.0.0.1:" + withTimeout.ports().get(0) + " accepted the connection but did not answer the TLS handshake within"
                + " 1000 ms; if it speaks plain Redis on this port, probe redis://127.0.0.1:" + withTimeout.ports().get(0) + " instead");
    }
}
