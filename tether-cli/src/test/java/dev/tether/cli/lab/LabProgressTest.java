package dev.tether.cli.lab;

import dev.tether.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lab's live progress without a real terminal: the caller says whether the output is one, the
 * output is a buffer and the clock is a counter the test moves, so the elapsed times are exact.
 */
class LabProgressTest {
    private static final String REDRAW = "\r\033[2K";
    private final StringWriter buffer = new StringWriter();
    private final PrintWriter out = new PrintWriter(buffer);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    private void advance(long ms) {
        nanos.addAndGet(ms * 1_000_000);
    }

    private String output() {
        synchronized (buffer) {
            return buffer.toString();
        }
    }

    private static ScenarioResult result(long durationMs, String error) {
        return new ScenarioResult(4, "blackhole", "the peer vanishes", "blackhole", durationMs, List.of(), "why", error);
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlaceWithScenarioElapsedTimeAndStep() {
        LabRunner.TerminalProgress p = (LabRunner.TerminalProgress) LabRunner.Progress.to(out, true, nanos::get);
        p.start(4, 9, "the peer vanishes");
        assertThat(output()).startsWith(REDRAW + "[4/9] the peer vanishes   0.0 s  starting");
        advance(2_500);
        p.step("the peer vanishes; one request");
        assertThat(output()).endsWith(REDRAW + "[4/9] the peer vanishes   2.5 s  the peer vanishes; one request");
        // The ticker redraws while a step waits, so the elapsed time moves without a new step.
        advance(1_200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> output().endsWith(REDRAW + "[4/9] the peer vanishes   3.7 s  the peer vanishes; one request"));
        assertThat(output()).as("redrawn in place: no line ends until the scenario is done").doesNotContain("\n");

        p.done(result(5_230, null));
        assertThat(output()).endsWith(REDRAW + "[4/9] the peer vanishes  5.2 s\n");
        p.start(5, 9, "connection refused");
        p.done(result(1_000, "IOException: boom"));
        assertThat(output()).endsWith(REDRAW + "[5/9] connection refused  1.0 s  error: IOException: boom\n");
        p.finish();
        assertThat(output()).endsWith(REDRAW);
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.ticking());
    }

    @Test
    void theLineFitsAnEightyColumnTerminalCuttingTheTitleBeforeTheStep() {
        LabRunner.TerminalProgress p = (LabRunner.TerminalProgress) LabRunner.Progress.to(out, true, nanos::get);
        try {
            // The longest real title and step of the lab: each fits alone, together they do not.
            p.start(2, 9, "race with the server's idle timer (RST), GET and POST");
            p.step("GET after 850 ms idle, as the 1000 ms timer fires");
            assertThat(p.line()).hasSizeLessThanOrEqualTo(79)
                    .startsWith("[2/9] race with the…").endsWith("  0.0 s  GET after 850 ms idle, as the 1000 ms timer fires");
            p.step("y".repeat(200));
            assertThat(p.line()).hasSize(79).startsWith("[2/9] race with the…").endsWith("y…");
            for (var s : Scenarios.all()) {
                p.start(1, 9, s.title());
                assertThat(p.line()).as(s.title()).hasSizeLessThanOrEqualTo(79);
            }
        } finally {
            p.finish();
        }
    }

    @Test
    void withoutATerminalEachStartStepAndEndIsAPlainLine() {
        LabRunner.Progress p = LabRunner.Progress.to(out, false, nanos::get);
        p.start(4, 9, "the peer vanishes");
        advance(1_500);
        p.step("the peer vanishes; one request");
        p.done(result(5_230, null));
        p.start(5, 9, "connection refused");
        p.done(result(1_000, "IOException: boom"));
        p.finish();
        assertThat(output()).isEqualTo(String.join("\n",
                "[4/9] the peer vanishes",
                "        1.5 s  the peer vanishes; one request",
                "        5.2 s  done",
                "[5/9] connection refused",
                "        1.0 s  done with an error: IOException: boom", "").replace("\n", System.lineSeparator()));
        assertThat(output()).doesNotContain("\r").doesNotContain("\033");
    }

    @Test
    void theLabCommandDrawsTheLineOnATerminalAndPlainLinesOtherwise() {
        String onTerminal = runLab(true);
        assertThat(onTerminal).contains(REDRAW + "[1/1] a POST applied").containsPattern("\\[1/1\\] a POST applied.*  \\d+\\.\\d s\n");
        String plain = runLab(false);
        assertThat(plain).startsWith("[1/1] a POST applied, then the connection reset").contains(" s  done")
                .doesNotContain("\r").doesNotContain("\033");
    }

    /** stderr of {@code tether lab --only post-twice} (a scenario of a few ms), told whether it is a terminal. */
    private static String runLab(boolean terminal) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"lab", "--only", "post-twice", "--quick"}, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), terminal);
        assertThat(code).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("tether lab --quick: 1 scenario in ");
        return stderr.toString(StandardCharsets.UTF_8);
    }
}
