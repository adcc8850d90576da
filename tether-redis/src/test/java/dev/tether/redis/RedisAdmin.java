package dev.tether.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The tests' view of a Redis server as its administrator: where it is, and how to kill the
 * connections of one client, found by the name that client gives its connections (CLIENT SETNAME),
 * with CLIENT KILL ID: never another client's (the server is shared). No JUnit here, so that
 * tether-bench's kill tables use the same code.
 */
public final class RedisAdmin implements AutoCloseable {
    /** The machine's Redis: {@code TETHER_REDIS_URL}, or 127.0.0.1:6379. */
    public static final String URL = System.getenv().getOrDefault("TETHER_REDIS_URL", "redis://127.0.0.1:6379");
    public static final String HOW_TO_START = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no";

    private final RedisClient client;

    public RedisAdmin(String url) {
        this(RedisClientConfig.builder(url));
    }

    /** The administrator of the server {@code config} names (a TLS one: with its {@code tls} settings). */
    public RedisAdmin(RedisClientConfig.Builder config) {
        client = RedisClient.create(config.clientName("tether-test-admin").pool(p -> p.maxPerKey(2).maxTotal(2)).build());
    }

    public static RedisAdmin machine() {
        return new RedisAdmin(URL);
    }

    public RedisClient client() {
        return client;
    }

    /** A name unique to one test run: for a client's connections and the keys it uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The server ids of the connections named {@code name}. */
    public List<Long> idsNamed(String name) {
        List<Long> ids = new ArrayList<>();
        for (String line : client.send(Command.text("CLIENT", "LIST")).toString().split("\n")) {
            String id = null;
            boolean match = false;
            for (String field : line.trim().split(" ")) {
                if (field.startsWith("id=")) {
                    id = field.substring(3);
                } else if (field.equals("name=" + name)) {
                    match = true;
                }
            }
            if (match && id != null) {
                ids.add(Long.parseLong(id));
            }
        }
        return ids;
    }

    /** Kills every connection named {@code name} (CLIENT KILL ID each); returns how many. */
    public int kill(String name) {
        int killed = 0;
        for (long id : idsNamed(name)) {
            try {
                killed += (int) (long) (Long) client.send(Command.text("CLIENT", "KILL", "ID", id));
            } catch (RedisServerException gone) {
                // it closed by itself in the meantime
            }
        }
        return killed;
    }

    /** The integer value of {@code key}, 0 when it does not exist. */
    public long counter(String key) {
        String v = client.get(key);
        return v == null ? 0 : Long.parseLong(v.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    public void close() {
        client.close();
    }
}
