package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;

import java.time.Duration;
import java.util.Map;

/**
 * 12. The server restarts in a quiet moment (a deploy, a failover, a crash and its supervisor):
 * every connection it had is dead, though the server is back before the next command.
 */
public final class RedisRestart implements RedisScenario {
    public String id() { return "redis-restart"; }

    public String title() { return "Redis: the server restarts between two commands"; }

    public String fault() { return "the lab's redis-server is killed and started again on the same port; no command in between"; }

    @Override
    public boolean ownServerOnly() {
        return true;
    }

    @Override
    public String changes() {
        return "stop and start the server";
    }

    public void run(Trial t) throws Exception {
        RedisTarget redis = t.redis();
        t.redisClient(redis.port(), Duration.ofSeconds(5));
        String key = t.key("session");
        t.step("commands");
        t.command("SET", key, "alive");
        t.command("GET", key);
        t.step("the server restarts");
        redis.stop();
        t.fault("redis-server killed: its connections close");
        redis.start();
        t.fault("redis-server back on the same port");
        t.sleep(200); // pacing: the next command comes a moment later, when a socket left in CLOSE_WAIT counts
        t.sample();
        t.step("commands after the restart");
        t.commands((int) t.ms(3, 5), t.ms(50, 200), "SET", key, "alive");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult bare = r.get("naive");
        ClientResult pool = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "The server was back before the next command, yet the bare connection "
                + RedisSentences.bareFailures(bare) + "; the naive pool lent its dead connection ("
                + Format.count(pool.failed(), "failure") + ") before opening a new one; meanwhile "
                + Format.closeWait("the bare connection", bare.closeWait(), "the pool", pool.closeWait()) + "; tether's watcher had dropped its connection"
                + " when the server's close arrived, so " + tether.failed() + " failed and nothing sat in CLOSE_WAIT (" + tether.closeWait() + ").";
    }
}
