package dev.tether.redis;

import dev.tether.redis.internal.Convert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The replies to a pipeline or a transaction, one per command in the order sent. A command the
 * server refused has its {@link RedisServerException} in its place instead of a value, so one
 * bad command does not hide the others' results.
 */
public final class Replies {
    static final Replies EMPTY = new Replies(List.of());

    private final List<Object> values;

    /** @param values one reply per command; a {@link RedisServerException} where the server refused one */
    public Replies(List<Object> values) {
        this.values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    public int size() { return values.size(); }

    /** The reply to command {@code i} (from 0); throws its {@link RedisServerException} if the server refused it. */
    public Object get(int i) {
        Object v = values.get(i);
        if (v instanceof RedisServerException) {
            throw (RedisServerException) v;
        }
        return v;
    }

    /** The reply to command {@code i} as text (a bulk string decoded as UTF-8, a simple string as is). */
    public String getString(int i) {
        return Convert.string(get(i));
    }

    /** The reply to command {@code i} as an integer. */
    public long getLong(int i) {
        Object v = get(i);
        if (v instanceof Long) {
            return (Long) v;
        }
        throw new IllegalStateException("reply " + i + " is " + typeOf(v) + ", not an integer");
    }

    /** Whether the server refused command {@code i}. */
    public boolean isError(int i) {
        return values.get(i) instanceof RedisServerException;
    }

    /** The server's error for command {@code i}, or null if it was not refused. */
    public RedisServerException error(int i) {
        Object v = values.get(i);
        return v instanceof RedisServerException ? (RedisServerException) v : null;
    }

    /** Every reply, errors included as {@link RedisServerException} objects. */
    public List<Object> asList() {
        return values;
    }

    static String typeOf(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Replies[");
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            sb.append(i == 0 ? "" : ", ").append(v instanceof byte[] ? ((byte[]) v).length + " bytes"
                    : v instanceof RedisServerException ? "-" + ((RedisServerException) v).prefix() : typeOf(v));
        }
        return sb.append(']').toString();
    }
}
