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
 *
 * <p>Thread safety is the implementation's: a {@link RedisClient} is used by any number of threads
 * at once, a {@link RedisSession} by one at a time.
 */
public interface RedisCommands {

    /**
     * Sends one command and returns its reply: {@code byte[]} for a bulk string (or {@code String}
     * for a {@link Command#text} command), {@code String} for a simple string, {@code Long},
     * {@code List} (arrays and RESP3 sets), {@code Map} (RESP3), {@code Double}, {@code Boolean},
     * or null.
     *
     * @param command the command
     * @return the reply, converted as above
     * @throws RedisServerException if the server answered with an error reply
     * @throws RedisConnectionException if no connection could be had or the connection failed; it says whether the command may have been applied
     */
    Object send(Command command);

    /**
     * {@code send(Command.of(name, args))}: bulk strings arrive as {@code byte[]}.
     *
     * @param name the command's name, such as {@code GET}
     * @param args its arguments: {@code byte[]} as they are, anything else as its text in UTF-8
     * @return the reply, as {@link #send(Command)}
     */
    default Object send(String name, Object... args) {
        return send(Command.of(name, args));
    }

    // ------------------------------------------------------------------ connection

    /**
     * PING.
     *
     * @return "PONG"
     */
    default String ping() {
        return Convert.string(send(Command.text("PING")));
    }

    // ------------------------------------------------------------------ strings

    /**
     * GET.
     *
     * @param key the key
     * @return the value, or null when the key does not exist
     */
    default String get(String key) {
        return Convert.string(send(Command.text("GET", key)));
    }

    /**
     * GET, binary.
     *
     * @param key the key
     * @return the value, or null when the key does not exist
     */
    default byte[] get(byte[] key) {
        return Convert.bytes(send(Command.of("GET", key)));
    }

    /**
     * SET key value (safe to repeat).
     *
     * @param key the key
     * @param value the value
     */
    default void set(String key, String value) {
        send(Command.text("SET", key, value));
    }

    /**
     * SET key value, binary (safe to repeat).
     *
     * @param key the key
     * @param value the value
     */
    default void set(byte[] key, byte[] value) {
        send(Command.of("SET", key, value));
    }

    /**
     * SET with options. See {@link SetOptions} for which options are retried.
     *
     * @param key the key
     * @param value the value
     * @param options the options
     * @return "OK" when set, null when a condition ({@code NX}, {@code XX}) stopped it, the previous value with {@code GET}
     */
    default String set(String key, String value, SetOptions options) {
        return Convert.string(send(Command.text("SET", with(new Object[] {key, value}, options.arguments().toArray()))));
    }

    /**
     * SET with options, binary. See {@link SetOptions} for which options are retried.
     *
     * @param key the key
     * @param value the value
     * @param options the options
     * @return "OK" as bytes when set, null when a condition stopped it, the previous value with {@code GET}
     */
    default byte[] set(byte[] key, byte[] value, SetOptions options) {
        return Convert.bytes(send(Command.of("SET", with(new Object[] {key, value}, options.arguments().toArray()))));
    }

    /**
     * MGET.
     *
     * @param keys the keys
     * @return one value per key, null where a key does not exist
     */
    default List<String> mget(String... keys) {
        return Convert.strings(send(Command.text("MGET", (Object[]) keys)));
    }

    /**
     * MGET, binary.
     *
     * @param keys the keys
     * @return one value per key, null where a key does not exist
     */
    default List<byte[]> mget(byte[]... keys) {
        return Convert.byteList(send(Command.of("MGET", (Object[]) keys)));
    }

    /**
     * MSET of every pair of {@code keysAndValues} (safe to repeat).
     *
     * @param keysAndValues the pairs to set
     */
    default void mset(Map<String, String> keysAndValues) {
        send(Command.text("MSET", pairs("keysAndValues", null, keysAndValues, false)));
    }

