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
 * part of this failure is scenario 4's; it is the same for any protocol.)
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
        ClientResult naive = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "Redis answers in microseconds, yet with no timeout the naive pool would wait for ever (here the lab gave up"
                + " after " + Format.ms(naive.recoverMs()) + "), its caller's thread held all along; tether's read timeout ("
                + "RedisClientConfig.socket(s -> s.readTimeout(...)): 10 s by default, shorter here) failed the command with"
                + " READ_TIMEOUT, not retried since the server may still be working on it, and it recovered in "
                + Format.ms(tether.recoverMs()) + ".";
    }
}
