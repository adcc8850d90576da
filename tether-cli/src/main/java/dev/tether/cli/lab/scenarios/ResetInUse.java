package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** 3. The peer resets connections (the tcpkill experiment): once while idle, once during a slow request. */
public final class ResetInUse implements Scenario {
    public String id() { return "reset"; }

    public String title() { return "the peer resets connections (tcpkill): idle and during a request"; }

    public String fault() { return "tether-chaos reset_now: every live connection gets an RST"; }

    public void run(Trial t) throws Exception {
        LabServer server = t.server(LabServer.builder());
        ChaosProxy proxy = t.proxy(server.port());
        t.client(proxy.port(), Duration.ofSeconds(5));
        t.step("requests");
        t.gets(3, 40);
        t.step("tcpkill during a slow request");
        long slow = t.ms(400, 800);
        CompletableFuture.runAsync(() -> {
            t.fault("reset every connection (request in flight)");
            proxy.resetConnections();
        }, CompletableFuture.delayedExecutor(slow / 3, TimeUnit.MILLISECONDS));
        t.send("GET", "/slow?ms=" + slow);
        t.get();
        t.step("tcpkill while the connection is idle");
        t.fault("reset every connection (idle)");
        proxy.resetConnections();
        t.sleep(100);
        t.gets(2, 0);
        t.step("requests after the resets");
        t.get();
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "The naive client failed " + Format.count(naive.failed(), "time") + ": once reading the answer of the request in flight, once"
                + " writing to the connection reset while idle; tether re-sent the GET that was in flight (reused connection,"
                + " no response byte yet, idempotent) and its watcher dropped the idle connection when the RST arrived, so"
                + " the application saw " + Format.count(tether.failed(), "failure") + " (" + tether.detail() + ").";
    }
}
