package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;
import dev.tether.redis.RedisClientConfig;

import java.time.Duration;
import java.util.Map;

/**
 * 15. The server vanishes without a packet (a crashed host, a dropped route, a failover that
 * leaves the old address silent): only a timeout ends the wait for a reply. (The TCP keepalive
 * part of this failure is scenario 4's; it is the same for any protocol.) A client with no read
 * timeout, the bare connection or the naive pool, waits until the lab's patience runs out; the lab
 * then closes its socket, so that no thread or socket of it outlives the scenario, and reports the wait.
 */
public final class RedisBlackhole implements RedisScenario {
    public String id() { return "redis-blackhole"; }

    public String title() { return "Redis: the server vanishes (blackhole): only a timeout ends the wait"; }

    public String fault() { return "tether-chaos blackhole: the proxy stops forwarding, sockets stay open"; }

    @Override
    public RedisClientConfig.Builder tetherRedis(boolean quick) {
        return RedisScenario.super.tetherRedis(quick).socket(s -> s.readTimeout(Duration.ofMillis(quick ? 500 : 1000)));
    }

    public void run(Trial t) throws Exception {
        RedisTarget redis = t.redis();
        ChaosProxy proxy = t.proxy(redis.port());
        t.redisClient(proxy.port(), t.duration(1500, 3000));
        String key = t.key("stock");
        t.step("commands");
        t.command("SET", key, "12");
        t.command("GET", key);
        t.step("the server vanishes; one command");
        Toxic hole = proxy.addToxic(Toxic.blackhole());
        t.fault("blackhole: nothing comes back");
        t.command("GET", key);
        proxy.removeToxic(hole.name());
        t.fault("the server is back");
        t.step("commands after");
        t.command("GET", key);
        t.command("SET", key, "11");
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult bare = r.get("naive");
        ClientResult naive = r.get("naive pool");
        ClientResult tether = r.get("tether");
        int notSent = RedisSentences.notSent(bare);
        // Only a command the lab gave up on leaves the bare connection's later commands unsent.
        String bareSaw = notSent == 0 ? "the bare connection " + RedisSentences.bareFailures(bare)
                : "the bare connection's " + RedisSentences.firstFailed(bare) + " was still waiting after "
                + Format.ms(RedisSentences.firstFailureMs(bare)) + ", when the lab gave up and closed its socket; its "
                + Format.count(notSent, "later command") + (notSent == 1 ? " was" : " were") + " not sent, since in a real"
                + " application they would still be waiting behind it (" + bare.failed() + " of " + bare.sent() + " failed,"
                + " recovered: " + Format.ms(bare.recoverMs()) + ")";
        return "Redis answers in microseconds, yet a client with no read timeout waits as long as the server stays silent, its"
                + " caller's thread held all along: " + bareSaw + "; the naive pool's " + RedisSentences.firstFailed(naive)
                + " was still waiting after " + Format.ms(RedisSentences.firstFailureMs(naive)) + " too, and the pool opened a"
                + " new connection for the next command (recovered in " + Format.ms(naive.recoverMs()) + ", the hang"
                + " included); tether's read timeout (RedisClientConfig.socket(s -> s.readTimeout(...)): 10 s by default,"
                + " shorter here) failed the command with READ_TIMEOUT, not retried since the server may still be working on"
                + " it, and it recovered in " + Format.ms(tether.recoverMs()) + ".";
    }
}
