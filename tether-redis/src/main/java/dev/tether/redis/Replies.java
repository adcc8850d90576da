package dev.tether.redis;

import dev.tether.redis.internal.Convert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The replies to a pipeline or a transaction, one per command in the order sent. A command the
 * server refused has its {@link RedisServerException} in its place instead of a value, so one
 * bad command does not hide the others' results. Immutable and thread-safe.
 */
public final class Replies {
    static final Replies EMPTY = new Replies(List.of());

    private final List<Object> values;

    /**
     * Holds the replies; a client builds this, a test may too.
     *
     * @param values one reply per command; a {@link RedisServerException} where the server refused one; copied
     */
    public Replies(List<Object> values) {
        this.values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * The number of replies, one per command.
     *
     * @return the count
     */
    public int size() { return values.size(); }

    /**
     * The reply to a command.
     *
     * @param i the command's index, from 0
     * @return the reply, as {@link RedisCommands#send(Command)} describes
     * @throws RedisServerException if the server refused that command
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public Object get(int i) {
        Object v = values.get(i);
        if (v instanceof RedisServerException) {
            throw (RedisServerException) v;
        }
        return v;
    }

    /**
     * The reply to a command as text (a bulk string decoded as UTF-8, a simple string as is).
     *
     * @param i the command's index, from 0
     * @return the text, or null for a null reply
     * @throws RedisServerException if the server refused that command
     */
    public String getString(int i) {
        return Convert.string(get(i));
    }

    /**
     * The reply to a command as an integer.
     *
     * @param i the command's index, from 0
     * @return the integer
     * @throws RedisServerException if the server refused that command
     * @throws IllegalStateException if the reply is not an integer
     */
    public long getLong(int i) {
        Object v = get(i);
        if (v instanceof Long) {
            return (Long) v;
        }
        throw new IllegalStateException("reply " + i + " is " + typeOf(v) + ", not an integer");
    }

    /**
     * Whether the server refused a command.
     *
     * @param i the command's index, from 0
     * @return true when its place holds an error
     */
    public boolean isError(int i) {
        return values.get(i) instanceof RedisServerException;
    }

    /**
     * The server's error for a command.
     *
     * @param i the command's index, from 0
     * @return the error, or null if the command was not refused
     */
    public RedisServerException error(int i) {
        Object v = values.get(i);
        return v instanceof RedisServerException ? (RedisServerException) v : null;
    }

    /**
     * Every reply, errors included as {@link RedisServerException} objects.
     *
     * @return an unmodifiable list, in command order
     */
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
