package dev.tether.cli.lab.redis;

import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.Scenario;
import dev.tether.redis.RedisClientConfig;

import java.util.List;

/**
 * A scenario against Redis: its trials get a Redis of their own ({@link dev.tether.cli.lab.Trial#redis()})
 * and a Redis client ({@link dev.tether.cli.lab.Trial#redisClient}). It runs only when the lab has a
 * Redis ({@link LabRedis#unavailable()}), and, if it restarts the server or changes its settings,
 * only on the lab's own.
 */
public interface RedisScenario extends Scenario {

    /** Whether the scenario restarts the server or changes its settings: it never runs on a server named with --redis. */
    default boolean ownServerOnly() {
        return false;
    }

    /** What the scenario does to the server, for the line that says why it was skipped on the user's. */
    default String changes() {
        return null;
    }

    /**
     * The field note's pair, a bare connection ({@code create_redis}) and a pool that trusts its idle
     * connections (JedisPool's defaults), beside tether.
     */
    @Override
    default List<ClientKind> clients() {
        return List.of(ClientKind.NAIVE, ClientKind.NAIVE_POOL, ClientKind.TETHER);
    }

    /**
     * tether's settings for this scenario: the defaults (pool named {@code lab}) unless the failure
     * needs a shorter timeout to show. The server, its credentials and the client's name are set by the trial.
     */
    default RedisClientConfig.Builder tetherRedis(boolean quick) {
        return RedisClientConfig.builder().pool(p -> p.name("lab"));
    }
}
