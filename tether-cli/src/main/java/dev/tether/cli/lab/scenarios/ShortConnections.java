package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** 9. A new connection per request (no pool) against keep-alive: connect cost and TIME_WAIT. */
public final class ShortConnections implements Scenario {
    public String id() { return "short-connections"; }

    public String title() { return "short connections (one per request) against keep-alive"; }

    public String fault() { return "none: the cost of not pooling, measured"; }

    @Override
    public List<ClientKind> clients() {
        return List.of(ClientKind.NO_POOL, ClientKind.TETHER);
    }

    @Override
    public boolean countsTimeWait() {
        return true;
    }

    public void run(Trial t) throws Exception {
        LabServer server = t.server(LabServer.builder());
        t.client(server.port(), Duration.ofSeconds(5));
        int n = (int) t.ms(200, 1000);
        t.step(Format.requests(n) + ", one after the other");
        t.gets(n, 0);
        t.note(t.meanRequestMicros() + " µs per request");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult noPool = r.get("no pool");
        ClientResult tether = r.get("tether");
        return "One connection per request opened " + Format.count(noPool.opened(), "connection") + " (" + noPool.detail()
                + ") and left " + Format.count(noPool.timeWait(), "socket") + " in TIME_WAIT on the client for 60 s each, ports it cannot reuse (at a few"
                + " hundred requests per second the ephemeral range runs out); the pool opened " + tether.opened()
                + " (" + tether.detail().replaceAll("^.*; ", "") + ") and left " + tether.timeWait() + ".";
    }
}
