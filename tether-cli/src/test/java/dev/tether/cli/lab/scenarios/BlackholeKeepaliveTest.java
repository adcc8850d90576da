package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.LabReport;
import dev.tether.cli.lab.LabRunner;
import dev.tether.cli.lab.ScenarioResult;
import dev.tether.cli.lab.Timeline;
import dev.tether.cli.lab.netns.KeepaliveExperiment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 4's TCP keepalive part: packets really dropped in a private network namespace, tether's
 * idle connection closed by keepalive, the naive socket none the wiser. Needs root, `ip` and
 * `iptables`: CI (CI=true, root, .ci/run installs both) must run it; elsewhere it skips and says why.
 */
class BlackholeKeepaliveTest {

    @Test
    void keepaliveClosesTethersIdleConnectionToAVanishedPeerAndTheNaiveSocketNoticesNothing() throws Exception {
        String missing = KeepaliveExperiment.missingPrerequisite();
        if (missing != null) {
            assertThat("true".equalsIgnoreCase(System.getenv("CI")))
                    .as("the keepalive part must run in CI but cannot: %s", missing).isFalse();
            Assumptions.abort("skipped: " + missing + " (the keepalive part needs root, `ip` and `iptables`; CI runs it)");
        }
        LabReport report = new LabRunner(false, LabRunner.Progress.SILENT).run(List.of(new Blackhole()));
        ScenarioResult s = report.scenarios().get(0);
        assertThat(s.error()).isNull();
        ClientResult tether = client(s, "tether");
        ClientResult naive = client(s, "naive");

        // The read-timeout part still ran: both clients failed the request into the blackhole and recovered.
        assertThat(tether.failed()).isPositive();
        assertThat(tether.recoverMs()).isNotNull().isNotNegative();

        long tetherMs = sinceDrop(tether, "TCP keepalive closed the idle connection");
        System.out.println("blackhole keepalive part: " + s.explanation());
        assertThat(tetherMs).as("ms from the drop to tether's close").isLessThan(15_000);
        assertThat(tether.detail()).contains("TCP keepalive (1 s idle, then 3 probes 1 s apart) closed an idle connection");
        assertThat(naive.detail()).contains("an idle socket without keepalive had noticed nothing");
        assertThat(sinceDrop(naive, "an idle socket without keepalive: still open")).isGreaterThanOrEqualTo(tetherMs);
        assertThat(s.explanation()).contains("was closed").contains("PEER_CLOSED").contains("had noticed nothing after the same")
                .doesNotContain("skipped").doesNotContain("failed:");
        assertThat(namespaces()).as("the lab's namespaces are deleted").noneMatch(n -> n.startsWith("tether-lab-" + ProcessHandle.current().pid() + "-"));
    }

    @Test
    void withoutRootOrToolsTheScenarioSaysSoAndKeepsTheReadTimeoutPart() {
        ClientResult none = new ClientResult("x", 5, 1, 0, null, 2, 0, null, 1000L, null, null, List.of(), List.of());
        String text = new Blackhole().explain(Map.of("naive", none, "tether", none), KeepaliveExperiment.SKIPPED + " (not running as root)");
        assertThat(text).contains("tether's read timeout failed the request")
                .contains("TCP keepalive part skipped: needs root and ip/iptables to drop packets in a private network namespace"
                        + " (not running as root); the read-timeout part ran.");
        assertThat(new Blackhole().explain(Map.of("naive", none, "tether", none),
                new KeepaliveExperiment.Result(-1, null, "ip netns add failed: Operation not permitted")))
                .contains("TCP keepalive part failed: ip netns add failed: Operation not permitted.");
    }

    private static ClientResult client(ScenarioResult s, String name) {
        return s.clients().stream().filter(c -> c.client().equals(name)).findFirst().orElseThrow();
    }

    /** ms from the keepalive part's drop (a fault on this client's timeline) to the notice starting with {@code label}. */
    private static long sinceDrop(ClientResult c, String label) {
        Timeline.Event drop = c.events().stream().filter(e -> e.kind().equals("fault") && e.label().startsWith("keepalive part"))
                .findFirst().orElseThrow(() -> new AssertionError("no drop on " + c.client() + "'s timeline: " + c.events()));
        Timeline.Event notice = c.events().stream().filter(e -> e.kind().equals("notice") && e.label().startsWith(label))
                .findFirst().orElseThrow(() -> new AssertionError("no notice '" + label + "' on " + c.client() + "'s timeline: " + c.events()));
        return notice.t() - drop.t();
    }

    private static List<String> namespaces() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }
}
