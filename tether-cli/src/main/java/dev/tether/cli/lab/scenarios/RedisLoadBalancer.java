package dev.tether.cli.lab.scenarios;

import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Trial;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;

import java.time.Duration;
import java.util.Map;

/**
 * 14. Something between the application and Redis (a load balancer, a NAT gateway, a firewall)
 * drops connections idle longer than it allows, though Redis itself keeps them for ever.
 */
public final class RedisLoadBalancer implements RedisScenario {
    public String id() { return "redis-load-balancer"; }

    public String title() { return "Redis: a load balancer in front cuts idle connections (RST)"; }

    public String fault() { return "tether-chaos idle_close (RST) in front of a Redis that never closes idle connections itself"; }

    public void run(Trial t) throws Exception {
        long lbIdle = t.ms(300, 1000);
        RedisTarget redis = t.redis();
        ChaosProxy lb = t.proxy(redis.port());
        lb.addToxic(Toxic.idleClose(Duration.ofMillis(lbIdle), true));
        t.redisClient(lb.port(), Duration.ofSeconds(5));
        String key = t.key("profile");
        int cycles = (int) t.ms(2, 3);
        for (int i = 0; i < cycles; i++) {
            t.step("commands");
            t.command("SET", key, "v" + i);
            t.command("GET", key);
            t.step("idle past the load balancer's " + lbIdle + " ms, until it cuts the connection");
            t.sleep(lbIdle); // pacing: the idle spell
            for (long waited = 0; lb.connectionCount() > 0 && waited < 3000; waited += 10) {
                t.sleep(10); // pacing: until the balancer's timer has fired
            }
            t.fault("load balancer resets the idle connection");
            t.sleep(100); // pacing: the next command comes a moment after the cut
        }
        t.command("GET", key);
        t.command("GET", key);
    }

    public String explain(Map<String, ClientResult> r) {
        ClientResult bare = r.get("naive");
        ClientResult naive = r.get("naive pool");
        ClientResult tether = r.get("tether");
        return "Redis would have kept the connections (timeout 0), but the load balancer in front reset them after a short"
                + " idle spell: the bare connection " + RedisSentences.bareFailures(bare)
                + "; the naive pool lent the reset connection once per cut (" + Format.count(naive.failed(), "failure")
                + "); tether's"
                + " watcher saw each RST and dropped the connection before the next command, so " + tether.failed() + " failed."
                + " Where such a cut is silent (no RST), set RedisClientConfig.pool(p -> p.idleTimeout(...)) below it and keep"
                + " TCP keepalive on; the rule: client idle timeout < load balancer's < server's.";
    }
}
