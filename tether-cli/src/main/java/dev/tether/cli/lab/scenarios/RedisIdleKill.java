package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;

import java.time.Duration;
import java.util.Map;

/**
 * 10. The field note's experiment: a client's idle Redis connection killed from the server side
 * (CLIENT KILL standing for tcpkill), then the next command. The bare connection is the note's
 * {@code create_redis}, the naive pool JedisPool with its defaults.
 */
public final class RedisIdleKill implements RedisScenario {
    public String id() { return "redis-idle-kill"; }

    public String title() { return "Redis: an idle connection killed (CLIENT KILL, the field note's tcpkill)"; }

    public String fault() { return "CLIENT KILL ID of the client's own idle connection, then a command 50 ms later; round after round"; }

    public void run(Trial t) throws Exception {
        RedisTarget redis = t.redis();
        t.redisClient(redis.port(), Duration.ofSeconds(5));
        String counter = t.key("visits");
        int rounds = (int) t.ms(5, 20);
        t.step(rounds + " rounds: INCR, kill the idle connection, 50 ms, INCR");
        for (int i = 0; i < rounds; i++) {
            t.command("INCR", counter);
            int killed = redis.kill(t.clientName());
            t.fault("CLIENT KILL: " + Format.count(killed, "idle connection") + " killed");
            t.sleep(50); // pacing: the field note's next request, a moment after the kill
            t.command("INCR", counter);
        }
        t.step("one more INCR");
        t.command("INCR", counter);
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult bare = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "The bare connection (one socket, like the field note's create_redis) " + RedisSentences.bareFailures(bare)
                + "; the naive pool (JedisPool's defaults) lent the killed connection unchecked, "
                + Format.count(pool.failed(), "failure") + " in " + Format.count((pool.sent() - 1) / 2, "round") + ", each time"
                + " before it opened a new one; tether's idle watcher saw the FIN of each killed connection and dropped it before the next command,"
                + " so " + tether.failed() + " failed (" + Format.count(tether.duplicates(), "INCR") + " applied twice).";
    }
}
