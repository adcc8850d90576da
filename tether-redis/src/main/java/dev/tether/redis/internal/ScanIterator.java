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
 * key may come more than once, and an empty batch does not mean the end.
 */
public final class ScanIterator implements Iterator<String> {
    private final Function<Command, Object> send;
    private final String command;
    private final Object[] prefix;
    private final String match;
    private final int count;
    private final ArrayDeque<String> batch = new ArrayDeque<>();
    private String cursor = "0";
    private boolean done;

    /**
     * @param prefix arguments before the cursor (the key, for HSCAN, SSCAN and ZSCAN), may be empty
     */
    public ScanIterator(Function<Command, Object> send, String command, Object[] prefix, String match, int count) {
        this.send = send;
        this.command = command;
        this.prefix = prefix;
        this.match = match;
        this.count = count;
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
            List<?> reply = Convert.list(send.apply(Command.text(command, args)));
            cursor = Convert.string(reply.get(0));
            batch.addAll(Convert.strings(reply.get(1)));
            done = cursor.equals("0");
        }
        return !batch.isEmpty();
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException(command + " has returned every key");
        }
        return batch.poll();
    }
}
