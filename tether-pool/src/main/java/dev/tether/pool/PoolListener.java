package dev.tether.pool;

/**
 * Receives the pool's events. Called on the thread where the event happened, never while the
 * pool holds a lock; a listener must be quick and must not throw (an exception is logged and
 * dropped). Hot-path events take primitive nanoseconds so that they allocate nothing.
 * Metrics bindings (Micrometer, JMX) are built on this interface. Every method does nothing by
 * default, so a listener overrides only what it needs. Called from many threads at once: an
 * implementation must be thread-safe.
 *
 * @param <K> the key type
 * @param <C> the connection type
 */
public interface PoolListener<K, C> {

    /** The no-op listener. */
    @SuppressWarnings("rawtypes")
    PoolListener NONE = new PoolListener() { };

    /**
     * The no-op listener, typed.
     *
     * @param <K> the key type
     * @param <C> the connection type
     * @return {@link #NONE}
     */
    @SuppressWarnings("unchecked")
    static <K, C> PoolListener<K, C> none() {
        return (PoolListener<K, C>) NONE;
    }

    /**
     * A connection was opened.
     *
     * @param key        where it goes
     * @param connection the new connection
     * @param tookNanos  how long the open took, in nanoseconds
     */
    default void opened(K key, C connection, long tookNanos) { }

    /**
     * Opening a connection failed.
     *
     * @param key       where it was to go
     * @param cause     what the connector threw
     * @param tookNanos how long the attempt took, in nanoseconds
     */
    default void openFailed(K key, Throwable cause, long tookNanos) { }

    /**
     * A caller got a connection.
     *
     * @param key         where it goes
     * @param connection  the leased connection
     * @param waitedNanos how long the caller waited, in nanoseconds (0 when one was free at once)
     */
    default void acquired(K key, C connection, long waitedNanos) { }

    /**
     * A caller gave a connection back.
     *
     * @param key        where it goes
     * @param connection the returned connection
     */
    default void released(K key, C connection) { }

    /**
     * A connection was closed. Exactly once per opened connection.
     *
     * @param key        where it went
     * @param connection the closed connection
     * @param reason     why it was closed
     */
    default void closed(K key, C connection, Reason reason) { }

    /**
     * A connection was closed, with how long it had been open and how many times it was lent.
     * This is the method the pool calls; by default it calls {@link #closed(Object, Object, Reason)},
     * so a listener overrides whichever of the two it needs.
     *
     * @param key        the connection's key
     * @param connection the connection, already closed
     * @param reason     why it was closed
     * @param ageNanos   how long it had been open, on the pool's ticker, in nanoseconds
     * @param uses       how many leases it served (0: it was never lent)
     */
    default void closed(K key, C connection, Reason reason, long ageNanos, int uses) {
        closed(key, connection, reason);
    }

    /**
     * A caller found nothing free and started to wait.
     *
     * @param key what the caller waits for
     */
    default void waiting(K key) { }

    /**
     * A caller gave up waiting.
     *
     * @param key         what the caller waited for
     * @param waitedNanos how long it waited, in nanoseconds
     */
    default void timedOut(K key, long waitedNanos) { }

    /**
     * A lease has been held longer than {@link PoolConfig#leakDetectionThreshold()}; reported once
     * per lease.
     *
     * @param key        where the connection goes
     * @param connection the leased connection
     * @param heldNanos  how long it has been held, in nanoseconds
     * @param acquiredAt holds the stack of the code that acquired it
     */
    default void leakSuspected(K key, C connection, long heldNanos, Throwable acquiredAt) { }

    /**
     * A lease reported by {@link #leakSuspected} came back.
     *
     * @param key        where the connection goes
     * @param connection the returned connection
     * @param heldNanos  how long it was held in all, in nanoseconds
     */
    default void leakReturned(K key, C connection, long heldNanos) { }

    /**
     * The pool dropped its state for {@code key}, unused (no connection, open or waiter) for an idle
     * timeout, or 10 min when idle connections never expire. Its next use starts afresh; whoever
     * keeps state per key next to the pool can forget the key too. Never for a {@link Pool}'s key.
     *
     * @param key the key forgotten
     */
    default void forgotten(K key) { }
}
