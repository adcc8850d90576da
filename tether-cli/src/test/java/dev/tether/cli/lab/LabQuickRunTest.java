package dev.tether.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.chaos.SocketTable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One --quick run of every HTTP and Redis scenario (on redis-server processes the lab starts
 * itself; the database ones are {@link DatabaseLabTest}'s), then checks of what the application
 * saw (outcomes only, never timings), of the table, the JSON, and the HTML report, which headless
 * Chromium loads.
 */
class LabQuickRunTest {
    private static LabReport report;

    @BeforeAll
    static void runTheLab() {
        // The database scenarios are DatabaseLabTest's.
        report = new LabRunner(true, LabRunner.Progress.SILENT)
                .run(Scenarios.all().stream().filter(s -> !(s instanceof dev.tether.cli.lab.db.DbScenario)).toList());
    }

    /** The failed requests on a client's timeline, in order, as labelled there (the command, then the error). */
    private static List<String> failures(ClientResult c) {
        return c.events().stream().filter(e -> e.kind().equals("fail")).map(Timeline.Event::label).toList();
    }

    private static ClientResult result(String scenario, String client) {
        ScenarioResult s = report.scenarios().stream().filter(r -> r.id().equals(scenario)).findFirst().orElseThrow();
        assertThat(s.error()).as("error of %s", scenario).isNull();
        return s.clients().stream().filter(c -> c.client().equals(client)).findFirst().orElseThrow();
    }

    @Test
    void everyScenarioRan() {
        assertThat(report.skipped()).as("skipped: the lab's own redis-server must start on this machine").isEmpty();
        assertThat(report.scenarios()).extracting(ScenarioResult::id).containsExactly("stale-fin", "idle-race", "reset",
                "blackhole", "refused", "connect-timeout", "post-twice", "load-balancer", "short-connections",
                "redis-idle-kill", "redis-in-flight", "redis-restart", "redis-server-timeout", "redis-load-balancer",
                "redis-blackhole");
        assertThat(report.errors()).isZero();
        for (ScenarioResult s : report.scenarios()) {
            assertThat(s.explanation()).as(s.id()).isNotBlank().doesNotContain("could not run");
            for (ClientResult c : s.clients()) {
                assertThat(c.sent()).as("%s %s", s.id(), c.client()).isPositive();
            }
        }
    }

    @Test
    void theStaleConnectionFailsTheNaiveClientAndNotTether() {
        assertThat(result("stale-fin", "naive").failed()).isPositive();
        assertThat(result("stale-fin", "tether").failed()).isZero();
        if (SocketTable.available()) {
            assertThat(result("stale-fin", "naive").closeWait()).isPositive();
            assertThat(result("stale-fin", "tether").closeWait()).isZero();
        }
    }

    @Test
    void resetsCostTheNaiveClientRequestsAndTetherNone() {
        for (String id : List.of("idle-race", "reset", "load-balancer")) {
            assertThat(result(id, "naive").failed()).as(id).isPositive();
            assertThat(result(id, "tether").failed()).as(id).isZero();
        }
    }

    @Test
    void aBlindRetryAppliesThePostTwiceAndTetherDoesNot() {
        assertThat(result("post-twice", "naive+retry").duplicates()).isEqualTo(1);
        assertThat(result("post-twice", "naive").duplicates()).isZero();
        assertThat(result("post-twice", "tether").duplicates()).isZero();
        assertThat(result("post-twice", "tether").firstError()).contains("may have been applied");
    }

    @Test
    void outagesFailBothClientsAndBothRecover() {
        for (String id : List.of("blackhole", "refused", "connect-timeout")) {
            for (String client : List.of("naive", "tether")) {
                ClientResult c = result(id, client);
                assertThat(c.failed()).as("%s %s", id, client).isPositive();
                assertThat(c.recoverMs()).as("%s %s recovered", id, client).isNotNull().isNotNegative();
            }
        }
        assertThat(result("connect-timeout", "tether").firstError()).contains("127.0.0.1");
    }

    @Test
    void theQuickRunSaysItSkippedTheKeepalivePartOfTheBlackhole() {
        // --quick does without the child JVM (~3 s more); BlackholeKeepaliveTest runs that part.
        ScenarioResult blackhole = report.scenarios().stream().filter(r -> r.id().equals("blackhole")).findFirst().orElseThrow();
        assertThat(blackhole.explanation()).contains("TCP keepalive part skipped").contains("the read-timeout part ran");
    }

    @Test
    void shortConnectionsOpenOnePerRequestAndLeaveTimeWait() {
        ClientResult noPool = result("short-connections", "no pool");
        ClientResult tether = result("short-connections", "tether");
        assertThat(noPool.opened()).isEqualTo(noPool.sent());
        assertThat(tether.opened()).isLessThanOrEqualTo(2);
        if (SocketTable.available()) {
            assertThat(noPool.timeWait()).isPositive();
            assertThat(tether.timeWait()).isZero();
        }
    }

    @Test
    void aKilledIdleRedisConnectionBreaksTheBareOneForGoodTheNaivePoolOncePerKillAndTetherNever() {
        ClientResult bare = result("redis-idle-kill", "naive");
        ClientResult pool = result("redis-idle-kill", "naive pool");
        ClientResult tether = result("redis-idle-kill", "tether");
        int rounds = 5;
        assertThat(bare.failed()).as("every command after the first kill").isEqualTo(2 * rounds);
        assertThat(bare.opened()).isEqualTo(1);
        assertThat(bare.recoverMs()).as("never").isEqualTo(-1);
        assertThat(pool.failed()).as("once per kill").isEqualTo(rounds);
        assertThat(pool.recoverMs()).isNotNegative();
        assertThat(tether.failed()).isZero();
        assertThat(tether.duplicates()).isZero();
        assertThat(tether.detail()).contains("idle watcher dropped " + rounds + " connections");
        for (ClientResult c : List.of(bare, pool, tether)) {
            // The server had closed the killed connection: an INCR sent into it never ran.
            assertThat(c.appliedUnacknowledged()).as("%s: failed INCRs applied", c.client()).isZero();
        }
        assertThat(report.scenarios().stream().filter(s -> s.id().equals("redis-idle-kill")).findFirst().orElseThrow().explanation())
                .contains("bare connection (one socket, like the field note's create_redis) failed 10 of its 11 commands, every one"
                        + " from its first failure on: it never reconnects");
    }

    @Test
    void aRedisCommandInFlightIsRetriedWhenItIsAReadAndNeverWhenItIsAnIncr() {
        ClientResult bare = result("redis-in-flight", "naive");
        ClientResult pool = result("redis-in-flight", "naive pool");
        ClientResult retrying = result("redis-in-flight", "naive+retry");
        ClientResult tether = result("redis-in-flight", "tether");
        // The bare connection's INCR in flight failed, applied all the same, with an error that does not say so; every
        // command after it failed too, on the one connection it never reopens.
        assertThat(failures(bare).get(0)).startsWith("INCR ");
        assertThat(bare.firstError()).doesNotContain("applied");
        assertThat(bare.appliedUnacknowledged()).as("the INCR in flight, applied").isEqualTo(1);
        assertThat(bare.failed()).as("the INCR in flight and the 4 commands after it").isEqualTo(5);
        assertThat(bare.sent()).isEqualTo(7);
        assertThat(bare.duplicates()).isZero();
        assertThat(bare.opened()).isEqualTo(1);
        assertThat(bare.recoverMs()).as("never").isEqualTo(-1);
        assertThat(pool.failed()).as("the INCR and the GET in flight").isEqualTo(2);
        assertThat(pool.appliedUnacknowledged()).isEqualTo(1);
        assertThat(pool.duplicates()).isZero();
        assertThat(retrying.failed()).isZero();
        assertThat(retrying.duplicates()).as("the INCR applied twice").isEqualTo(1);
        assertThat(retrying.appliedUnacknowledged()).isZero();
        assertThat(tether.failed()).as("the INCR only: the GET was sent again").isEqualTo(1);
        assertThat(tether.appliedUnacknowledged()).isEqualTo(1);
        assertThat(tether.duplicates()).isZero();
        assertThat(tether.firstError()).startsWith("INCR failed").contains("may have been applied")
                .contains("INCR is not safe to repeat");
        assertThat(tether.detail()).contains("1 failure said the command may have been applied");
        assertThat(report.scenarios().stream().filter(s -> s.id().equals("redis-in-flight")).findFirst().orElseThrow().explanation())
                .contains("saw its INCR in flight fail with \"" + bare.firstError() + "\", which does not say whether it was"
                        + " applied (1 failed INCR was applied all the same); in all, it failed 5 of its 7 commands");
    }

    @Test
    void aRedisRestartOrTheServersTimeoutBreaksTheBareConnectionForGoodAndCostsTetherNothing() {
        for (String id : List.of("redis-restart", "redis-server-timeout")) {
            ClientResult bare = result(id, "naive");
            assertThat(bare.failed()).as(id).isPositive();
            assertThat(bare.opened()).as(id).isEqualTo(1);
            assertThat(bare.recoverMs()).as("%s: the bare connection never recovers", id).isEqualTo(-1);
            assertThat(result(id, "naive pool").failed()).as("%s: the naive pool lends its dead connection once", id).isEqualTo(1);
            assertThat(result(id, "naive pool").recoverMs()).as(id).isNotNegative();
            assertThat(result(id, "tether").failed()).as(id).isZero();
            assertThat(result(id, "tether").detail()).as(id).contains("idle watcher dropped 1 connection");
        }
        if (SocketTable.available()) {
            assertThat(result("redis-restart", "naive").closeWait()).isPositive();
            assertThat(result("redis-restart", "tether").closeWait()).isZero();
        }
    }

    @Test
    void aLoadBalancersCutBreaksTheBareConnectionForGoodCostsTheNaivePoolOneCommandPerCutAndTetherNone() {
        ClientResult bare = result("redis-load-balancer", "naive");
        // Two cycles of SET and GET, each then cut, and two GETs: every command from the first cut on fails.
        assertThat(bare.sent()).isEqualTo(6);
        assertThat(bare.failed()).isEqualTo(4);
        assertThat(bare.opened()).isEqualTo(1);
        assertThat(bare.recoverMs()).as("never").isEqualTo(-1);
        assertThat(bare.firstError()).startsWith("SocketException");
        assertThat(failures(bare).subList(1, failures(bare).size()))
                .allSatisfy(label -> assertThat(label).contains("a bare connection never reconnects"));
        assertThat(result("redis-load-balancer", "naive pool").failed()).isEqualTo(2);
        assertThat(result("redis-load-balancer", "tether").failed()).isZero();
    }

    @Test
    void aVanishedRedisHangsTheBareConnectionAndTheNaivePoolUntilTheLabGivesUpAndTetherUntilItsReadTimeout() {
        ClientResult bare = result("redis-blackhole", "naive");
        ClientResult pool = result("redis-blackhole", "naive pool");
        ClientResult tether = result("redis-blackhole", "tether");
        // The bare connection's GET into the blackhole was still waiting when the lab gave up; the two commands after it
        // were not sent: its one socket was still waiting, as a real application's would be.
        assertThat(bare.sent()).isEqualTo(5);
        assertThat(bare.failed()).isEqualTo(3);
        assertThat(bare.firstError()).contains("no timeout to end the wait").contains("a real application would still be waiting");
        assertThat(failures(bare).subList(1, failures(bare).size())).hasSize(2)
                .allSatisfy(label -> assertThat(label).contains(": not sent: the bare connection's one socket was still waiting"));
        assertThat(bare.recoverMs()).as("never").isEqualTo(-1);
        assertThat(bare.opened()).isEqualTo(1);
        assertThat(bare.detail()).contains("closed by the lab after 1.5 s waiting for a reply");
        if (SocketTable.available()) {
            assertThat(bare.closeWait()).isZero();
        }
        assertThat(pool.failed()).isEqualTo(1);
        assertThat(pool.firstError()).contains("no timeout to end the wait");
        assertThat(pool.recoverMs()).isNotNegative();
        assertThat(tether.failed()).isEqualTo(1);
        assertThat(tether.firstError()).contains("read timeout of 500 ms").contains("not retry");
        assertThat(tether.recoverMs()).isNotNegative();
        assertThat(report.scenarios().stream().filter(s -> s.id().equals("redis-blackhole")).findFirst().orElseThrow().explanation())
                .contains("the bare connection's GET was still waiting after 1.5 s, when the lab gave up and closed its socket;"
                        + " its 2 later commands were not sent");
        // Nothing of the hung clients is left running: the scenario's threads ended with it.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                        .extracting(Thread::getName).noneMatch(n -> n.startsWith("lab-redis-blackhole")));
    }

    @Test
    void everyRedisScenarioRunsTheBareConnectionBesideTheNaivePoolAndTether() {
        String html = HtmlReport.render(report);
        String table = TextReport.render(report);
        for (ScenarioResult s : report.scenarios()) {
            if (s.id().startsWith("redis-")) {
                assertThat(s.clients()).extracting(ClientResult::client).as(s.id())
                        .startsWith("naive", "naive pool").endsWith("tether");
                assertThat(s.explanation()).as(s.id()).containsIgnoringCase("the bare connection");
                String section = html.substring(html.indexOf("<section id=\"s-" + s.id() + "\">"));
                assertThat(section.substring(0, section.indexOf("</section>"))).as(s.id()).contains("<tr><td>naive</td>");
                String block = table.substring(table.indexOf(s.title()));
                assertThat(block.lines().skip(1).findFirst().orElseThrow()).as(s.id()).startsWith("    naive  ");
            }
        }
    }

    @Test
    void theTableAndTheJsonCarryEveryScenario() throws Exception {
        String table = TextReport.render(report);
        for (ScenarioResult s : report.scenarios()) {
            assertThat(table).contains(s.title());
        }
        assertThat(table).contains("CLOSE_WAIT").contains("naive+retry");
        JsonNode json = new ObjectMapper().readTree(JsonReport.render(report));
        assertThat(json.get("scenarios")).hasSize(15);
        assertThat(json.get("skipped")).isEmpty();
        assertThat(json.at("/scenarios/0/clients/0/events").size()).isPositive();
        for (JsonNode s : json.get("scenarios")) {
            if (s.get("id").asText().equals("redis-in-flight")) {
                assertThat(s.at("/clients/0/client").asText()).isEqualTo("naive");
                assertThat(s.at("/clients/0/appliedUnacknowledged").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void theHtmlReportFetchesNothing() {
        String html = HtmlReport.render(report);
        // Anything a browser would load: src/href/action with a scheme or a protocol-relative URL, CSS url() and @import.
        Pattern fetch = Pattern.compile("(?i)(src|href|action|srcset|poster|data)\\s*=\\s*[\"']?\\s*([a-z][a-z0-9+.-]*:|//)"
                + "|url\\s*\\(|@import|<link|<iframe|<object|<embed|fetch\\(|XMLHttpRequest|WebSocket|EventSource");
        Matcher m = fetch.matcher(html);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(html.substring(Math.max(0, m.start() - 30), Math.min(html.length(), m.end() + 30)));
        }
        assertThat(found).as("resource loads in the report").isEmpty();
        // The only scheme in markup or script is the SVG namespace name, which is not fetched.
        String withoutData = html.replaceAll("(?s)<script type=\"application/json\" id=\"lab-data\">.*?</script>", "")
                .replaceAll("(?s)<(p|pre|td) [^>]*>.*?</\\1>|<(p|pre|td)>.*?</\\2>", "");
        assertThat(withoutData.replace("'http://www.w3.org/2000/svg'", "")).doesNotContain("http://").doesNotContain("https://");
        assertThat(html).contains("<script>").contains("<style>");
    }

    @Test
    void headlessChromiumDrawsEveryChartWithoutAConsoleError(@TempDir Path dir) throws Exception {
        String chromium = findOnPath("chromium");
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (chromium == null) {
            assertThat(ci).as("CI=true but chromium is not on PATH (.ci/run installs Debian's chromium)").isFalse();
            Assumptions.abort("chromium is not on PATH; skipping the browser check outside CI");
        }
        Path page = dir.resolve("lab.html");
        Files.writeString(page, HtmlReport.render(withKeepaliveNotice(report)), StandardCharsets.UTF_8);
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Path errFile = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom", page.toUri().toString())
                .redirectError(errFile.toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        String stderr = Files.readString(errFile);
        assertThat(dom).as("DOM dumped by chromium (stderr: %s)", stderr).contains("id=\"render-status\"");
        assertThat(dom).contains("rendered 15 of 15 charts");
        for (ScenarioResult s : report.scenarios()) {
            assertThat(dom).containsPattern("id=\"chart-" + Pattern.quote(s.id()) + "\"[^>]*data-rendered=\"true\"");
        }
        assertThat(dom).contains("<svg").contains("class=\"notice\"");
        List<String> consoleErrors = stderr.lines()
                .filter(l -> l.contains("CONSOLE") && (l.toLowerCase().contains("error") || l.contains("Uncaught")))
                .toList();
        assertThat(consoleErrors).isEmpty();
    }

    /**
     * The report with a keepalive notice on the blackhole's tether lane, as a full run draws it: the
     * quick run skips the keepalive part, and the browser must still draw every kind of event.
     */
    private static LabReport withKeepaliveNotice(LabReport r) {
        List<ScenarioResult> scenarios = new ArrayList<>();
        for (ScenarioResult s : r.scenarios()) {
            List<ClientResult> clients = new ArrayList<>();
            for (ClientResult c : s.clients()) {
                if (s.id().equals("blackhole") && c.client().equals("tether")) {
                    List<Timeline.Event> events = new ArrayList<>(c.events());
                    events.add(new Timeline.Event(100, 100, "fault", "keepalive part: iptables drops every packet from the server"));
                    events.add(new Timeline.Event(4100, 4100, "notice", "TCP keepalive closed the idle connection 4.0 s after the drop"));
                    c = new ClientResult(c.client(), c.sent(), c.failed(), c.duplicates(), c.appliedUnacknowledged(), c.opened(), c.closeWait(), c.timeWait(),
                            c.recoverMs(), c.detail(), c.firstError(), events, c.samples());
                }
                clients.add(c);
            }
            scenarios.add(new ScenarioResult(s.number(), s.id(), s.title(), s.fault(), s.durationMs(), clients, s.explanation(), s.error()));
        }
        return new LabReport(r.tool(), r.quick(), r.startedAt(), r.durationMs(), scenarios);
    }

    static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
