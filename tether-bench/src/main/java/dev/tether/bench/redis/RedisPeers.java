package dev.tether.bench.redis;

import dev.tether.redis.Pipeline;
import dev.tether.redis.RedisClient;
import dev.tether.redis.RedisClientConfig;
import dev.tether.redis.RedisUri;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The three clients behind one interface: tether-redis, Jedis (JedisPool) and Lettuce (one shared
 * connection, sync API; async for pipelines, Lettuce's way to pipeline), each with its defaults but
 * the number of pooled connections: {@code connections} for tether; {@code jedis} is JedisPool with
 * its default pool (8 connections), {@code jedis-32} the same with as many connections as tether is
 * given, so that a pool limit is not what is measured; Lettuce multiplexes one connection by design. {@code name} is sent with CLIENT SETNAME on every connection, so that the kill tables
 * can kill exactly this client's connections.
 */
final class RedisPeers {
    static final String[] NAMES = {"tether", "jedis", "lettuce"};

    interface Client extends AutoCloseable {
        String get(String key);

        void set(String key, String value);

        long incr(String key);

        /** {@code n} GETs of {@code key} in one round trip; the last reply. */
        String pipelinedGets(String key, int n);

        /** {@code n} SETs of {@code key} in one round trip. */
        void pipelinedSets(String key, String value, int n);

        @Override
        void close();
    }

    private RedisPeers() {
    }

    static Client create(String peer, String url, String name, int connections) {
        RedisUri u = RedisUri.parse(url);
        switch (peer) {
            case "tether":
                return tether(url, name, connections, RedisClientConfig.DEFAULT.autoPipelining());
            case "tether-solo":
                return tether(url, name, connections, 0);
            case "jedis":
                return jedis(u, name, new JedisPoolConfig().getMaxTotal());
            case "jedis-32":
                return jedis(u, name, connections);
            case "lettuce":
                return lettuce(u, name);
            default:
                if (peer.startsWith("tether-bp")) {
                    // SocketConfig.busyPoll in microseconds: what another budget would do to the shared round trips.
                    return tether(url, name, connections, RedisClientConfig.DEFAULT.autoPipelining(),
                            Duration.ofNanos(1000L * Integer.parseInt(peer.substring("tether-bp".length()))));
                }
                if (peer.startsWith("tether-ap")) {
                    return tether(url, name, connections, Integer.parseInt(peer.substring("tether-ap".length())));
                }
                throw new IllegalArgumentException("peer: " + peer + " (expected: tether, tether-solo (no auto-pipelining),"
                        + " tether-apN (auto-pipelining on N connections), tether-bpN (busy polling for N us), jedis, jedis-32 or lettuce)");
        }
    }

    private static Client tether(String url, String name, int connections, int autoPipelining) {
        return tether(url, name, connections, autoPipelining, null);
    }

    private static Client tether(String url, String name, int connections, int autoPipelining, Duration busyPoll) {
        RedisClientConfig.Builder b = RedisClientConfig.builder(url).clientName(name)
                .pool(p -> p.maxPerKey(connections).maxTotal(connections)).autoPipelining(autoPipelining);
        if (busyPoll != null) {
            b.socket(s -> s.busyPoll(busyPoll));
        }
        RedisClient c = RedisClient.create(b.build());
        return new Client() {
            public String get(String key) { return c.get(key); }
            public void set(String key, String value) { c.set(key, value); }
            public long incr(String key) { return c.incr(key); }

            public String pipelinedGets(String key, int n) {
                Pipeline p = c.pipeline();
                for (int i = 0; i < n; i++) {
                    p.add("GET", key);
                }
                return p.execute().getString(n - 1);
            }

            public void pipelinedSets(String key, String value, int n) {
                Pipeline p = c.pipeline();
                for (int i = 0; i < n; i++) {
                    p.add("SET", key, value);
                }
                p.execute();
            }

            public void close() { c.close(); }
        };
    }

    private static Client jedis(RedisUri u, String name, int connections) {
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(connections);
        config.setMaxIdle(connections);
        JedisPool pool = new JedisPool(config, u.host(), u.port(), 2000, u.password(), u.database(), name);
        return new Client() {
            public String get(String key) {
                try (Jedis j = pool.getResource()) {
                    return j.get(key);
                }
            }

            public void set(String key, String value) {
                try (Jedis j = pool.getResource()) {
                    j.set(key, value);
                }
            }

            public long incr(String key) {
                try (Jedis j = pool.getResource()) {
                    return j.incr(key);
                }
            }

            public String pipelinedGets(String key, int n) {
                try (Jedis j = pool.getResource()) {
                    redis.clients.jedis.Pipeline p = j.pipelined();
                    redis.clients.jedis.Response<String> last = null;
                    for (int i = 0; i < n; i++) {
                        last = p.get(key);
                    }
                    p.sync();
                    return last.get();
                }
            }

            public void pipelinedSets(String key, String value, int n) {
                try (Jedis j = pool.getResource()) {
                    redis.clients.jedis.Pipeline p = j.pipelined();
                    for (int i = 0; i < n; i++) {
                        p.set(key, value);
                    }
                    p.sync();
                }
            }

            public void close() { pool.close(); }
        };
    }

    private static Client lettuce(RedisUri u, String name) {
        io.lettuce.core.RedisURI.Builder b = io.lettuce.core.RedisURI.builder().withHost(u.host()).withPort(u.port())
                .withDatabase(u.database()).withClientName(name);
        if (u.password() != null) {
            b.withPassword(u.password().toCharArray());
        }
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(b.build());
        StatefulRedisConnection<String, String> conn = client.connect();
        RedisCommands<String, String> sync = conn.sync();
        RedisAsyncCommands<String, String> async = conn.async();
        return new Client() {
            public String get(String key) { return sync.get(key); }
            public void set(String key, String value) { sync.set(key, value); }
            public long incr(String key) { return sync.incr(key); }

            public String pipelinedGets(String key, int n) {
                List<RedisFuture<String>> fs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    fs.add(async.get(key));
                }
                LettuceFutures.awaitAll(Duration.ofSeconds(60), fs.toArray(new RedisFuture[0]));
                try {
                    return fs.get(n - 1).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            public void pipelinedSets(String key, String value, int n) {
                List<RedisFuture<String>> fs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    fs.add(async.set(key, value));
                }
                LettuceFutures.awaitAll(Duration.ofSeconds(60), fs.toArray(new RedisFuture[0]));
            }

            public void close() {
                conn.close();
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        };
    }
}
