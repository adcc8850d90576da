package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * 11. A connection reset while a command is in flight: the server applied it, its reply is lost.
 * A GET may be sent again; an INCR sent again is applied twice. tether-chaos holds the server's
 * replies (latency downstream) and resets the connection once the server shows it ran the
 * command, so the command has surely been applied and its reply surely lost.
 */
public final class RedisInFlight implements RedisScenario {
    public String id() { return "redis-in-flight"; }

    public String title() { return "Redis: a connection reset with a command in flight (GET, then INCR)"; }

    public String fault() {
        return "tether-chaos holds the server's reply, then resets the connection (RST): the command was applied, its reply lost";
    }

    @Override
    public List<ClientKind> clients() {
        return List.of(ClientKind.NAIVE_POOL, ClientKind.RETRYING, ClientKind.TETHER);
    }

    public void run(Trial t) throws Exception {
        RedisTarget redis = t.redis();
        ChaosProxy proxy = t.proxy(redis.port());
        t.redisClient(proxy.port(), Duration.ofSeconds(5));
        String counter = t.key("orders");
        String key = t.key("order");
        t.step("commands");
        t.command("SET", key, "paid");
        t.command("INCR", counter);
        long hold = t.ms(200, 500);
        t.step("GET in flight: its reply held " + hold + " ms, the connection reset meanwhile");
        inFlight(t, redis, proxy, hold, "GET", key);
        t.step("a command on a new connection, then INCR in flight: applied, its reply held, the connection reset meanwhile");
        // The reset took the connection: this one opens another, so that the INCR leaves on an established
        // connection, not behind a new connection's handshake (which the reset would catch instead).
        t.command("GET", key);
        inFlight(t, redis, proxy, hold, "INCR", counter);
        t.step("commands after");
        t.command("INCR", counter);
        t.command("GET", key);
    }

    /**
     * Sends {@code command} while the proxy holds replies for {@code hold} ms; as soon as the server
     * shows it ran the command (CLIENT LIST), every connection through the proxy is reset: applied,
     * its reply held, never delivered.
     */
    private static void inFlight(Trial t, RedisTarget redis, ChaosProxy proxy, long hold, String... command) {
        Toxic held = proxy.addToxic(Toxic.latency(Duration.ofMillis(hold)));
        CompletableFuture<Void> reset = CompletableFuture.runAsync(() -> {
            try {
                boolean ran = redis.awaitCommand(t.clientName(), command[0], hold);
                t.fault("reset while " + command[0] + "'s reply is held" + (ran ? "" : " (the server had not shown it yet)"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            proxy.resetConnections();
        });
        t.command(command);
        reset.join();
        proxy.removeToxic(held.name());
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult naive = r.get("naive pool");
        ClientResult retrying = r.get("naive+retry");
        ClientResult tether = r.get("tether");
        return "The naive pool failed both commands in flight (" + naive.failed() + " failed; the INCR was applied all the"
                + " same, and the application cannot know it); the client that re-sends after any failure hid both errors"
                + " and applied the INCR twice (" + Format.count(retrying.duplicates(), "duplicate") + "); tether sent the GET"
                + " again on a fresh connection (a read, no reply byte yet) and did not re-send the INCR, whose bytes had"
                + " left: " + Format.count(tether.failed(), "failure") + ", which said that the INCR may have been applied, and "
                + Format.count(tether.duplicates(), "duplicate") + ".";
    }
}
