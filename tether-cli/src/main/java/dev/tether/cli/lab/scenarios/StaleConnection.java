package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;

import java.time.Duration;
import java.util.Map;

/** 1. The server closes idle keep-alive connections with a FIN; the next request meets a dead socket. */
public final class StaleConnection implements Scenario {
    public String id() { return "stale-fin"; }

    public String title() { return "stale connection: the server closes idle keep-alive connections (FIN)"; }

    public String fault() { return "server idle timeout (FIN) shorter than the pauses between requests"; }

    public void run(Trial t) throws Exception {
        long idle = t.ms(300, 1000);
        LabServer server = t.server(LabServer.builder().idleTimeout(Duration.ofMillis(idle)));
        t.client(server.port(), Duration.ofSeconds(5));
        int cycles = (int) t.ms(2, 3);
        for (int i = 0; i < cycles; i++) {
            t.step("two requests on the kept-alive connection");
            t.gets(2, 30);
            t.step("pause " + (idle + 300) + " ms; the server closes idle connections after " + idle + " ms");
            t.faultAfter(idle + 20, "server closes the idle connection (FIN)");
            t.sleep(280);
            t.sample();
        }
        t.step("two more requests");
        t.gets(2, 0);
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "The naive client reused the socket the server had closed: " + naive.failed() + " of its " + naive.sent()
                + " requests failed and it held " + Format.count(naive.closeWait(), "socket") + " in CLOSE_WAIT while it waited; tether's"
                + " idle watcher saw each FIN and closed the connection at once, so " + tether.failed()
                + " failed and nothing sat in CLOSE_WAIT (" + tether.closeWait() + ").";
    }
}
