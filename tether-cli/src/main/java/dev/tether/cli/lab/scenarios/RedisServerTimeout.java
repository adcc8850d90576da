package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;

import java.time.Duration;
import java.util.Map;

/**
 * 13. The server's own idle {@code timeout} closes connections idle longer than N seconds (Redis
 * counts whole seconds, so it closes them between N and N+1 s of idle). Set on the lab's own server
 * only: CONFIG SET changes the whole server.
 */
public final class RedisServerTimeout implements RedisScenario {
    public String id() { return "redis-server-timeout"; }

    public String title() { return "Redis: the server's idle timeout closes connections (CONFIG SET timeout)"; }

    public String fault() { return "CONFIG SET timeout on the lab's own redis-server (1 s in --quick, else 2 s); pauses past it"; }

    @Override
    public boolean ownServerOnly() {
        return true;
    }

    @Override
    public String changes() {
        return "set the server's timeout";
    }

    public void run(Trial t) throws Exception {
        RedisTarget redis = t.redis();
        int timeout = (int) t.ms(1, 2);
        redis.configSet("timeout", Integer.toString(timeout));
        t.redisClient(redis.port(), Duration.ofSeconds(5));
        String key = t.key("cart");
        int cycles = (int) t.ms(1, 2);
        for (int i = 0; i < cycles; i++) {
            t.step("commands");
            t.command("SET", key, "3 items");
            t.command("GET", key);
            t.step("idle until the server's timeout (" + timeout + " s) closes the connection");
            waitForClose(t, redis, timeout);
        }
        t.step("commands after");
        t.command("GET", key);
        t.command("SET", key, "4 items");
    }

    /**
     * Waits until the server has closed the client's connection (none of its name left), at most
     * {@code timeout} + 3 s; marks the close on the timeline. A client with no connection left waits
     * its turn all the same (pacing), so that every client meets the same pause.
     */
    static void waitForClose(Trial t, RedisTarget redis, int timeoutS) throws Exception {
        long deadline = System.nanoTime() + (timeoutS + 3) * 1_000_000_000L;
        long earliest = System.nanoTime() + timeoutS * 1_000_000_000L; // Redis closes after N s at the soonest
        while (System.nanoTime() < deadline && (System.nanoTime() < earliest || redis.connectionsNamed(t.clientName()) > 0)) {
            t.sleep(50); // pacing: polls the server's client list
        }
        t.fault("the server closed the idle connection (timeout " + timeoutS + " s)");
        t.sleep(200); // pacing: the next command comes a moment later, when a socket left in CLOSE_WAIT counts
        t.sample();
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult bare = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "Redis closes a connection idle longer than its timeout with a FIN, as any client would see after a quiet"
                + " spell: the bare connection " + RedisSentences.bareFailures(bare) + "; the naive pool lent the closed"
                + " connection once per close (" + Format.count(pool.failed(), "failure") + "); until they used it, "
                + Format.closeWait("the bare connection", bare.closeWait(), "the pool", pool.closeWait())
                + "; tether's watcher saw the FIN and dropped the connection first, so " + tether.failed() + " failed. To"
                + " retire connections before the server does (no command racing its close), set RedisClientConfig.pool(p ->"
                + " p.idleTimeout(...)) below the timeout; tether probe redis://HOST:PORT reads it.";
    }
}
