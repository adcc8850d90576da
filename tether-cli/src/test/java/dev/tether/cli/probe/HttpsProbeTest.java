package dev.tether.cli.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.Main;
import dev.tether.cli.lab.support.LabServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code tether probe https://...} against an HTTPS server in this JVM with a self-signed
 * certificate made here, which closes connections idle for 2 s: the probe trusts it through
 * --cacert (or skips the check with --insecure), finds that connections persist and measures the
 * idle timeout over TLS.
 */
class HttpsProbeTest {
    @TempDir
    static Path dir;
    private static TestCerts certs;
    private static LabServer server;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.create(dir);
        server = LabServer.builder().tls(certs.server).idleTimeout(Duration.ofSeconds(2)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String url() {
        return "https://127.0.0.1:" + server.port() + "/";
    }

    @Test
    void withTheCertificateAsCacertTheProbeFindsPersistenceAndTheIdleTimeoutOverTls() throws Exception {
        Run r = run("probe", url(), "--cacert", certs.pem.toString(), "--max-idle", "8s", "--max-requests", "10", "--json");
        assertThat(r.code).as("exit code; stderr: %s", r.err).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out);
        assertThat(json.get("tls").asText()).startsWith("TLSv1.").contains("certificate verified (--cacert server.pem)");
        assertThat(json.get("persistent").asBoolean()).isTrue();
        assertThat(json.get("maxRequests").asInt()).isEqualTo(10);
        // The server's idle timer is 2 s; over TLS the close arrives as close_notify and a FIN.
        assertThat(json.get("idleTimeoutMs").asLong()).isBetween(1500L, 2500L);
        assertThat(json.get("idleCloseSignal").asText()).contains("FIN");
        assertThat(json.get("suggestedIdleTimeoutMs").asLong()).isLessThan(json.get("idleTimeoutMs").asLong());
    }

    @Test
    void anUntrustedCertificateIsOneClearLineThatNamesTheWayOut() {
        Run r = run("probe", url(), "--max-idle", "2s");
        assertThat(r.code).isEqualTo(1);
        // stderr: the probe's progress lines, then the error as one line
        // tether-net's TLS_HANDSHAKE failure, and the command line's way out.
        assertThat(r.err).containsPattern("(?m)^tether probe: connection #\\d+ to 127\\.0\\.0\\.1:" + server.port()
                + " failed its TLS handshake .*--cacert FILE for a self-signed or private-CA certificate, or --insecure")
                .doesNotContain("\tat ");
    }

    @Test
    void insecureSkipsTheCheckAndSaysSo() throws Exception {
        HttpProbe.Result r = new HttpProbe().run(ProbeTarget.parse(url()),
                new Probe.Options(Duration.ofSeconds(8), 5, Duration.ofSeconds(5), 4, ProbeTls.insecure()), line -> { });
        assertThat(r.persistent()).isTrue();
        assertThat(r.idleTimeoutMs()).isBetween(1500L, 2500L);
        assertThat(r.tls()).contains("NOT verified (--insecure)");
        assertThat(r.text()).contains("TLS:").contains("NOT verified");
        assertThat(run("probe", url(), "-k", "--cacert", certs.pem.toString()).err).contains("exclude each other");
    }

    @Test
    void aCacertThatIsNotACertificateIsAWrongCommandLine() throws Exception {
        Path notACert = java.nio.file.Files.writeString(dir.resolve("not.pem"), "hello\n");
        Run r = run("probe", url(), "--cacert", notACert.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--cacert " + notACert);
        assertThatThrownBy(() -> ProbeTls.trusting(dir.resolve("missing.pem"))).hasMessageContaining("cannot read it");
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
