package dev.tether.pool;

import java.time.Duration;

/**
 * One connection, lent to one caller. {@link #close()} gives it back; {@link #close(Reason)} or
 * {@link #retire()} discards it because the caller saw it break.
 *
 * <p>A lease is used by one caller at a time and must not be touched after it was closed: the
 * pool recycles lease objects on the thread that returned them (so that a cycle allocates
 * nothing), and a stale reference may then point at the same thread's next lease. Misuse that can
 * be seen (using or closing a returned lease) fails with {@link IllegalStateException}.
 */
public interface Lease<C> extends AutoCloseable {

    /** The connection. */
    C get();

    /** Returns the connection to the pool (or closes it, if it expired while leased). */
    @Override
    void close();

    /** Discards the connection, closing it with {@code reason}. */
    void close(Reason reason);

    /** Discards the connection because the caller saw it fail: {@code close(Reason.BROKEN)}. */
    default void retire() {
        close(Reason.BROKEN);
    }

    /**
     * Sets the connection's own deadline {@code fromNow} from now: once passed, the connection is
     * closed with {@link Reason#DEADLINE} instead of being reused (a leased connection when it
     * comes back). A protocol uses it for limits the server announces, such as HTTP's
     * {@code Keep-Alive: timeout=}. A later call replaces an earlier one.
     */
    void deadline(Duration fromNow);

    /** Sets the connection's deadline to {@code atNanos} on the pool's ticker (see {@link #deadline}). */
    void deadlineAt(long atNanos);

    /** Removes a deadline set earlier. */
    void clearDeadline();

    /** How many times this connection has been leased, this lease included (1 for a fresh one). */
    int useCount();
}
