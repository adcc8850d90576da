package dev.tether.redis;

import dev.tether.pool.Lease;
import dev.tether.pool.Reason;
import dev.tether.redis.internal.Dispatch;
import dev.tether.redis.internal.RedisConnection;

import java.util.Locale;

/**
 * Commands on one connection, leased from the pool until {@link #close()}: for what needs the
 * same connection from one command to the next, such as {@code WATCH} ... {@code MULTI} ...
 * {@code EXEC} (optimistic locking), or {@code MULTI} typed out command by command.
 *
 * <pre>{@code
 * try (RedisSession s = client.session()) {
 *     s.watch("stock");
 *     long stock = Long.parseLong(s.get("stock"));
 *     Replies r = s.transaction().add("SET", "stock", stock - 1).execute();
 *     if (r == null) { ... "stock" changed meanwhile: nothing was applied, try again }
 * }
 * }</pre>
 *
 * <p>Nothing in a session is retried: its connection carries state (WATCH, MULTI, SELECT) that a
 * fresh one would not have, so a connection failure ends the session (later calls fail at once;
 * start a new one). On {@link #close()} an open MULTI is discarded and WATCH undone before the
 * connection goes back to the pool; a connection whose state was changed beyond that (SELECT,
 * CLIENT SETNAME, HELLO, AUTH, SUBSCRIBE...) is closed instead. Not thread-safe: one thread at a
 * time. Every command fails with {@link IllegalStateException} once the session is closed or its
 * connection failed.
 */
public final class RedisSession implements RedisCommands, AutoCloseable {
    private final Dispatch dispatch;
    private final Lease<RedisConnection> lease;
    private final RedisConnection rc;
    private boolean inMulti;
    private boolean watching;
    private boolean changed;
    private RedisConnectionException broken;
    private boolean closed;

    RedisSession(Dispatch dispatch, Lease<RedisConnection> lease) {
        this.dispatch = dispatch;
        this.lease = lease;
        this.rc = lease.get();
    }

    @Override
    public Object send(Command command) {
        check();
        String name = command.name().toUpperCase(Locale.ROOT);
        Object reply;
        try {
            reply = dispatch.callPinned(rc, command);
        } catch (RedisConnectionException e) {
            broken = e;
            throw e;
        }
        switch (name) {
            case "MULTI": inMulti = true; break;
            case "EXEC": case "DISCARD": inMulti = false; watching = false; break;
            case "WATCH": watching = true; break;
            case "UNWATCH": watching = false; break;
            case "SELECT": case "CLIENT": case "HELLO": case "AUTH": case "SUBSCRIBE": case "PSUBSCRIBE": case "SSUBSCRIBE":
            case "MONITOR": case "RESET": case "READONLY": case "READWRITE": case "SWAPDB":
                changed = true;
                break;
            default:
                break;
        }
        return reply;
    }

    /**
     * WATCH: a later transaction of this session is discarded if one of {@code keys} changes first.
     *
     * @param keys the keys
     */
    public void watch(String... keys) {
        send(Command.text("WATCH", (Object[]) keys));
    }

    /**
     * WATCH, binary: a later transaction of this session is discarded if one of {@code keys} changes first.
     *
     * @param keys the keys, as the server holds them
     */
    public void watch(byte[]... keys) {
        send(Command.text("WATCH", (Object[]) keys));
    }

    /**
     * UNWATCH: forgets every WATCHed key.
     */
    public void unwatch() {
        send(Command.text("UNWATCH"));
    }

    /**
     * MULTI: commands are queued (each answers "QUEUED") until {@link #exec()} or {@link #discard()}.
     * Queue them with {@link #send(Command)} and read their results from {@code exec()}: a typed
     * method's result is not there yet, so one that returns a number throws (saying the command
     * was queued and runs at EXEC), and one that returns a {@code String} returns "QUEUED".
     */
    public void multi() {
        send(Command.text("MULTI"));
    }

    /**
     * EXEC.
     *
     * @return the queued commands' replies, or null when a WATCHed key changed and nothing was applied
     */
    @SuppressWarnings("unchecked")
    public Replies exec() {
        Object r = send(Command.of("EXEC"));
        return r == null ? null : new Replies((java.util.List<Object>) r);
    }

    /**
     * DISCARD: drops the queued commands and ends the MULTI.
     */
    public void discard() {
        send(Command.text("DISCARD"));
    }

    /**
     * A pipeline on this session's connection.
     *
     * @return an empty pipeline
     * @throws IllegalStateException if the session is closed or broken
     */
    public Pipeline pipeline() {
        check();
        return new Pipeline(cmds -> batch(cmds, false));
    }

    /**
     * MULTI, the commands, EXEC in one round trip on this session's connection (after a WATCH, say).
     *
     * @return an empty transaction
     * @throws IllegalStateException if the session is closed or broken
     */
    public Pipeline transaction() {
        check();
        return new Pipeline(cmds -> batch(cmds, true));
    }

    private Replies batch(java.util.List<Command> cmds, boolean transaction) {
        check();
        try {
            Replies r = dispatch.batchPinned(rc, cmds, transaction);
            if (transaction) {
                watching = false; // EXEC ends every WATCH, applied or not
            }
            return r;
        } catch (RedisConnectionException e) {
            broken = e;
            throw e;
        }
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("this session is closed; start another with RedisClient.session()");
        }
        if (broken != null) {
            throw new IllegalStateException("this session's connection failed (" + broken.getMessage()
                    + "); start another with RedisClient.session()", broken);
        }
    }

    /** Gives the connection back (after DISCARD / UNWATCH if needed), or closes it if it is broken or changed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (broken == null && !changed) {
            try {
                if (inMulti) {
                    discard();
                } else if (watching) {
                    unwatch();
                }
            } catch (RedisException e) {
                changed = true; // a failed connection was recorded as broken by send()
            }
        }
        closed = true;
        if (broken != null) {
            lease.close(Reason.BROKEN);
        } else if (changed) {
            lease.close(Reason.NOT_REUSABLE);
        } else {
            lease.close();
        }
    }
}
