package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.support.LabServer;

import java.time.Duration;
import java.util.Map;

/**
 * 2. The request leaves just as the server's idle timer fires: the server resets it unread. The
 * embedded server widens the race to a window of W ms before its deadline (TECHNIQUES.md).
 */
public final class IdleRace implements Scenario {
    public String id() { return "idle-race"; }

    public String title() { return "race with the server's idle timer (RST), GET and POST"; }

    public String fault() { return "requests that reach the server in the last ms of its idle timeout are reset unread"; }

    public void run(Trial t) throws Exception {
        long idle = t.ms(400, 1000);
        long window = t.ms(150, 300);
        long raceAt = idle - window / 2;
        LabServer server = t.server(LabServer.builder().idleTimeout(Duration.ofMillis(idle)).resetOnIdle(true)
                .raceWindow(Duration.ofMillis(window)));
        t.client(server.port(), Duration.ofSeconds(5));
        t.step("first request");
        t.get();
        t.step("GET after " + raceAt + " ms idle, as the " + idle + " ms timer fires");
        t.faultAfter(raceAt, "GET meets the idle timer: reset");
        t.gets(2, 0);
        // Twice: tether trusts an idle timeout once two idle closes at the same age agree (a single
        // close at a random age may be a restart or a killed connection, not the server's timer).
        for (int i = 0; i < 2; i++) {
            t.step("pause past the idle timeout: the server resets the idle connection");
            t.faultAfter(idle + 150, "server resets the idle connection (RST)");
            t.get();
        }
        t.step("POST after " + raceAt + " ms idle, as the timer fires");
        t.faultAfter(raceAt, "POST meets the idle timer");
        t.send("POST", "/orders");
        t.get();
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive");
        ClientResult tether = r.get("tether");
        return "The naive client lost " + naive.failed() + " of " + naive.sent() + " requests to resets (the requests"
                + " never reached the application, but it cannot know that); tether re-sent the GET on a fresh connection"
                + " (reused connection, no response byte, idempotent), learned the server's idle timeout from the resets it"
                + " watched (two at the same idle age), and then retired connections before it, so the POST never met the race: " + tether.failed()
                + " failed (" + tether.detail() + ").";
    }
}
