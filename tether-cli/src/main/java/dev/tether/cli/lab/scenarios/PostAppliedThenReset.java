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

/** 7. The server applies a POST and then the connection dies before the answer: a blind retry applies it twice. */
public final class PostAppliedThenReset implements Scenario {
    public String id() { return "post-twice"; }

    public String title() { return "a POST applied, then the connection reset: retried blindly, it is applied twice"; }

    public String fault() { return "the server applies the POST, then resets the connection before answering"; }

    @Override
    public List<ClientKind> clients() {
        return List.of(ClientKind.NAIVE, ClientKind.RETRYING, ClientKind.TETHER);
    }

    public void run(Trial t) throws Exception {
        LabServer server = t.server(LabServer.builder());
        t.client(server.port(), Duration.ofSeconds(5));
        t.step("requests");
        t.gets(2, 0);
        t.step("POST /orders: applied, then reset");
        server.applyThenResetNextPost();
        t.fault("server applies the POST, then resets");
        t.send("POST", "/orders");
        t.step("requests after");
        t.get();
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult retrying = r.get("naive+retry");
        ClientResult tether = r.get("tether");
        return "The client that re-sends after any failure hid the error and applied the order " + Format.count(1 + retrying.duplicates(), "time")
                + " (" + Format.count(retrying.duplicates(), "duplicate") + "); tether did not re-send a POST whose bytes had left"
                + " (" + Format.count(tether.duplicates(), "duplicate") + ") and told the application it may have been applied, so it can"
                + " check or retry with an Idempotency-Key.";
    }
}
