package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;

import java.time.Duration;
import java.util.Map;

/** 5. The server is down (connection refused), then back on the same port. */
public final class Refused implements Scenario {
    public String id() { return "refused"; }

    public String title() { return "connection refused while the server is down, recovery when it is back"; }

    public String fault() { return "the server stops (FIN to live connections, nothing listens), then restarts on the same port"; }

    public void run(Trial t) throws Exception {
        LabServer server = t.server(LabServer.builder());
        t.client(server.port(), Duration.ofSeconds(5));
        t.step("requests");
        t.gets(2, 0);
        t.step("the server is down");
        server.stop();
        t.fault("server stops");
        t.sleep(200); // long enough for a socket left in CLOSE_WAIT to count
        t.sample();
        long interval = t.ms(120, 250);
        t.getsFor(t.ms(600, 2000), interval);
        server.start();
        t.fault("server back");
        t.step("the server is back");
        t.gets(3, interval);
    }

    /** How long the first request after the server came back took, in ms (-1: none). */
    static long firstAfterBack(ClientResult c) {
        long back = -1;
        for (var e : c.events()) {
            if (e.kind().equals("fault") && e.label().equals("server back")) {
                back = e.t();
            } else if (back >= 0 && (e.kind().equals("ok") || e.kind().equals("fail"))) {
                return e.end() - e.t();
            }
        }
        return -1;
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "While nothing listened both clients failed (" + naive.failed() + " and " + tether.failed()
                + ": the connect is refused at once, which is the honest answer); the naive client first held the closed"
                + " socket in CLOSE_WAIT (" + naive.closeWait() + ") and lost a request on it, tether's watcher had already"
                + " closed it (" + tether.closeWait() + "). After the restart the naive client's first request took "
                + firstAfterBack(naive) + " ms; tether's took " + firstAfterBack(tether) + " ms because its pool spaces"
                + " reconnects to a refusing server (backoff from 100 ms, doubling) instead of hammering it.";
    }
}
