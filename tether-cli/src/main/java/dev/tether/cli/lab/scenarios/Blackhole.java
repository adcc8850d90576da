package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.netns.KeepaliveExperiment;
import dev.tether.cli.lab.netns.VanishedPeerChild;
import dev.tether.cli.lab.support.LabServer;
import dev.tether.http.HttpClientConfig;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * 4. The peer vanishes without a packet (cable, crashed host, iptables DROP): only timeouts end the wait.
 *
 * <p>Two parts side by side. The read-timeout part runs each client through a tether-chaos
 * blackhole proxy: a request into it gets no answer. The TCP keepalive part needs packets really
 * dropped (through a proxy the kernel still answers keepalive probes), so it is a
 * {@link KeepaliveExperiment} in a private network namespace, run as the scenario's side
 * measurement when the lab can (root, ip, iptables); its figures go into both clients' rows and
 * timelines and into the explanation.
 */
public final class Blackhole implements Scenario {
    /** How long the child waits for tether to notice; far above the ~4 s the timers give, below the runner's limits. */
    private static final long KEEPALIVE_LIMIT_MS = 20_000;

    public String id() { return "blackhole"; }

    public String title() { return "the peer vanishes (blackhole): read timeout and TCP keepalive"; }

    public String fault() {
        return "tether-chaos blackhole: the proxy stops forwarding, sockets stay open; and, in a private network namespace,"
                + " iptables drops every packet from the server";
    }

    @Override
    public HttpClientConfig tetherConfig(boolean quick) {
        return HttpClientConfig.builder().pool(p -> p.name("lab")).socket(s -> s.readTimeout(Duration.ofMillis(quick ? 1000 : 2000))).build();
    }

    /** What the scenario says in --quick, where the keepalive part does not run. */
    static final String SKIPPED_QUICK = "TCP keepalive part skipped in --quick: a child JVM and 4 s of keepalive timers would"
            + " add ~3 s to this scenario (run `tether lab --only blackhole` to see it)";

    /** Why the keepalive part does not run in this lab, or null when it does. */
    static String keepaliveSkipped(boolean quick) {
        String missing = KeepaliveExperiment.missingPrerequisite();
        if (missing != null) {
            return KeepaliveExperiment.SKIPPED + " (" + missing + ")";
        }
        // Measured: 5.8 s for this scenario with it against 2.5 s without, in a quick run that takes ~13 s.
        return quick ? SKIPPED_QUICK : null;
    }

    @Override
    public Callable<?> side(boolean quick) {
        String skipped = keepaliveSkipped(quick);
        return () -> skipped != null ? skipped : KeepaliveExperiment.run(KEEPALIVE_LIMIT_MS);
    }

    public void run(Trial t) throws Exception {
        // The keepalive part (the side measurement) runs from the scenario's start, beside this script.
        LabServer server = t.server(LabServer.builder());
        ChaosProxy proxy = t.proxy(server.port());
        t.client(proxy.port(), t.duration(2500, 5000));
        t.step("requests");
        t.gets(2, 0);
        t.step("the peer vanishes; one request");
        Toxic hole = proxy.addToxic(Toxic.blackhole());
        t.fault("blackhole: nothing comes back");
        t.get();
        proxy.removeToxic(hole.name());
        t.fault("the peer is back");
        t.step("requests after the peer is back");
        t.gets(2, 0);
        if (!t.sideDone()) {
            t.step("TCP keepalive: waiting for the experiment in the private network namespace");
        }
        Object side = t.side(Object.class);
        if (side instanceof KeepaliveExperiment.Result k && k.droppedAtNanos() >= 0 && k.outcome() != null) {
            keepaliveOnTimeline(t, k);
        }
    }

    /** The keepalive part on this client's timeline and in its row: tether's connection and the naive socket of the child. */
    private static void keepaliveOnTimeline(Trial t, KeepaliveExperiment.Result k) {
        VanishedPeerChild.Outcome o = k.outcome();
        long dropped = k.droppedAtNanos();
        t.faultAt(dropped, "keepalive part: iptables drops every packet from the server (private network namespace)");
        if (t.kind() == ClientKind.TETHER) {
            if (o.tetherNoticedMs() != null) {
                t.noticeAt(dropped + o.tetherNoticedMs() * 1_000_000, "TCP keepalive closed the idle connection "
                        + Format.ms(o.tetherNoticedMs()) + " after the drop (" + o.tetherReason() + ", " + o.tetherError() + ")");
                t.note("TCP keepalive (" + KeepaliveExperiment.settings() + ") closed an idle connection to the vanished peer in "
                        + Format.ms(o.tetherNoticedMs()));
            } else {
                t.note("TCP keepalive did not close the idle connection within " + Format.ms(o.naiveWaitedMs()));
            }
        } else if (t.kind() == ClientKind.NAIVE) {
            long at = o.naiveNoticedMs() != null ? o.naiveNoticedMs() : o.naiveWaitedMs();
            t.noticeAt(dropped + at * 1_000_000, o.naiveNoticedMs() == null
                    ? "an idle socket without keepalive: still open " + Format.ms(o.naiveWaitedMs()) + " after the drop"
                    : "the socket without keepalive ended " + Format.ms(o.naiveNoticedMs()) + " after the drop");
            t.note(o.naiveNoticedMs() == null
                    ? "an idle socket without keepalive had noticed nothing " + Format.ms(o.naiveWaitedMs()) + " after the peer vanished"
                    : "an idle socket without keepalive noticed after " + Format.ms(o.naiveNoticedMs()));
        }
    }

    public String explain(Map<String, ClientResult> r) {
        return explain(r, null);
    }

    @Override
    public String explain(Map<String, ClientResult> r, Object side) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "With no answer and no timeout the naive client would wait forever (here the lab gave up after "
                + Format.ms(naive.recoverMs()) + "; Linux alone would take ~15 min of retransmissions, or 2 h of idle"
                + " before keepalive if nothing is sent); tether's read timeout failed the request (not retried: the server"
                + " may still be working on it) and it recovered in " + Format.ms(tether.recoverMs()) + ". "
                + explainKeepalive(side);
    }

    static String explainKeepalive(Object side) {
        if (side instanceof String skipped) {
            return skipped + "; the read-timeout part ran.";
        }
        if (!(side instanceof KeepaliveExperiment.Result k)) {
            return "TCP keepalive part failed: it did not report.";
        }
        VanishedPeerChild.Outcome o = k.outcome();
        if (k.error() != null || o == null) {
            return "TCP keepalive part failed: " + k.error() + ".";
        }
        String tether = o.tetherNoticedMs() != null
                ? "tether's idle connection (keepalive " + KeepaliveExperiment.settings() + ") was closed "
                        + Format.ms(o.tetherNoticedMs()) + " after the drop (" + o.tetherReason() + ": " + o.tetherError()
                        + "), before any request could be sent into it"
                : "tether's idle connection was not closed within " + Format.ms(o.naiveWaitedMs()) + " (unexpected)";
        String naive = o.naiveNoticedMs() == null
                ? "an idle socket without keepalive had noticed nothing after the same " + Format.ms(o.naiveWaitedMs())
                        + " (Linux's own keepalive, where enabled, waits 2 h)"
                : "the socket without keepalive ended after " + Format.ms(o.naiveNoticedMs()) + " (unexpected)";
        return "TCP keepalive, with packets really dropped (iptables in a private network namespace; through a proxy the"
                + " kernel would answer the probes): " + tether + "; " + naive + ". tether's default timers (15 s idle, 3 probes"
                + " 5 s apart) take ~30 s.";
    }
}
