package dev.tether.pool;

/**
 * One connection, lent to one caller. {@link #close()} gives it back; {@link #close(Reason)} or
 * {@link #retire()} discards it because the caller saw it break.
 *
 * <p>A lease is used by one caller at a time and must not be touched after it was closed: the
 * pool recycles lease objects on the thread that returned them (so that a cycle allocates
 * nothing), and a stale reference may then point at the same thread's next lease. Misuse that can
 * be seen (using or closing a returned lease) fails with {@link IllegalStateException}.
 *
 * @param <C> the connection type
 */
public interface Lease<C> extends AutoCloseable {

    /**
     * The connection.
     *
     * @return the leased connection
     * @throws IllegalStateException if the lease was closed
     */
    C get();

    /**
     * Returns the connection to the pool (or closes it, if it expired while leased).
     *
     * @throws IllegalStateException if the lease was already closed
     */
    @Override
    void close();

    /**
     * Discards the connection, closing it with {@code reason}.
     *
     * @param reason why, as the pool's listener and stats will show it
     * @throws IllegalStateException if the lease was already closed
     */
    void close(Reason reason);

    /**
     * Discards the connection because the caller saw it fail: {@code close(Reason.BROKEN)}.
     *
     * @throws IllegalStateException if the lease was already closed
     */
    default void retire() {
        close(Reason.BROKEN);
    }

    /**
     * Sets the connection's own deadline at {@code atNanos} on the pool's {@link Ticker}: once
     * passed, the connection is closed with {@link Reason#DEADLINE} instead of being reused (a
     * leased connection when it comes back). A protocol uses it for limits the server announces,
     * such as HTTP's {@code Keep-Alive: timeout=}. The time is absolute and in the unit the pool
     * keeps, so it travels unchanged from the response that announced it to the pool.
     * A later call replaces an earlier one; {@link Long#MAX_VALUE} is no deadline, as after
     * {@link #clearDeadline()}. The deadline is shown as set by {@link DeadlineSource#PROTOCOL};
     * {@link #deadlineAt(long, DeadlineSource)} says who set it.
     *
     * @param atNanos the deadline on the pool's ticker, in nanoseconds
     * @throws IllegalStateException if the lease was returned
     */
    default void deadlineAt(long atNanos) {
        deadlineAt(atNanos, DeadlineSource.PROTOCOL);
    }

    /**
     * As {@link #deadlineAt(long)}, noting what set the deadline ({@link DeadlineSource#KEEP_ALIVE}
     * for a limit the server announced, {@link DeadlineSource#LEARNED} for a learned idle timeout),
     * which {@link PoolView} and {@link PoolDump} show beside it. Allocates nothing.
     *
     * @param atNanos the absolute time on the pool's ticker, in nanoseconds; {@link Long#MAX_VALUE}: none
     * @param source  what set it; not null
     * @throws IllegalStateException if the lease was returned
     * @throws NullPointerException  if {@code source} is null
     */
    void deadlineAt(long atNanos, DeadlineSource source);

    /**
     * Removes the deadline set earlier with {@link #deadlineAt}: the connection is kept as long as
     * the pool's own limits allow (idle timeout, max lifetime). For a response that no longer asks
     * for the limit an earlier one announced.
     */
    void clearDeadline();

    /**
     * How many times this connection has been leased.
     *
     * @return the count, this lease included (1 for a fresh connection)
     */
    int useCount();
}
