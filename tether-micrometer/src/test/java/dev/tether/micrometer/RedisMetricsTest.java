package dev.tether.micrometer;

import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;
import dev.tether.redis.RedisAdmin;
import dev.tether.redis.RedisClient;
import dev.tether.redis.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The binder on a RedisClient of the machine's Redis whose connections the server kills (CLIENT KILL, by name). */
class RedisMetricsTest {

    @Test
    void killedConnectionsAndTheirReplacementsAreCounted() {
        TestRedis.require();
        String name = RedisAdmin.uniqueName("metrics");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisAdmin admin = RedisAdmin.machine();
             RedisClient client = RedisClient.create(TestRedis.config(name).pool(p -> p.name("metrics-redis")).build());
             TetherMetrics metrics = TetherMetrics.builder(client).viewMaxAge(Duration.ZERO).build()) {
            metrics.bindTo(registry);
            client.set(name, "1");
            assertThat(client.get(name)).isEqualTo("1");
            assertThat(admin.kill(name)).isEqualTo(1); // idle: the watcher sees it go
            await().atMost(Duration.ofSeconds(10)).until(() -> client.poolView().closed(Reason.PEER_CLOSED) == 1);
            assertThat(client.get(name)).isEqualTo("1");
            client.del(name);

            String route = client.poolView().keys().get(0).route();
            assertThat(registry.get("tether.pool.opened").tags("pool", "metrics-redis", "kind", "redis", "route", route)
                    .counter().count()).isEqualTo(2);
            assertThat(registry.get("tether.pool.closed").tag("reason", "peer_closed").counter().count()).isEqualTo(1);
            assertThat(registry.get("tether.pool.connection.age").tag("reason", "peer_closed").summary().count()).isEqualTo(1);
            assertThat(registry.get("tether.pool.acquire").tag("route", route).timer().count()).isEqualTo(4);
            assertThat(registry.get("tether.pool.connections").tag("route", route).tag("state", "idle").gauge().value()).isEqualTo(1);
            assertThat(registry.get("tether.client.retries").tag("outcome", "succeeded").functionCounter().count())
                    .isEqualTo(client.poolView().retries(RetryOutcome.SUCCEEDED));
            assertThat(registry.find("tether.pool.idle.timeout.learned").gauges()).isEmpty(); // Redis learns none
        }
    }
}
