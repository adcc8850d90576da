package dev.tether.redis.internal;

import dev.tether.redis.Command;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * SCAN as an iterator: each batch is one {@code SCAN cursor [MATCH m] [COUNT n]} (a read, so the
 * client retries it like any other), fetched when the previous one is used up, until the server
 * returns cursor 0. As SCAN promises, a key present the whole time is returned at least once; a
 * key may come more than once, and an empty batch does not mean the end. Keys come as
 * {@code String}s or as {@code byte[]}, as the caller's conversion makes them.
 */
public final class ScanIterator<T> implements Iterator<T> {
    private final Function<Command, Object> send;
    private final String command;
    private final Object[] prefix;
    private final Object match;
    private final int count;
    private final boolean text;
    private final Function<Object, List<T>> keys;
    private final ArrayDeque<T> batch = new ArrayDeque<>();
    private String cursor = "0";
    private boolean done;

    /**
     * @param prefix arguments before the cursor (the key, for HSCAN, SSCAN and ZSCAN), may be empty
     * @param match the pattern, {@code String} or {@code byte[]}, or null for every key
     * @param text whether the server's bulk strings arrive as text ({@link Command#text}), so
     *             that {@code keys} converts each key once
     * @param keys a batch's array of keys as the iterator's elements ({@link Convert#strings},
     *             {@link Convert#byteList})
     */
    public ScanIterator(Function<Command, Object> send, String command, Object[] prefix, Object match, int count,
                        boolean text, Function<Object, List<T>> keys) {
        this.send = send;
        this.command = command;
        this.prefix = prefix;
        this.match = match;
        this.count = count;
        this.text = text;
        this.keys = keys;
    }

    @Override
    public boolean hasNext() {
        while (batch.isEmpty() && !done) {
            Object[] args = new Object[prefix.length + 1 + (match != null ? 2 : 0) + (count > 0 ? 2 : 0)];
            int i = 0;
            for (Object p : prefix) {
                args[i++] = p;
            }
            args[i++] = cursor;
            if (match != null) {
                args[i++] = "MATCH";
                args[i++] = match;
            }
            if (count > 0) {
                args[i++] = "COUNT";
                args[i] = count;
            }
            List<?> reply = Convert.list(send.apply(text ? Command.text(command, args) : Command.of(command, args)));
            cursor = Convert.string(reply.get(0));
            batch.addAll(keys.apply(reply.get(1)));
            done = cursor.equals("0");
        }
        return !batch.isEmpty();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException(command + " has returned every key");
        }
        return batch.poll();
    }
}
