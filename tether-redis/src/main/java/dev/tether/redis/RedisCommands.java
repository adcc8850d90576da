package dev.tether.redis;

import dev.tether.redis.internal.Convert;
import dev.tether.redis.internal.ScanIterator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands of a {@link RedisClient} (each on a pooled connection, retried as the command
 * table allows) and of a {@link RedisSession} (on its one connection). Everything goes through
 * {@link #send(Command)}; the typed methods only build the command and convert its reply.
 *
 * <p>Keys and values are binary-safe: {@code byte[]} forms send and return bytes as they are;
 * {@code String} forms send UTF-8 and decode replies as UTF-8. Failures: a server error reply is a
 * {@link RedisServerException}; a connection that failed, or none to be had, a
 * {@link RedisConnectionException} that says whether the command may have been applied.
 */
public interface RedisCommands {

    /**
     * Sends one command and returns its reply: {@code byte[]} for a bulk string (or {@code String}
     * for a {@link Command#text} command), {@code String} for a simple string, {@code Long},
     * {@code List} (arrays and RESP3 sets), {@code Map} (RESP3), {@code Double}, {@code Boolean},
     * or null.
     */
    Object send(Command command);

    /** {@code send(Command.of(name, args))}: bulk strings arrive as {@code byte[]}. */
    default Object send(String name, Object... args) {
        return send(Command.of(name, args));
    }

    // ------------------------------------------------------------------ connection

    /** PING: "PONG". */
    default String ping() {
        return Convert.string(send(Command.text("PING")));
    }

    // ------------------------------------------------------------------ strings

    /** GET: the value, or null when the key does not exist. */
    default String get(String key) {
        return (String) send(Command.text("GET", key));
    }

    default byte[] get(byte[] key) {
        return (byte[]) send(Command.of("GET", key));
    }

    /** SET key value (safe to repeat). */
    default void set(String key, String value) {
        send(Command.text("SET", key, value));
    }

    default void set(byte[] key, byte[] value) {
        send(Command.of("SET", key, value));
    }

    /**
     * SET with options: "OK" when set, null when a condition ({@code NX}, {@code XX}) stopped it,
     * the previous value with {@code GET}. See {@link SetOptions} for which options are retried.
     */
    default String set(String key, String value, SetOptions options) {
        return Convert.string(send(Command.text("SET", with(new Object[] {key, value}, options.arguments().toArray()))));
    }

    default byte[] set(byte[] key, byte[] value, SetOptions options) {
        return Convert.bytes(send(Command.of("SET", with(new Object[] {key, value}, options.arguments().toArray()))));
    }

    /** MGET: one value per key, null where a key does not exist. */
    default List<String> mget(String... keys) {
        return Convert.strings(send(Command.text("MGET", (Object[]) keys)));
    }

    default List<byte[]> mget(byte[]... keys) {
        return Convert.byteList(send(Command.of("MGET", (Object[]) keys)));
    }

    /** MSET of every pair of {@code keysAndValues} (safe to repeat). */
    default void mset(Map<String, String> keysAndValues) {
        send(Command.text("MSET", pairs(null, keysAndValues, false)));
    }

    /** INCR: the new value. Never re-sent once its bytes may have reached the server. */
    default long incr(String key) {
        return Convert.integer(send(Command.text("INCR", key)));
    }

    default long incrBy(String key, long by) {
        return Convert.integer(send(Command.text("INCRBY", key, by)));
    }

    default long decr(String key) {
        return Convert.integer(send(Command.text("DECR", key)));
    }

    default long decrBy(String key, long by) {
        return Convert.integer(send(Command.text("DECRBY", key, by)));
    }

    /** APPEND: the new length. Never re-sent once its bytes may have reached the server. */
    default long append(String key, String value) {
        return Convert.integer(send(Command.text("APPEND", key, value)));
    }

    default long append(byte[] key, byte[] value) {
        return Convert.integer(send(Command.of("APPEND", key, value)));
    }

    // ------------------------------------------------------------------ keys

    /** DEL: how many of the keys existed (safe to repeat: a repeat answers 0). */
    default long del(String... keys) {
        return Convert.integer(send(Command.text("DEL", (Object[]) keys)));
    }

    default long del(byte[]... keys) {
        return Convert.integer(send(Command.of("DEL", (Object[]) keys)));
    }

    /** EXISTS: how many of the keys exist (a key named twice counts twice). */
    default long exists(String... keys) {
        return Convert.integer(send(Command.text("EXISTS", (Object[]) keys)));
    }

    /** EXPIRE in whole seconds: true if the key exists. Relative, so never re-sent once it may have been applied. */
    default boolean expire(String key, Duration ttl) {
        return Convert.bool(send(Command.text("EXPIRE", key, ttl.getSeconds())));
    }

    /** PEXPIREAT: true if the key exists. Absolute, so safe to repeat. */
    default boolean expireAt(String key, Instant at) {
        return Convert.bool(send(Command.text("PEXPIREAT", key, at.toEpochMilli())));
    }

    /** TTL in seconds: -1 when the key has no expiry, -2 when it does not exist. */
    default long ttl(String key) {
        return Convert.integer(send(Command.text("TTL", key)));
    }

    /**
     * The keys matching {@code match} (null: all), fetched lazily with SCAN, {@code count} keys per
     * call as a hint (0: the server's default). A key may come more than once, as SCAN promises.
     */
    default Iterable<String> scan(String match, int count) {
        return () -> new ScanIterator(this::send, "SCAN", new Object[0], match, count);
    }

    // ------------------------------------------------------------------ hashes

    /** HSET of one field: 1 if the field is new. */
    default long hset(String key, String field, String value) {
        return Convert.integer(send(Command.text("HSET", key, field, value)));
    }

    default long hset(byte[] key, byte[] field, byte[] value) {
        return Convert.integer(send(Command.of("HSET", key, field, value)));
    }

    /** HSET of many fields: how many were new. */
    default long hset(String key, Map<String, String> fields) {
        return Convert.integer(send(Command.text("HSET", pairs(key, fields, false))));
    }

    default String hget(String key, String field) {
        return (String) send(Command.text("HGET", key, field));
    }

    default byte[] hget(byte[] key, byte[] field) {
        return (byte[]) send(Command.of("HGET", key, field));
    }

    /** HGETALL: every field and value (empty when the key does not exist). */
    default Map<String, String> hgetAll(String key) {
        return Convert.stringMap(send(Command.text("HGETALL", key)));
    }

    default long hdel(String key, String... fields) {
        return Convert.integer(send(Command.text("HDEL", keyAnd(key, fields))));
    }

    default boolean hexists(String key, String field) {
        return Convert.bool(send(Command.text("HEXISTS", key, field)));
    }

    default long hincrBy(String key, String field, long by) {
        return Convert.integer(send(Command.text("HINCRBY", key, field, by)));
    }

    default long hlen(String key) {
        return Convert.integer(send(Command.text("HLEN", key)));
    }

    // ------------------------------------------------------------------ lists

    /** LPUSH: the list's new length. Never re-sent once its bytes may have reached the server. */
    default long lpush(String key, String... values) {
        return Convert.integer(send(Command.text("LPUSH", keyAnd(key, values))));
    }

    default long lpush(byte[] key, byte[]... values) {
        return Convert.integer(send(Command.of("LPUSH", keyAnd(key, values))));
    }

    /** RPUSH: the list's new length. Never re-sent once its bytes may have reached the server. */
    default long rpush(String key, String... values) {
        return Convert.integer(send(Command.text("RPUSH", keyAnd(key, values))));
    }

    default long rpush(byte[] key, byte[]... values) {
        return Convert.integer(send(Command.of("RPUSH", keyAnd(key, values))));
    }

    default String lpop(String key) {
        return (String) send(Command.text("LPOP", key));
    }

    default String rpop(String key) {
        return (String) send(Command.text("RPOP", key));
    }

    default List<String> lrange(String key, long start, long stop) {
        return Convert.strings(send(Command.text("LRANGE", key, start, stop)));
    }

    default List<byte[]> lrange(byte[] key, long start, long stop) {
        return Convert.byteList(send(Command.of("LRANGE", key, start, stop)));
    }

    default long llen(String key) {
        return Convert.integer(send(Command.text("LLEN", key)));
    }

    /**
     * BLPOP: waits up to {@code timeout} (ZERO: for ever) for an element of the first non-empty
     * list; [key, value], or null when the time ran out. Its read timeout is {@code timeout} plus
     * the configured margin, never the socket's default.
     */
    default List<String> blpop(Duration timeout, String... keys) {
        return Convert.strings(send(Command.text("BLPOP", with(keys, new Object[] {seconds(timeout)}))));
    }

    /** BRPOP, as {@link #blpop} from the tail. */
    default List<String> brpop(Duration timeout, String... keys) {
        return Convert.strings(send(Command.text("BRPOP", with(keys, new Object[] {seconds(timeout)}))));
    }

    // ------------------------------------------------------------------ sets

    default long sadd(String key, String... members) {
        return Convert.integer(send(Command.text("SADD", keyAnd(key, members))));
    }

    default long srem(String key, String... members) {
        return Convert.integer(send(Command.text("SREM", keyAnd(key, members))));
    }

    default Set<String> smembers(String key) {
        return Convert.stringSet(send(Command.text("SMEMBERS", key)));
    }

    default boolean sismember(String key, String member) {
        return Convert.bool(send(Command.text("SISMEMBER", key, member)));
    }

    default long scard(String key) {
        return Convert.integer(send(Command.text("SCARD", key)));
    }

    // ------------------------------------------------------------------ sorted sets

    /** ZADD of one member: 1 if it is new (safe to repeat). */
    default long zadd(String key, double score, String member) {
        return Convert.integer(send(Command.text("ZADD", key, score, member)));
    }

    /** ZADD of many members: how many were new. */
    default long zadd(String key, Map<String, Double> scores) {
        return Convert.integer(send(Command.text("ZADD", pairs(key, scores, true))));
    }

    default long zrem(String key, String... members) {
        return Convert.integer(send(Command.text("ZREM", keyAnd(key, members))));
    }

    /** ZSCORE: the member's score, or null. */
    default Double zscore(String key, String member) {
        return Convert.score(send(Command.text("ZSCORE", key, member)));
    }

    /** ZINCRBY: the new score. Never re-sent once its bytes may have reached the server. */
    default double zincrby(String key, double by, String member) {
        return Convert.score(send(Command.text("ZINCRBY", key, by, member)));
    }

    /** ZRANGE by rank, lowest score first. */
    default List<String> zrange(String key, long start, long stop) {
        return Convert.strings(send(Command.text("ZRANGE", key, start, stop)));
    }

    /** ZRANGE by rank WITHSCORES: member to score, lowest first. */
    default Map<String, Double> zrangeWithScores(String key, long start, long stop) {
        return Convert.scored(send(Command.text("ZRANGE", key, start, stop, "WITHSCORES")));
    }

    /** ZRANK: the member's rank from 0, or null. */
    default Long zrank(String key, String member) {
        return (Long) send(Command.text("ZRANK", key, member));
    }

    default long zcard(String key) {
        return Convert.integer(send(Command.text("ZCARD", key)));
    }

    // ------------------------------------------------------------------ pub/sub

    /** PUBLISH: how many subscribers received it. Never re-sent (a repeat would deliver it twice). */
    default long publish(String channel, String message) {
        return Convert.integer(send(Command.text("PUBLISH", channel, message)));
    }

    default long publish(String channel, byte[] message) {
        return Convert.integer(send(Command.of("PUBLISH", channel, message)));
    }

    /** {@code key} (if not null), then each entry as key, value (or value, key when {@code valueFirst}, as ZADD wants). */
    private static Object[] pairs(Object key, Map<?, ?> entries, boolean valueFirst) {
        int head = key == null ? 0 : 1;
        Object[] args = new Object[head + entries.size() * 2];
        int i = 0;
        if (key != null) {
            args[i++] = key;
        }
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            args[i++] = valueFirst ? e.getValue() : e.getKey();
            args[i++] = valueFirst ? e.getKey() : e.getValue();
        }
        return args;
    }

    private static Object[] keyAnd(Object key, Object[] rest) {
        return with(new Object[] {key}, rest);
    }

    private static Object[] with(Object[] first, Object[] rest) {
        Object[] all = new Object[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    /** A blocking timeout in seconds as Redis reads it (decimals allowed since Redis 6). */
    private static Object seconds(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0, ZERO to wait for ever)");
        }
        long ms = timeout.toMillis();
        return ms % 1000 == 0 ? (Object) (ms / 1000) : (Object) (ms / 1000.0);
    }
}