    /**
     * MSET, binary (safe to repeat): keys and values alternate, as on the wire, because a
     * {@code Map} keyed by {@code byte[]} compares its keys by identity.
     *
     * @param keysAndValues key, value, key, value...
     * @throws IllegalArgumentException if there is no pair, or a key without its value
     */
    default void mset(byte[]... keysAndValues) {
        if (keysAndValues == null || keysAndValues.length == 0 || keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keysAndValues: " + (keysAndValues == null ? "null" : "length " + keysAndValues.length)
                    + " (expected: key, value, key, value...: an even length of at least 2)");
        }
        send(Command.of("MSET", (Object[]) keysAndValues));
    }

    /**
     * INCR. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the new value
     */
    default long incr(String key) {
        return Convert.integer(send(Command.text("INCR", key)));
    }

    /**
     * INCR, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the new value
     */
    default long incr(byte[] key) {
        return Convert.integer(send(Command.of("INCR", key)));
    }

    /**
     * INCRBY. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param by the amount to add (negative to subtract)
     * @return the new value
     */
    default long incrBy(String key, long by) {
        return Convert.integer(send(Command.text("INCRBY", key, by)));
    }

    /**
     * INCRBY, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param by the amount to add (negative to subtract)
     * @return the new value
     */
    default long incrBy(byte[] key, long by) {
        return Convert.integer(send(Command.of("INCRBY", key, by)));
    }

    /**
     * DECR. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the new value
     */
    default long decr(String key) {
        return Convert.integer(send(Command.text("DECR", key)));
    }

    /**
     * DECR, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the new value
     */
    default long decr(byte[] key) {
        return Convert.integer(send(Command.of("DECR", key)));
    }

    /**
     * DECRBY. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param by the amount to subtract
     * @return the new value
     */
    default long decrBy(String key, long by) {
        return Convert.integer(send(Command.text("DECRBY", key, by)));
    }

    /**
     * DECRBY, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param by the amount to subtract
     * @return the new value
     */
    default long decrBy(byte[] key, long by) {
        return Convert.integer(send(Command.of("DECRBY", key, by)));
    }

    /**
     * APPEND. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param value the value
     * @return the value's new length in bytes
     */
    default long append(String key, String value) {
        return Convert.integer(send(Command.text("APPEND", key, value)));
    }

    /**
     * APPEND, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param value the value
     * @return the value's new length in bytes
     */
    default long append(byte[] key, byte[] value) {
        return Convert.integer(send(Command.of("APPEND", key, value)));
    }

    // ------------------------------------------------------------------ keys

    /**
     * DEL (safe to repeat: a repeat answers 0).
     *
     * @param keys the keys
     * @return how many of the keys existed
     */
    default long del(String... keys) {
        return Convert.integer(send(Command.text("DEL", (Object[]) keys)));
    }

    /**
     * DEL, binary (safe to repeat: a repeat answers 0).
     *
     * @param keys the keys
     * @return how many of the keys existed
     */
    default long del(byte[]... keys) {
        return Convert.integer(send(Command.of("DEL", (Object[]) keys)));
    }

    /**
     * EXISTS.
     *
     * @param keys the keys
     * @return how many of the keys exist (a key named twice counts twice)
     */
    default long exists(String... keys) {
        return Convert.integer(send(Command.text("EXISTS", (Object[]) keys)));
    }

    /**
     * EXISTS, binary.
     *
     * @param keys the keys
     * @return how many of the keys exist (a key named twice counts twice)
     */
    default long exists(byte[]... keys) {
        return Convert.integer(send(Command.of("EXISTS", (Object[]) keys)));
    }

    /**
     * EXPIRE in seconds, or PEXPIRE in milliseconds when {@code ttl} has a fraction of a second
     * (EXPIRE would drop it). Relative, so never re-sent once it may have been applied.
     *
     * @param key the key
     * @param ttl the time to live, at least 1 ms; finer parts are dropped
     * @return true if the key exists
     * @throws IllegalArgumentException if {@code ttl} is null or below 1 ms: Redis would delete the key (use {@link #del(String...)})
     */
    default boolean expire(String key, Duration ttl) {
        return Convert.bool(send(expiry(true, key, ttl)));
    }

    /**
     * EXPIRE or PEXPIRE, binary, as {@link #expire(String, Duration)}. Relative, so never re-sent
     * once it may have been applied.
     *
     * @param key the key
     * @param ttl the time to live, at least 1 ms; finer parts are dropped
     * @return true if the key exists
     * @throws IllegalArgumentException if {@code ttl} is null or below 1 ms: Redis would delete the key (use {@link #del(byte[]...)})
     */
    default boolean expire(byte[] key, Duration ttl) {
        return Convert.bool(send(expiry(false, key, ttl)));
    }

    /**
     * PEXPIREAT, in milliseconds. Absolute, so safe to repeat. An instant already past deletes the
     * key, as in Redis: whether it is past is the server's clock's to say.
     *
     * @param key the key
     * @param at when the key expires, to the millisecond (finer parts are dropped)
     * @return true if the key exists
     * @throws IllegalArgumentException if {@code at} is null
     */
    default boolean expireAt(String key, Instant at) {
        return Convert.bool(send(Command.text("PEXPIREAT", key, epochMillis(at))));
    }

    /**
     * PEXPIREAT, binary, in milliseconds. Absolute, so safe to repeat. An instant already past
     * deletes the key, as in Redis.
     *
     * @param key the key
     * @param at when the key expires, to the millisecond (finer parts are dropped)
     * @return true if the key exists
     * @throws IllegalArgumentException if {@code at} is null
     */
    default boolean expireAt(byte[] key, Instant at) {
        return Convert.bool(send(Command.of("PEXPIREAT", key, epochMillis(at))));
    }

    /**
     * TTL.
     *
     * @param key the key
     * @return the time to live in seconds; -1 when the key has no expiry, -2 when it does not exist
     */
    default long ttl(String key) {
        return Convert.integer(send(Command.text("TTL", key)));
    }

    /**
     * TTL, binary.
     *
     * @param key the key
     * @return the time to live in seconds; -1 when the key has no expiry, -2 when it does not exist
     */
    default long ttl(byte[] key) {
        return Convert.integer(send(Command.of("TTL", key)));
    }

    /**
     * The keys matching a pattern, fetched lazily with SCAN. A key may come more than once, as SCAN
     * promises; each iteration runs its own scan, one command per batch.
     *
     * @param match a glob-style pattern, or null for all keys (written {@code (String) null}: a bare
     *              null fits {@link #scan(byte[], int)} as well; {@link #scan(int)} says it shorter)
     * @param count keys per call as a hint; 0: the server's default
     * @return the keys, fetched as the iterator advances
     */
    default Iterable<String> scan(String match, int count) {
        return () -> new ScanIterator<>(this::send, "SCAN", new Object[0], match, count, true, Convert::strings);
    }

    /**
     * Every key, fetched lazily with SCAN: {@link #scan(String, int)} without a pattern.
     *
     * @param count keys per call as a hint; 0: the server's default
     * @return the keys, fetched as the iterator advances
     */
    default Iterable<String> scan(int count) {
        return scan((String) null, count);
    }

    /**
     * The keys matching a pattern, binary, fetched lazily with SCAN: keys come as the server holds
     * them, whatever their bytes. A key may come more than once, as SCAN promises; each iteration
     * runs its own scan, one command per batch.
     *
     * @param match a glob-style pattern, or null for all keys
     * @param count keys per call as a hint; 0: the server's default
     * @return the keys, fetched as the iterator advances
     */
    default Iterable<byte[]> scan(byte[] match, int count) {
        return () -> new ScanIterator<>(this::send, "SCAN", new Object[0], match, count, false, Convert::byteList);
    }

    // ------------------------------------------------------------------ hashes

    /**
     * HSET of one field.
     *
     * @param key the key
     * @param field the hash field
     * @param value the value
     * @return 1 if the field is new, 0 if it was updated
     */
    default long hset(String key, String field, String value) {
        return Convert.integer(send(Command.text("HSET", key, field, value)));
    }

    /**
     * HSET of one field, binary.
     *
     * @param key the key
     * @param field the hash field
     * @param value the value
     * @return 1 if the field is new, 0 if it was updated
     */
    default long hset(byte[] key, byte[] field, byte[] value) {
        return Convert.integer(send(Command.of("HSET", key, field, value)));
    }

    /**
     * HSET of many fields.
     *
     * @param key the key
     * @param fields field to value
     * @return how many fields were new
     */
    default long hset(String key, Map<String, String> fields) {
        return Convert.integer(send(Command.text("HSET", pairs("fields", key, fields, false))));
    }

    /**
     * HGET.
     *
     * @param key the key
     * @param field the hash field
     * @return the field's value, or null when the key or field does not exist
     */
    default String hget(String key, String field) {
        return Convert.string(send(Command.text("HGET", key, field)));
    }

    /**
     * HGET, binary.
     *
     * @param key the key
     * @param field the hash field
     * @return the field's value, or null when the key or field does not exist
     */
    default byte[] hget(byte[] key, byte[] field) {
        return Convert.bytes(send(Command.of("HGET", key, field)));
    }

    /**
     * HGETALL.
     *
     * @param key the key
     * @return every field and value; empty when the key does not exist
     */
    default Map<String, String> hgetAll(String key) {
        return Convert.stringMap(send(Command.text("HGETALL", key)));
    }

    /**
     * HGETALL, binary: entries rather than a {@code Map}, because a {@code Map} keyed by
     * {@code byte[]} compares its keys by identity and could never be looked up.
     *
     * @param key the key
     * @return every field and value, in the order the server sent them; empty when the key does not exist
     */
    default List<Map.Entry<byte[], byte[]>> hgetAll(byte[] key) {
        return Convert.bytePairs(send(Command.of("HGETALL", key)));
    }

    /**
     * HDEL (safe to repeat).
     *
     * @param key the key
     * @param fields the hash fields
     * @return how many of the fields existed
     */
    default long hdel(String key, String... fields) {
        return Convert.integer(send(Command.text("HDEL", keyAnd(key, fields))));
    }

    /**
     * HDEL, binary (safe to repeat).
     *
     * @param key the key
     * @param fields the hash fields
     * @return how many of the fields existed
     */
    default long hdel(byte[] key, byte[]... fields) {
        return Convert.integer(send(Command.of("HDEL", keyAnd(key, fields))));
    }

    /**
     * HEXISTS.
     *
     * @param key the key
     * @param field the hash field
     * @return true if the field exists
     */
    default boolean hexists(String key, String field) {
        return Convert.bool(send(Command.text("HEXISTS", key, field)));
    }

    /**
     * HEXISTS, binary.
     *
     * @param key the key
     * @param field the hash field
     * @return true if the field exists
     */
    default boolean hexists(byte[] key, byte[] field) {
        return Convert.bool(send(Command.of("HEXISTS", key, field)));
    }

    /**
     * HINCRBY. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param field the hash field
     * @param by the amount to add (negative to subtract)
     * @return the field's new value
     */
    default long hincrBy(String key, String field, long by) {
        return Convert.integer(send(Command.text("HINCRBY", key, field, by)));
    }

    /**
     * HINCRBY, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param field the hash field
     * @param by the amount to add (negative to subtract)
     * @return the field's new value
     */
    default long hincrBy(byte[] key, byte[] field, long by) {
        return Convert.integer(send(Command.of("HINCRBY", key, field, by)));
    }

    /**
     * HLEN.
     *
     * @param key the key
     * @return the number of fields; 0 when the key does not exist
     */
    default long hlen(String key) {
        return Convert.integer(send(Command.text("HLEN", key)));
    }

    /**
     * HLEN, binary.
     *
     * @param key the key
     * @return the number of fields; 0 when the key does not exist
     */
    default long hlen(byte[] key) {
        return Convert.integer(send(Command.of("HLEN", key)));
    }

    // ------------------------------------------------------------------ lists

    /**
     * LPUSH. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param values the values, in order
     * @return the list's new length
     */
    default long lpush(String key, String... values) {
        return Convert.integer(send(Command.text("LPUSH", keyAnd(key, values))));
    }

    /**
     * LPUSH, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param values the values, in order
     * @return the list's new length
     */
    default long lpush(byte[] key, byte[]... values) {
        return Convert.integer(send(Command.of("LPUSH", keyAnd(key, values))));
    }

    /**
     * RPUSH. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param values the values, in order
     * @return the list's new length
     */
    default long rpush(String key, String... values) {
        return Convert.integer(send(Command.text("RPUSH", keyAnd(key, values))));
    }

    /**
     * RPUSH, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param values the values, in order
     * @return the list's new length
     */
    default long rpush(byte[] key, byte[]... values) {
        return Convert.integer(send(Command.of("RPUSH", keyAnd(key, values))));
    }

    /**
     * LPOP. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the first element, or null when the list is empty
     */
    default String lpop(String key) {
        return Convert.string(send(Command.text("LPOP", key)));
    }

    /**
     * LPOP, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the first element, or null when the list is empty
     */
    default byte[] lpop(byte[] key) {
        return Convert.bytes(send(Command.of("LPOP", key)));
    }

    /**
     * RPOP. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the last element, or null when the list is empty
     */
    default String rpop(String key) {
        return Convert.string(send(Command.text("RPOP", key)));
    }

    /**
     * RPOP, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @return the last element, or null when the list is empty
     */
    default byte[] rpop(byte[] key) {
        return Convert.bytes(send(Command.of("RPOP", key)));
    }

    /**
     * LRANGE.
     *
     * @param key the key
     * @param start the first rank or index, from 0 (negative counts from the end)
     * @param stop the last rank or index, inclusive (negative counts from the end)
     * @return the elements in the range; empty when none
     */
    default List<String> lrange(String key, long start, long stop) {
        return Convert.strings(send(Command.text("LRANGE", key, start, stop)));
    }

    /**
     * LRANGE, binary.
     *
     * @param key the key
     * @param start the first rank or index, from 0 (negative counts from the end)
     * @param stop the last rank or index, inclusive (negative counts from the end)
     * @return the elements in the range; empty when none
     */
    default List<byte[]> lrange(byte[] key, long start, long stop) {
        return Convert.byteList(send(Command.of("LRANGE", key, start, stop)));
    }

    /**
     * LLEN.
     *
     * @param key the key
     * @return the list's length; 0 when the key does not exist
     */
    default long llen(String key) {
        return Convert.integer(send(Command.text("LLEN", key)));
    }

    /**
     * LLEN, binary.
     *
     * @param key the key
     * @return the list's length; 0 when the key does not exist
     */
    default long llen(byte[] key) {
        return Convert.integer(send(Command.of("LLEN", key)));
    }

    /**
     * BLPOP: waits for an element of the first non-empty list. Its read timeout is {@code timeout}
     * plus the configured margin, never the socket's default. Never re-sent once its bytes may have reached the server.
     *
     * @param timeout how long the server waits; ZERO: for ever; a fraction of a second is kept
     * @param keys the lists, in the order they are tried
     * @return [key, value], or null when the time ran out
     * @throws IllegalArgumentException if the timeout is null or negative
     */
    default List<String> blpop(Duration timeout, String... keys) {
        return Convert.strings(send(Command.text("BLPOP", with(keys, new Object[] {seconds(timeout)}))));
    }

    /**
     * BRPOP, as {@link #blpop} from the tail.
     *
     * @param timeout how long the server waits; ZERO: for ever
     * @param keys the lists, in the order they are tried
     * @return [key, value], or null when the time ran out
     * @throws IllegalArgumentException if the timeout is null or negative
     */
    default List<String> brpop(Duration timeout, String... keys) {
        return Convert.strings(send(Command.text("BRPOP", with(keys, new Object[] {seconds(timeout)}))));
    }

    /**
     * BLPOP, binary, as {@link #blpop(Duration, String...)}. Never re-sent once its bytes may have
     * reached the server.
     *
     * @param timeout how long the server waits; ZERO: for ever; a fraction of a second is kept
     * @param keys the lists, in the order they are tried
     * @return [key, value], or null when the time ran out
     * @throws IllegalArgumentException if the timeout is null or negative
     */
    default List<byte[]> blpop(Duration timeout, byte[]... keys) {
        return Convert.byteList(send(Command.of("BLPOP", with(keys, new Object[] {seconds(timeout)}))));
    }

    /**
     * BRPOP, binary, as {@link #blpop(Duration, byte[]...)} from the tail.
     *
     * @param timeout how long the server waits; ZERO: for ever
     * @param keys the lists, in the order they are tried
     * @return [key, value], or null when the time ran out
     * @throws IllegalArgumentException if the timeout is null or negative
     */
    default List<byte[]> brpop(Duration timeout, byte[]... keys) {
        return Convert.byteList(send(Command.of("BRPOP", with(keys, new Object[] {seconds(timeout)}))));
    }

    // ------------------------------------------------------------------ sets

    /**
     * SADD (safe to repeat).
     *
     * @param key the key
     * @param members the members
     * @return how many members were new
     */
    default long sadd(String key, String... members) {
        return Convert.integer(send(Command.text("SADD", keyAnd(key, members))));
    }

    /**
     * SADD, binary (safe to repeat).
     *
     * @param key the key
     * @param members the members
     * @return how many members were new
     */
    default long sadd(byte[] key, byte[]... members) {
        return Convert.integer(send(Command.of("SADD", keyAnd(key, members))));
    }

    /**
     * SREM (safe to repeat).
     *
     * @param key the key
     * @param members the members
     * @return how many members were removed
     */
    default long srem(String key, String... members) {
        return Convert.integer(send(Command.text("SREM", keyAnd(key, members))));
    }

    /**
     * SREM, binary (safe to repeat).
     *
     * @param key the key
     * @param members the members
     * @return how many members were removed
     */
    default long srem(byte[] key, byte[]... members) {
        return Convert.integer(send(Command.of("SREM", keyAnd(key, members))));
    }

    /**
     * SMEMBERS.
     *
     * @param key the key
     * @return the members; empty when the key does not exist
     */
    default Set<String> smembers(String key) {
        return Convert.stringSet(send(Command.text("SMEMBERS", key)));
    }

    /**
     * SMEMBERS, binary: a {@code List}, because a {@code Set} of {@code byte[]} compares its
     * elements by identity; the server sends each member once.
     *
     * @param key the key
     * @return the members, in the order the server sent them; empty when the key does not exist
     */
    default List<byte[]> smembers(byte[] key) {
        return Convert.byteList(send(Command.of("SMEMBERS", key)));
    }

    /**
     * SISMEMBER.
     *
     * @param key the key
     * @param member the member
     * @return true if the member is in the set
     */
    default boolean sismember(String key, String member) {
        return Convert.bool(send(Command.text("SISMEMBER", key, member)));
    }

    /**
     * SISMEMBER, binary.
     *
     * @param key the key
     * @param member the member
     * @return true if the member is in the set
     */
    default boolean sismember(byte[] key, byte[] member) {
        return Convert.bool(send(Command.of("SISMEMBER", key, member)));
    }

    /**
     * SCARD.
     *
     * @param key the key
     * @return the set's size; 0 when the key does not exist
     */
    default long scard(String key) {
        return Convert.integer(send(Command.text("SCARD", key)));
    }

    /**
     * SCARD, binary.
     *
     * @param key the key
     * @return the set's size; 0 when the key does not exist
     */
    default long scard(byte[] key) {
        return Convert.integer(send(Command.of("SCARD", key)));
    }

    // ------------------------------------------------------------------ sorted sets

    /**
     * ZADD of one member (safe to repeat).
     *
     * @param key the key
     * @param score the score
     * @param member the member
     * @return 1 if the member is new, 0 if its score was updated
     */
    default long zadd(String key, double score, String member) {
        return Convert.integer(send(Command.text("ZADD", key, score, member)));
    }

    /**
     * ZADD of one member, binary (safe to repeat).
     *
     * @param key the key
     * @param score the score
     * @param member the member
     * @return 1 if the member is new, 0 if its score was updated
     */
    default long zadd(byte[] key, double score, byte[] member) {
        return Convert.integer(send(Command.of("ZADD", key, score, member)));
    }

    /**
     * ZADD of many members (safe to repeat).
     *
     * @param key the key
     * @param scores member to score
     * @return how many members were new
     */
    default long zadd(String key, Map<String, Double> scores) {
        return Convert.integer(send(Command.text("ZADD", pairs("scores", key, scores, true))));
    }

    /**
     * ZREM (safe to repeat).
     *
     * @param key the key
     * @param members the members
     * @return how many members were removed
     */
    default long zrem(String key, String... members) {
        return Convert.integer(send(Command.text("ZREM", keyAnd(key, members))));
    }

    /**
     * ZREM, binary (safe to repeat).
     *
     * @param key the key
     * @param members the members
     * @return how many members were removed
     */
    default long zrem(byte[] key, byte[]... members) {
        return Convert.integer(send(Command.of("ZREM", keyAnd(key, members))));
    }

    /**
     * ZSCORE.
     *
     * @param key the key
     * @param member the member
     * @return the member's score, or null when it is not in the set
     */
    default Double zscore(String key, String member) {
        return Convert.score(send(Command.text("ZSCORE", key, member)));
    }

    /**
     * ZSCORE, binary.
     *
     * @param key the key
     * @param member the member
     * @return the member's score, or null when it is not in the set
     */
    default Double zscore(byte[] key, byte[] member) {
        return Convert.score(send(Command.of("ZSCORE", key, member)));
    }

    /**
     * ZINCRBY. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param by the amount to add (negative to subtract)
     * @param member the member
     * @return the member's new score
     */
    default double zincrby(String key, double by, String member) {
        return Convert.score(send(Command.text("ZINCRBY", key, by, member)));
    }

    /**
     * ZINCRBY, binary. Never re-sent once its bytes may have reached the server.
     *
     * @param key the key
     * @param by the amount to add (negative to subtract)
     * @param member the member
     * @return the member's new score
     */
    default double zincrby(byte[] key, double by, byte[] member) {
        return Convert.score(send(Command.of("ZINCRBY", key, by, member)));
    }

    /**
     * ZRANGE by rank, lowest score first.
     *
     * @param key the key
     * @param start the first rank or index, from 0 (negative counts from the end)
     * @param stop the last rank or index, inclusive (negative counts from the end)
     * @return the members in the range
     */
    default List<String> zrange(String key, long start, long stop) {
        return Convert.strings(send(Command.text("ZRANGE", key, start, stop)));
    }

    /**
     * ZRANGE by rank, lowest score first, binary.
     *
     * @param key the key
     * @param start the first rank or index, from 0 (negative counts from the end)
     * @param stop the last rank or index, inclusive (negative counts from the end)
     * @return the members in the range
     */
    default List<byte[]> zrange(byte[] key, long start, long stop) {
        return Convert.byteList(send(Command.of("ZRANGE", key, start, stop)));
    }

    /**
     * ZRANGE by rank WITHSCORES, lowest score first.
     *
     * @param key the key
     * @param start the first rank or index, from 0 (negative counts from the end)
     * @param stop the last rank or index, inclusive (negative counts from the end)
     * @return member to score, in rank order
     */
    default Map<String, Double> zrangeWithScores(String key, long start, long stop) {
        return Convert.scored(send(Command.text("ZRANGE", key, start, stop, "WITHSCORES")));
    }

    /**
     * ZRANGE by rank WITHSCORES, lowest score first, binary: entries rather than a {@code Map},
     * because a {@code Map} keyed by {@code byte[]} compares its keys by identity.
     *
     * @param key the key
     * @param start the first rank or index, from 0 (negative counts from the end)
     * @param stop the last rank or index, inclusive (negative counts from the end)
     * @return member and score entries, in rank order
     */
    default List<Map.Entry<byte[], Double>> zrangeWithScores(byte[] key, long start, long stop) {
        return Convert.scoredBytes(send(Command.of("ZRANGE", key, start, stop, "WITHSCORES")));
    }

    /**
     * ZRANK.
     *
     * @param key the key
     * @param member the member
     * @return the member's rank from 0, or null when it is not in the set
     */
    default Long zrank(String key, String member) {
        return Convert.nullableInteger(send(Command.text("ZRANK", key, member)));
    }

    /**
     * ZRANK, binary.
     *
     * @param key the key
     * @param member the member
     * @return the member's rank from 0, or null when it is not in the set
     */
    default Long zrank(byte[] key, byte[] member) {
        return Convert.nullableInteger(send(Command.of("ZRANK", key, member)));
    }

    /**
     * ZCARD.
     *
     * @param key the key
     * @return the sorted set's size; 0 when the key does not exist
     */
    default long zcard(String key) {
        return Convert.integer(send(Command.text("ZCARD", key)));
    }

    /**
     * ZCARD, binary.
     *
     * @param key the key
     * @return the sorted set's size; 0 when the key does not exist
     */
    default long zcard(byte[] key) {
        return Convert.integer(send(Command.of("ZCARD", key)));
    }

    // ------------------------------------------------------------------ pub/sub

    /**
     * PUBLISH. Never re-sent (a repeat would deliver it twice).
     *
     * @param channel the channel
     * @param message the message
     * @return how many subscribers received it
     */
    default long publish(String channel, String message) {
        return Convert.integer(send(Command.text("PUBLISH", channel, message)));
    }

    /**
     * PUBLISH, binary. Never re-sent (a repeat would deliver it twice).
     *
     * @param channel the channel
     * @param message the message
     * @return how many subscribers received it
     */
    default long publish(String channel, byte[] message) {
        return Convert.integer(send(Command.of("PUBLISH", channel, message)));
    }

    /** {@code key} (if not null), then each entry as key, value (or value, key when {@code valueFirst}, as ZADD wants). */
    private static Object[] pairs(String what, Object key, Map<?, ?> entries, boolean valueFirst) {
        if (entries == null || entries.isEmpty()) {
            // The server would refuse the command for its argument count: say which argument, here.
            throw new IllegalArgumentException(what + ": " + (entries == null ? "null" : "empty") + " (expected: at least one entry)");
        }
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

    /**
     * EXPIRE in seconds, or PEXPIRE in milliseconds when {@code ttl} has a fraction of a second:
     * EXPIRE would drop the fraction, and a TTL under 1 s would go out as 0, which deletes the key.
     * Whole seconds stay EXPIRE, so a server or ACL that knows only EXPIRE still serves them.
     */
    private static Command expiry(boolean text, Object key, Duration ttl) {
        if (ttl == null) {
            throw new IllegalArgumentException("ttl: null (expected: a Duration >= 1 ms)");
        }
        if (ttl.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 1 ms; Redis deletes a key whose time to live"
                    + " goes out as 0 or less: to delete it, use del)");
        }
        // Below a millisecond is dropped, as SetOptions does; what remains decides the unit.
        boolean wholeSeconds = ttl.getNano() < 1_000_000;
        Object[] args = {key, wholeSeconds ? ttl.getSeconds() : ttl.toMillis()};
        String name = wholeSeconds ? "EXPIRE" : "PEXPIRE";
        return text ? Command.text(name, args) : Command.of(name, args);
    }

    /** An expiry instant as PEXPIREAT reads it. */
    private static long epochMillis(Instant at) {
        if (at == null) {
            throw new IllegalArgumentException("at: null (expected: an Instant)");
        }
        return at.toEpochMilli();
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
