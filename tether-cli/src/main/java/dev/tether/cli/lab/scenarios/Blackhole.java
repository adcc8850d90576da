package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Scenarios;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;
import dev.tether.http.HttpClientConfig;

import java.time.Duration;
import java.util.Map;

/** 4. The peer vanishes without a packet (cable, crashed host, iptables DROP): only timeouts end the wait. */
public final class Blackhole implements Scenario {
    public String id() { return "blackhole"; }

    public String title() { return "the peer vanishes (blackhole): read timeout and TCP keepalive"; }

    public String fault() { return "tether-chaos blackhole: the proxy stops forwarding, sockets stay open"; }

    @Override
    public HttpClientConfig tetherConfig(boolean quick) {
        return HttpClientConfig.builder().name("lab").readTimeout(Duration.ofMillis(quick ? 1000 : 2000)).build();
    }

    public void run(Trial t) throws Exception {
        LabServer server = t.server(LabServer.builder());
        ChaosProxy proxy = t.proxy(server.port());
        t.client(proxy.port(), t.duration(2500, 5000));
        t.step("requests");
        t.get();
        t.get();
        t.step("the peer vanishes; one request");
        Toxic hole = proxy.addToxic(Toxic.blackhole());
        t.fault("blackhole: nothing comes back");
        t.get();
        proxy.removeToxic(hole.name());
        t.fault("the peer is back");
        t.step("requests after the peer is back");
        t.get();
        t.get();
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "With no answer and no timeout the naive client would wait forever (here the lab gave up after "
                + Scenarios.ms(naive.recoverMs()) + "; Linux alone would take ~15 min of retransmissions, or 2 h of idle"
                + " before keepalive if nothing is sent); tether's read timeout failed the request (not retried: the server"
                + " may still be working on it) and it recovered in " + Scenarios.ms(tether.recoverMs()) + ". Its TCP"
                + " keepalive (15 s idle, 3 probes 5 s apart) closes idle connections to a vanished host in ~30 s; through"
                + " a proxy on loopback the kernel still answers probes, so the lab shows the read timeout only.";
    }
}
