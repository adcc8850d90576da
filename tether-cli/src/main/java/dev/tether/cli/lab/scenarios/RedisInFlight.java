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
 * An INCR sent again is applied twice; a GET may be sent again. tether-chaos holds the server's
 * replies (latency downstream) and resets the connection once the server shows it ran the
 * command, so the command has surely been applied and its reply surely lost. The INCR goes first:
 * the bare connection never reconnects, so only its first command in flight leaves at all, and the
 * INCR is the one whose fate the application needs to know.
 */
public final class RedisInFlight implements RedisScenario {
    public String id() { return "redis-in-flight"; }

    public String title() { return "Redis: a connection reset with a command in flight (INCR, then GET)"; }

    public String fault() {
        return "tether-chaos holds the server's reply, then resets the connection (RST): the command was applied, its reply lost";
    }

    @Override
    public List<ClientKind> clients() {
        return List.of(ClientKind.NAIVE, ClientKind.NAIVE_POOL, ClientKind.RETRYING, ClientKind.TETHER);
    }

    public void run(Trial t) throws Exception {
        RedisTarget redis = t.redis();
        ChaosProxy proxy = t.proxy(redis.port());
        t.redisClient(proxy.port(), Duration.ofSeconds(5));
        String counter = t.key("orders");
        String key = t.key("order");
        // Before each command in flight, another command: the server's client list shows a connection's last
        // command, so the one in flight is seen only if the one before it was something else.
        t.step("commands");
        t.command("INCR", counter);
        t.command("SET", key, "paid");
        long hold = t.ms(200, 500);
        t.step("INCR in flight: applied, its reply held " + hold + " ms, the connection reset meanwhile");
        inFlight(t, redis, proxy, hold, "INCR", counter);
        t.step("a command on a new connection, then GET in flight: its reply held, the connection reset meanwhile");
        // The reset took the connection: a pool opens another here, so that the GET leaves on an established
        // connection, not behind a new connection's handshake (which the reset would catch instead).
        t.command("SET", key, "paid");
        inFlight(t, redis, proxy, hold, "GET", key);
        t.step("commands after");
        t.command("INCR", counter);
        t.command("GET", key);
    }

    /**
     * Sends {@code command} while the proxy holds replies for {@code hold} ms; as soon as the server
     * shows it ran the command (CLIENT LIST), every connection through the proxy is reset: applied,
     * its reply held, never delivered. (A client that sent nothing, the bare connection after its
     * first failure, is reset all the same once {@code hold} has passed: there is nothing to reset.)
     */
    private static void inFlight(Trial t, RedisTarget redis, ChaosProxy proxy, long hold, String... command) throws IOException {
        // The first look at the client list opens the lab's admin connection: taken now, so that a connect on a busy
        // machine does not make the look that must find the command come after the reply is let go.
        redis.connectionsNamed(t.clientName());
        Toxic held = proxy.addToxic(Toxic.latency(Duration.ofMillis(hold)));
        CompletableFuture<Void> reset = CompletableFuture.runAsync(() -> {
            try {
                boolean ran = redis.awaitCommand(t.clientName(), command[0], hold);
                t.fault(ran ? "reset while " + command[0] + "'s reply is held"
                        : "reset; the server had not shown " + command[0] + " within " + hold + " ms");
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
        ClientResult bare = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult retrying = r.get("naive+retry");
        ClientResult tether = r.get("tether");
        String said = bare.firstError() == null ? "" : " with \"" + bare.firstError() + "\""
                + (bare.firstError().contains("applied") ? "" : ", which does not say whether it was applied");
        return "The bare connection (one socket, like the field note's create_redis) saw its " + RedisSentences.firstFailed(bare)
                + " in flight fail" + said + " (" + RedisSentences.appliedAfterFailure(bare) + "); in all, it "
                + RedisSentences.bareFailures(bare) + ". The naive pool failed both commands in flight (" + pool.failed()
                + " failed; " + RedisSentences.appliedAfterFailure(pool) + ", and the application cannot know it); the client"
                + " that re-sends after any failure hid both errors and applied the INCR twice ("
                + Format.count(retrying.duplicates(), "duplicate") + "); tether did not re-send the INCR, whose bytes had left: "
                + Format.count(tether.failed(), "failure") + (tether.firstError() != null && tether.firstError().contains("may have been applied")
                ? ", which said that the INCR may have been applied (" : " (it said \"" + tether.firstError() + "\"; ")
                + RedisSentences.appliedAfterFailure(tether) + "), and " + Format.count(tether.duplicates(), "duplicate")
                + "; it sent the GET again on a fresh connection (a read, no reply byte yet).";
    }
}
