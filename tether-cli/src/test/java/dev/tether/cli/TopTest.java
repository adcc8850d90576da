package dev.tether.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tether.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code tether top} against child JVMs this test starts: one with a pool in a known state, one without tether. */
class TopTest {
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : children) {
            p.getOutputStream().close(); // TopTarget exits when its stdin closes
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Process child(String what) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TopTarget.class.getName(), what)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).startsWith("ready");
        return p;
    }

    @Test
    void onceJsonShowsThePoolOfAnotherJvm() throws Exception {
        Process target = child("pool");

        MainTest.Result r = run("top", Long.toString(target.pid()), "--once", "--json", "--interval", "0.2");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode top = new ObjectMapper().readTree(r.out());
        assertThat(top.get("pid").asLong()).isEqualTo(target.pid());
        assertThat(top.get("pools")).hasSize(1);
        JsonNode pool = top.get("pools").get(0);
        assertThat(pool.get("name").asText()).isEqualTo("top-target");
        assertThat(pool.get("kind").asText()).isEqualTo("pool");
        assertThat(pool.get("leased").asInt()).isEqualTo(2);
        assertThat(pool.get("idle").asInt()).isEqualTo(2);
        assertThat(pool.get("opened").asInt()).isEqualTo(5);
        assertThat(pool.get("closedByReason").get("BROKEN").asInt()).isEqualTo(1);
        assertThat(pool.get("closedInInterval").size()).isZero(); // nothing closed between the two readings
        assertThat(pool.get("routes")).hasSize(2);
        assertThat(pool.get("connections")).hasSize(4);
        assertThat(pool.get("connections").findValuesAsText("closeSetBy")).contains("keep-alive", "idle-timeout", "lifetime");
        assertThat(pool.get("connections").findValues("localPort").stream().map(JsonNode::asInt))
                .containsExactlyInAnyOrder(50_001, 50_002, 50_003, 50_005);
    }

    @Test
    void theScreenShowsRoutesAndTheDump() throws Exception {
        Process target = child("pool");

        MainTest.Result r = run("top", Long.toString(target.pid()), "--once", "--interval", "0.2");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("pool \"top-target\" (pool): 2 leased, 2 idle, 0 opening, 0 waiting (max 100); opened 5, closed 1")
                .containsPattern("api:80 +1 +2 +0 +0 +3 +- ")
                .containsPattern("api:80 +50003 +IDLE .* keep-alive")
                .contains("4 connections");
    }

    @Test
    void anHttpClientShowsItsKindAndWhatSetEachDeadline() throws Exception {
        Process target = child("http");

        MainTest.Result r = run("top", Long.toString(target.pid()), "--once", "--interval", "0.5");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("pool \"orders-api\" (http): 1 leased, 2 idle").contains("retries succeeded 0")
                .containsPattern("IDLE .* keep-alive");
    }

    @Test
    void aJvmWithoutTetherGetsOneLineAndExitCode1() throws Exception {
        Process plain = child("none");

        MainTest.Result r = run("top", Long.toString(plain.pid()), "--once");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).containsExactly("tether top: JVM " + plain.pid()
                + " holds no tether pool visible over JMX (build its pools with PoolConfig.jmx(true), for a client: config.pool(p -> p.jmx(true)))");
    }

    @Test
    void aProcessThatIsNotAJvmIsNeverSignalled() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start(); // our own: never anyone else's
        try {
            MainTest.Result r = run("top", Long.toString(sleeper.pid()), "--once");

            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().lines().toList()).containsExactly("tether top: cannot attach to JVM " + sleeper.pid()
                    + ": it is not a JVM (it does not catch SIGQUIT, which attaching would send it)");
            assertThat(sleeper.isAlive()).as("attaching would have sent it SIGQUIT and killed it").isTrue();
        } finally {
            sleeper.destroy();
        }
    }

    @Test
    void aProcessThatCannotBeAttachedGetsOneLineAndExitCode1() throws Exception {
        // A process of our own that has exited: nothing answers at its id. (Attaching to a live
        // process that is not a JVM would send it SIGQUIT: only ever our own, never anyone else's.)
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();

        MainTest.Result r = run("top", Long.toString(gone.pid()), "--once", "--json");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("tether top: cannot attach to JVM " + gone.pid() + ": ");
        assertThat(new ObjectMapper().readTree(r.out()).get("exitCode").asInt()).isEqualTo(1);
    }
}
