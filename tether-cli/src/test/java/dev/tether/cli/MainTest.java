package dev.tether.cli;

import dev.tether.chaos.ChaosLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line parsed into the command objects (okcurl's MainTest style), help and errors. */
public class MainTest {

    static <T> T parse(Class<T> type, String... args) {
        CommandLine.ParseResult pr = Main.commandLine().parseArgs(args);
        return type.cast(pr.subcommand().commandSpec().userObject());
    }

    @Test
    void labDefaults() {
        LabCommand lab = parse(LabCommand.class, "lab");
        assertThat(lab.quick).isFalse();
        assertThat(lab.json).isFalse();
        assertThat(lab.report).isNull();
        assertThat(lab.only).isEmpty();
    }

    @Test
    void labOptions() {
        LabCommand lab = parse(LabCommand.class, "lab", "--quick", "--json", "--report", "out/lab.html", "--only", "2,post-twice", "-v",
                "--redis", "redis://127.0.0.1:6379/1");
        assertThat(lab.quick).isTrue();
        assertThat(lab.json).isTrue();
        assertThat(lab.report).isEqualTo(Path.of("out/lab.html"));
        assertThat(lab.only).containsExactly("2", "post-twice");
        assertThat(lab.verbose).isTrue();
        assertThat(lab.redis).isEqualTo("redis://127.0.0.1:6379/1");
        assertThat(parse(LabCommand.class, "lab").redis).as("the lab's own redis-server").isNull();
    }

    @Test
    void probeOptions() {
        ProbeCommand probe = parse(ProbeCommand.class, "probe", "http://127.0.0.1:8080/health", "--max-idle", "30s",
                "--max-requests", "50", "--json");
        assertThat(probe.target).isEqualTo("http://127.0.0.1:8080/health");
        assertThat(probe.maxIdle).isEqualTo(Duration.ofSeconds(30));
        assertThat(probe.maxRequests).isEqualTo(50);
        assertThat(probe.json).isTrue();
        assertThat(parse(ProbeCommand.class, "probe", "http://x/").maxIdle).isEqualTo(Duration.ofSeconds(120));
        assertThat(parse(ProbeCommand.class, "probe", "http://x/", "--max-idle", "1500ms").maxIdle).isEqualTo(Duration.ofMillis(1500));
        assertThat(parse(ProbeCommand.class, "probe", "http://x/", "--max-idle", "2m").maxIdle).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse(ProbeCommand.class, "probe", "http://x/", "--max-idle", "45").maxIdle).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void proxyOptions() {
        ProxyCommand proxy = parse(ProxyCommand.class, "proxy");
        assertThat(proxy.host).isEqualTo("127.0.0.1");
        assertThat(proxy.port).isEqualTo(8474);
        assertThat(proxy.config).isNull();
        proxy = parse(ProxyCommand.class, "proxy", "--host", "127.0.0.2", "--port", "0", "--config", "p.json");
        assertThat(proxy.host).isEqualTo("127.0.0.2");
        assertThat(proxy.port).isZero();
        assertThat(proxy.config).isEqualTo(Path.of("p.json"));
    }

    @Test
    void proxyStartsWithItsPopulateFileAndSaysWhatRuns(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("proxies.json"),
                "[{\"name\": \"redis\", \"upstream\": \"127.0.0.1:6379\", \"enabled\": false}]");
        ProxyCommand proxy = parse(ProxyCommand.class, "proxy", "--port", "0", "--config", config.toString());
        try (ChaosLab lab = proxy.start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            ProxyCommand.printStarted(lab, new PrintWriter(out), new PrintWriter(err));
            assertThat(err.toString()).as("no warning on loopback").isEmpty();
            assertThat(out.toString().lines()).containsExactly(
                    "tether proxy (" + ChaosLab.VERSION + "): control API on 127.0.0.1:" + lab.apiAddress().orElseThrow().getPort()
                            + ", 1 proxy; Ctrl-C stops it",
                    "  redis: 127.0.0.1:0 -> 127.0.0.1:6379 (disabled)");
        }
    }

    @Test
    void aWrongProxyCommandLineNamesTheProblemWithExitCode2(@TempDir Path dir) throws Exception {
        Result r = run("proxy", "--port", "99999");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("tether: --port: 99999 (expected: 0 to 65535)");
        assertThat(run("proxy", "--port").err).contains("Missing required parameter for option '--port'");
        assertThat(run("proxy", "--verbose-please").err).startsWith("tether: Unknown option: '--verbose-please'");
        // A broken populate file is the command failing (exit code 1), named with the file and the proxy.
        Path config = Files.writeString(dir.resolve("bad.json"), "[{\"upstream\": \"127.0.0.1:6379\"}]");
        r = run("proxy", "--port", "0", "--config", config.toString());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).startsWith("tether proxy: config " + config + ", proxy 1: missing required field: name");
    }

    @Test
    void everyCommandHasHelpWithExamplesAndExitCodes() {
        for (List<String> cmd : List.of(List.of("--help"), List.of("lab", "--help"), List.of("probe", "--help"), List.of("proxy", "--help"))) {
            Result r = run(cmd.toArray(String[]::new));
            assertThat(r.code).as("exit code of %s", cmd).isZero();
            assertThat(r.out).as("help of %s", cmd).contains("Examples:").contains("Exit codes: 0");
        }
    }

    @Test
    void aWrongCommandLineIsOneLineAndExitCode2() {
        Result r = run("lab", "--no-such-option");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("tether: Unknown option: '--no-such-option'");
        assertThat(r.err.lines().count()).isEqualTo(2); // the error and where to look
        assertThat(r.err).doesNotContain("at dev.tether");

        r = run("lab", "--only", "42");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--only: no scenario 42 (expected one of 1=stale-fin");

        r = run("probe", "ftp://127.0.0.1/");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("no probe for ftp://");
    }

    @Test
    void aFailureIsOneLineAndExitCode1WithoutStackTraceUnlessVerbose() throws Exception {
        int port;
        try (var ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort(); // closed again: nothing listens there now
        }
        Result r = run("probe", "http://127.0.0.1:" + port + "/");
        assertThat(r.code).isEqualTo(1);
        // stderr: the probe's progress lines, then the error as one line
        assertThat(r.err).containsPattern("(?m)^tether probe: .*refused").doesNotContain("\tat ");
        Result v = run("probe", "http://127.0.0.1:" + port + "/", "--verbose");
        assertThat(v.code).isEqualTo(1);
        assertThat(v.err).contains("\tat ");
    }

    /** What a run of the command gave: its exit code, stdout and stderr. */
    public record Result(int code, String out, String err) {
    }

    /** Runs the command line as {@code tether} runs it, not on a terminal; for every test that reads what the user would. */
    public static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
