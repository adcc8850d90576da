package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;
import dev.tether.http.HttpClientConfig;

import java.time.Duration;
import java.util.Map;

/**
 * 6. The server hangs before accepting: its accept queue (backlog 1) is full, SYNs are dropped,
 * and connects hang until a connect timeout ends them.
 */
public final class ConnectTimeout implements Scenario {
    public String id() { return "connect-timeout"; }

    public String title() { return "connect timeout: the server stops accepting (full accept queue)"; }

    public String fault() { return "live connections reset, then a listener with backlog 1 that never accepts, its queue full"; }

    @Override
    public HttpClientConfig tetherConfig(boolean quick) {
        return HttpClientConfig.builder().pool(p -> p.name("lab")).socket(s -> s.connectTimeout(Duration.ofSeconds(1))).build();
    }

    public void run(Trial t) throws Exception {
        LabServer server = t.server(LabServer.builder());
        t.client(server.port(), t.duration(2500, 5000));
        t.step("requests");
        t.gets(2, 0);
        t.step("the server hangs before accepting");
        server.stall();
        t.fault("accept queue full: SYNs dropped");
        t.sleep(50);
        t.gets(2, 0);
        server.unstall();
        t.fault("server accepts again");
        t.step("the server accepts again");
        t.gets(2, 0);
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "A connect into a full accept queue gets no answer at all: the naive client (no connect timeout) hung until the"
                + " lab gave up (Linux retries the SYN for about 2 minutes), longest failure streak " + Format.ms(naive.recoverMs())
                + "; tether's connect timeout (1 s here, 10 s by default) failed each of its " + Format.requests(tether.failed())
                + " with CONNECT_TIMEOUT and a message naming the endpoint, and it was back at the first request after"
                + " the server accepted again.";
    }
}
