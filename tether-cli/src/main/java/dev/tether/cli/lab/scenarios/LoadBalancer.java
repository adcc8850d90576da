package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;

import java.time.Duration;
import java.util.Map;

/** 8. A load balancer with a shorter idle timeout than the server it fronts, and than the server advertises. */
public final class LoadBalancer implements Scenario {
    public String id() { return "load-balancer"; }

    public String title() { return "a load balancer in front with a shorter idle timeout than the server"; }

    public String fault() { return "tether-chaos idle_close (RST) in front of a server that advertises Keep-Alive: timeout=30"; }

    public void run(Trial t) throws Exception {
        long lbIdle = t.ms(400, 1000);
        LabServer server = t.server(LabServer.builder().idleTimeout(Duration.ofSeconds(30)).advertise(Duration.ofSeconds(30)));
        ChaosProxy lb = t.proxy(server.port());
        lb.addToxic(Toxic.idleClose(Duration.ofMillis(lbIdle), true));
        t.client(lb.port(), Duration.ofSeconds(5));
        int cycles = (int) t.ms(2, 3);
        for (int i = 0; i < cycles; i++) {
            t.step("requests");
            t.gets(2, 30);
            t.step("pause " + (lbIdle + 250) + " ms: longer than the load balancer's " + lbIdle + " ms, far below the server's 30 s");
            t.faultAfter(lbIdle + 20, "load balancer resets the idle connection");
            t.sleep(230);
        }
        t.gets(2, 0);
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "The server said its connections live 30 s, but the load balancer in front drops them much sooner: the naive"
                + " client failed " + Format.count(naive.failed(), "time") + "; tether trusted the header only as an upper bound, its watcher"
                + " saw the balancer's reset and learned the shorter timeout (" + tether.detail() + "), so "
                + tether.failed() + " failed. The rule: client idle timeout < load balancer's < server's.";
    }
}
