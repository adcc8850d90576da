package dev.tether.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.chaos.ChaosLab;
import dev.tether.cli.MainTest.Result;
import dev.tether.net.Resolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tether.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way the command line can be wrong is exit code 2 with a line that names the problem, and
 * every failure of a command that ran is 1 with a sentence; nothing is tried before the command
 * line is known to be right (no probe of port 80 for port 0, no directory created for a report).
 */
class ExitCodesTest {

    private static void assertWrong(Result r, String message) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("tether: " + message).doesNotContain("\tat ").doesNotContain("probe: persistence");
    }

    @Test
    void aUrlThatCannotBeProbedIsAWrongCommandLineThatSaysWhy() {
        assertWrong(run("probe", "http://127.0.0.1:99999/"), "port 99999 in http://127.0.0.1:99999/ is out of range (expected: 1 to 65535");
        assertWrong(run("probe", "http://127.0.0.1:0/"), "port 0 in http://127.0.0.1:0/ is out of range");
        assertWrong(run("probe", "http://127.0.0.1:-1/"), "bad host or port in http://127.0.0.1:-1/ (expected: HOST or HOST:PORT");
        assertWrong(run("probe", "http:///path"), "no host in http:///path (expected: a URL such as http://127.0.0.1:8080/health)");
        assertWrong(run("probe", "localhost:8080"), "not a URL with a host: localhost:***");
        assertWrong(run("probe", "http://a b/"), "not a URL: illegal character in authority at index 7 of http://a b/");
        assertWrong(run("probe", "ftp://127.0.0.1/"), "no probe for ftp:// (expected a URL with one of the schemes http, https");
    }

    @Test
    void durationsOutOfRangeOrOverflowingAreWrongCommandLines() {
        String url = "http://127.0.0.1:1/";
        assertWrong(run("probe", url, "--timeout", "-1s"), "--timeout: -1s (expected: from 1ms to 1h)");
        assertWrong(run("probe", url, "--timeout", "0"), "--timeout: 0 (expected: from 1ms to 1h)");
        assertWrong(run("probe", url, "--timeout", "3000000s"), "--timeout: 3000000s (expected: from 1ms to 1h)");
        assertWrong(run("probe", url, "--max-idle", "1e30s"),
                "Invalid value for option '--max-idle': '1e30s' is too long a duration (expected e.g. 90s, 2m, 1500ms)");
        assertWrong(run("probe", url, "--max-idle", "100ms"), "--max-idle: 100ms (expected: from 500ms to 24h)");
        assertWrong(run("probe", url, "--max-idle", "soon"), "Invalid value for option '--max-idle': 'soon' is not a duration");
        assertWrong(run("probe", url, "--parallel", "0"), "--parallel: 0 (expected: from 1 to 32)");
        assertWrong(run("probe", url, "--max-requests", "1"), "--max-requests: 1 (expected: from 2 to 10000)");
        ProbeCommand p = MainTest.parse(ProbeCommand.class, "probe", url, "--timeout", "1.5", "--max-idle", "PT2M");
        assertThat(p.timeout).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.maxIdle).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aOneSecondTimeoutIsSaidAsOneThousandMilliseconds() throws Exception {
        // Accepted by the kernel, never answered: the probe's read timeout ends the wait.
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Result r = run("probe", "http://127.0.0.1:" + mute.getLocalPort() + "/", "--timeout", "1s");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("within the read timeout of 1000 ms").doesNotContain("999 ms");
        }
    }

    @Test
    void anUnknownHostIsASentenceNotJustItsName() {
        CommandLine cl = Main.commandLine();
        ((ProbeCommand) cl.getSubcommands().get("probe").getCommand()).resolver = host -> {
            throw new UnknownHostException(host); // the JDK's message: the name alone
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(cl, new String[] {"probe", "http://no-such-host.test/"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        String line = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("tether probe: ")).findFirst().orElseThrow();
        assertThat(line).matches("tether probe: connection #\\d+ to no-such-host\\.test:80 could not be opened.*")
                .contains("no-such-host.test did not resolve").hasSizeGreaterThan(80);
    }

    @Test
    void withJsonAFailureIsAJsonObjectOnStdoutAndTheExitCodeStaysRight() throws Exception {
        int dead;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = ss.getLocalPort();
        }
        Result failed = run("probe", "http://127.0.0.1:" + dead + "/", "--json");
        assertThat(failed.code()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(failed.out());
        assertThat(json.get("command").asText()).isEqualTo("tether probe");
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("error").asText()).contains("was refused");

        Result wrong = run("probe", "http://127.0.0.1:0/", "--json");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(wrong.out()).get("exitCode").asInt()).isEqualTo(2);
        Result lab = run("lab", "--only", "nope", "--json");
        assertThat(lab.code()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(lab.out()).get("error").asText()).startsWith("--only: no scenario nope");
    }

    @Test
    void anEmptyOnlyIsAnError() {
        assertWrong(run("lab", "--only", ","), "--only: ");
        assertThat(run("lab", "--only", ",").err()).contains("(expected: numbers or ids separated by commas, such as 2,post-twice)");
        assertWrong(run("lab", "--only", "2,,3"), "--only: an empty scenario name in 2,,3");
        assertWrong(run("lab", "--only", ""), "--only: ");
    }

    @Test
    void aReportThatCannotBeWrittenFailsBeforeTheRunAndCreatesNothing(@TempDir Path dir) throws Exception {
        assertWrong(run("lab", "--only", "post-twice", "--report", dir.toString()), "--report: " + dir + " is a directory");
        Path missing = dir.resolve("missing/dir/x.html");
        Result r = run("lab", "--only", "post-twice", "--report", missing.toString());
        assertWrong(r, "--report: the directory " + missing.getParent() + " does not exist");
        assertThat(r.err()).doesNotContain("[1/1]"); // nothing ran
        assertThat(dir.resolve("missing")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void noCommandPrintsTheUsageAndIsAWrongCommandLine() {
        Result r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("tether: a command is required (lab, probe, proxy or top)").contains("Usage: tether");
        assertThat(run("help").code()).isZero();
    }

    @Test
    void theTopLevelHelpListsEachCommandInAWholeSentence() {
        String help = run("--help").out();
        List<String> commands = help.lines().dropWhile(l -> !l.equals("Commands:")).skip(1).takeWhile(l -> !l.isBlank()).toList();
        assertThat(commands).hasSize(5).allSatisfy(l -> assertThat(l).matches("  \\w+ +[A-Z].*\\.")
                .as("one line each, ending a sentence").hasSizeLessThanOrEqualTo(100));
    }

    @Test
    void aProxyControlApiOffLoopbackNeedsAllowRemoteAndThenWarns() {
        assertWrong(run("proxy", "--host", "0.0.0.0", "--port", "0"), "--host: 0.0.0.0 is not a loopback address");
        assertThat(run("proxy", "--host", "0.0.0.0", "--port", "0").err()).contains("tether proxy --allow-remote")
                .contains("re-point a proxy's upstream and read the traffic");
        assertWrong(run("proxy", "--port", "70000"), "--port: 70000 (expected: 0 to 65535)");
        ProxyCommand proxy = MainTest.parse(ProxyCommand.class, "proxy", "--host", "0.0.0.0", "--allow-remote");
        assertThat(proxy.allowRemote).isTrue();
        // What it prints when it runs so (checked without listening beyond loopback).
        assertThat(ChaosLab.apiAddressFor("0.0.0.0", 8474, ChaosLab.ApiAccess.REMOTE)).isNotNull();
        assertThat(ProxyCommand.warning(new InetSocketAddress("0.0.0.0", 8474))).hasValue("tether proxy: WARNING: the control API on"
                + " 0.0.0.0:8474 is reachable beyond this machine (--allow-remote): whoever reaches it can re-point a proxy's"
                + " upstream and read the traffic through it, or cut every connection; keep it on a network you trust.");
        assertThat(ProxyCommand.warning(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8474))).isEmpty();
    }

    /** The resolver field is what a test replaces; the command line never sets it. */
    @Test
    void theProbeUsesTheSystemResolverByDefault() {
        assertThat(MainTest.parse(ProbeCommand.class, "probe", "http://x/").resolver).isSameAs(Resolver.SYSTEM);
    }
}
