package dev.tether.cli.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.cli.Main;
import dev.tether.cli.lab.support.LabServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tether probe} against servers that answer wrong, run as the command runs: what the user
 * reads (stdout, stderr), the exit code, and that no secret of the URL is ever printed.
 */
class HostileServerProbeTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    record Run(int code, String out, String err) {
    }

    /** The probe, quick: idle times up to 1 s, 3 requests per connection, a 5 s timeout unless {@code more} says another. */
    private static Run probe(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("probe", url, "--max-idle", "1s", "--max-requests", "3"));
        args.addAll(List.of(more));
        if (!args.contains("--timeout")) {
            args.addAll(List.of("--timeout", "5s"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String url(ScriptedServer s) {
        return "http://127.0.0.1:" + s.port() + "/";
    }

    /** The last line of stderr: the error, after the progress lines. */
    private static String error(Run r) {
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("probe: ") && !l.startsWith("(run with")).toList();
        assertThat(lines).as("stderr: %s", r.err()).hasSize(1);
        return lines.get(0);
    }

    @Test
    void aNon2xxResponseIsMeasuredAndSaidToBeOne() throws Exception {
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.always("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"))) {
            Run r = probe(url(s));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("response:                  404 Not Found (measured on a 404 response: see below)")
                    .contains("These numbers were measured on a 404 response, not on a successful one");
            JsonNode json = new ObjectMapper().readTree(probe(url(s), "--json").out());
            assertThat(json.get("status").asInt()).isEqualTo(404);
            assertThat(json.get("statusLine").asText()).isEqualTo("404 Not Found");
            assertThat(json.get("suggestions").get(0).asText()).startsWith("These numbers were measured on a 404 response");
        }
    }

    @Test
    void aGarbageStatusLineIsAClearError() throws Exception {
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.always("SSH-2.0-OpenSSH_9.6\r\n"))) {
            Run r = probe(url(s));
            assertThat(r.code()).isEqualTo(1);
            assertThat(error(r)).matches("tether probe: connection #\\d+ to 127\\.0\\.0\\.1:" + s.port() + " broke the protocol .*")
                    .contains("not an HTTP response: its first line is \"SSH-2.0-OpenSSH_9.6\"");
        }
    }

    @Test
    void aServerThatAnswersTwicePerRequestIsDetectedNotTakenForAnIdleTimeoutOfZero() throws Exception {
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.always(OK + OK))) {
            Run r = probe(url(s));
            assertThat(r.code()).isEqualTo(1);
            assertThat(error(r)).isEqualTo("tether probe: " + url(s) + ": the server sent data after a complete response, without a"
                    + " request (it starts with \"HTTP/1.1 200 OK\"): it answers twice per request, or its Content-Length is"
                    + " shorter than its body, so every later answer would be to the request before; the probe cannot measure"
                    + " it: fix the server, or probe another endpoint");
            assertThat(r.out()).doesNotContain("0.00 s");
        }
    }

    @Test
    void aServerThatSays408AsItClosesAnIdleConnectionIsMeasuredAsAnIdleClose() throws Exception {
        // Some servers announce their idle close with a 408 response: a notice of the close, not a second answer.
        String notice = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.always(OK), java.time.Duration.ofMillis(600), notice)) {
            Run r = probe(url(s));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("the server closed (FIN) connections idle that long");
            assertThat(new ObjectMapper().readTree(probe(url(s), "--json").out()).get("idleTimeoutMs").asLong()).isBetween(300L, 900L);
        }
    }

    @Test
    void aBadChunkSizeIsASentenceNotTheJdksText() throws Exception {
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.always("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))) {
            Run r = probe(url(s));
            assertThat(r.code()).isEqualTo(1);
            assertThat(error(r)).contains("broke the protocol").contains("bad chunk size \"zz\" (expected: a hexadecimal number)")
                    .doesNotContain("For input string").doesNotContain("NumberFormatException");
        }
    }

    @Test
    void anEndlessStreamIsNotReadIntoMemory() throws Exception {
        byte[] block = new byte[64 * 1024];
        ScriptedServer.Script stream = (n, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            while (true) {
                out.write(block); // until the probe closes: an IOException ends the script
            }
        };
        try (ScriptedServer s = ScriptedServer.start(stream)) {
            Run r = probe(url(s));
            assertThat(r.code()).isEqualTo(1);
            assertThat(error(r)).isEqualTo("tether probe: " + url(s) + ": the response is longer than the probe reads (1024 KiB),"
                    + " and has no length: it ends only when the server closes, like a stream; probe an endpoint with a short"
                    + " response, such as a health check");
        }
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.always("HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n"))) {
            assertThat(error(probe(url(s)))).contains("the response is longer than the probe reads (1024 KiB); probe an endpoint");
        }
    }

    @Test
    void aPlainHttpPortBehindHttpsIsASentence() throws Exception {
        // A plain HTTP server answers a ClientHello with a 400: the JDK's "Unsupported or unrecognized SSL message".
        try (ScriptedServer s = ScriptedServer.onFirstBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")) {
            Run r = probe("https://127.0.0.1:" + s.port() + "/health?token=abc", "--insecure");
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            assertThat(error(r)).isEqualTo("tether probe: https://127.0.0.1:" + s.port() + "/health?token=***: the server at 127.0.0.1:"
                    + s.port() + " does not speak TLS on this port (it answered the handshake with something else, likely"
                    + " plain HTTP); probe http://127.0.0.1:" + s.port() + "/health instead, or the server's TLS port");
        }
        // One that waits for the end of a request that never comes: the handshake times out.
        try (LabServer plain = LabServer.builder().start()) {
            Run r = probe("https://127.0.0.1:" + plain.port() + "/", "--insecure", "--timeout", "1s");
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            assertThat(error(r)).isEqualTo("tether probe: https://127.0.0.1:" + plain.port() + "/: the server at 127.0.0.1:"
                    + plain.port() + " accepted the connection but did not answer the TLS handshake within 1000 ms; if it speaks"
                    + " plain HTTP on this port, probe http://127.0.0.1:" + plain.port() + "/ instead");
        }
    }

    @Test
    void anHttp10ServerWithoutKeepAliveGetsNoNginxOrTlsAdvice() throws Exception {
        try (ScriptedServer s = ScriptedServer.start((n, out) -> {
            out.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        })) {
            Run r = probe(url(s));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern("^tether probe http://127\\.0\\.0\\.1:\\d+/ \\(\\d+\\.\\d s, 1 connection\\)\n")
                    .contains("no: the server closes after each response")
                    .contains("The server answers in HTTP/1.0 without keep-alive, so every request pays a connect and no pool")
                    .doesNotContain("nginx").doesNotContain("TLS");
        }
    }

    @Test
    void theUrlsPasswordAndQueryValuesNeverAppear() throws Exception {
        try (LabServer server = LabServer.builder().start()) {
            String url = "http://alice:s3cret@127.0.0.1:" + server.port() + "/health?token=abc123&page=2";
            String shown = "http://***@127.0.0.1:" + server.port() + "/health?token=***&page=***";
            Run text = probe(url);
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(text.out()).startsWith("tether probe " + shown + " (");
            Run json = probe(url, "--json");
            assertThat(new ObjectMapper().readTree(json.out()).get("target").asText()).isEqualTo(shown);
            for (Run r : List.of(text, json)) {
                assertThat(r.out() + r.err()).doesNotContain("s3cret").doesNotContain("abc123").doesNotContain("alice");
            }
        }
        int dead;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = ss.getLocalPort();
        }
        for (String bad : List.of("http://alice:s3cret@127.0.0.1:" + dead + "/?token=abc123",
                "http://alice:s3cret@127.0.0.1:" + dead + "/a b?token=abc123", "http://alice:s3cret@127.0.0.1:99999/?token=abc123",
                "https://alice:s3cret@127.0.0.1:" + dead + "/?token=abc123")) {
            Run r = probe(bad, "--json");
            assertThat(r.code()).as(bad).isIn(1, 2);
            assertThat(r.out() + r.err()).as(bad).contains("error").doesNotContain("s3cret").doesNotContain("abc123")
                    .doesNotContain("alice");
        }
    }
}
