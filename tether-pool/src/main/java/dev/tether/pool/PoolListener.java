package dev.tether.pool;

/**
 * Receives the pool's events. Called on the thread where the event happened, never while the
 * pool holds a lock; a listener must be quick and must not throw (an exception is logged and
 * dropped). Hot-path events take primitive nanoseconds so that they allocate nothing.
 * Metrics bindings (Micrometer, JMX) are built on this interface.
 */
public interface PoolListener<K, C> {

    /** The no-op listener. */
    @SuppressWarnings("rawtypes")
    PoolListener NONE = new PoolListener() { };

    @SuppressWarnings("unchecked")
    static <K, C> PoolListener<K, C> none() {
        return (PoolListener<K, C>) NONE;
    }

    /** A connection was opened, in {@code tookNanos}. */
    default void opened(K key, C connection, long tookNanos) { }

    /** Opening a connection failed after {@code tookNanos}. */
    default void openFailed(K key, Throwable cause, long tookNanos) { }

    /** A caller got a connection, after waiting {@code waitedNanos} (0 when one was free at once). */
    default void acquired(K key, C connection, long waitedNanos) { }

    /** A caller gave a connection back. */
    default void released(K key, C connection) { }

    /** A connection was closed. Exactly once per opened connection. */
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

    /** A caller found nothing free and started to wait. */
    default void waiting(K key) { }

    /** A caller gave up after waiting {@code waitedNanos}. */
    default void timedOut(K key, long waitedNanos) { }

    /**
     * A lease has been held longer than {@link PoolConfig#leakDetectionThreshold()}; reported once
     * per lease. {@code acquiredAt} holds the stack of the code that acquired it.
     */
    default void leakSuspected(K key, C connection, long heldNanos, Throwable acquiredAt) { }

    /** A lease reported by {@link #leakSuspected} came back after {@code heldNanos}. */
    default void leakReturned(K key, C connection, long heldNanos) { }

    /**
     * The pool dropped its state for {@code key}, unused (no connection, open or waiter) for an idle
     * timeout, or 10 min when idle connections never expire. Its next use starts afresh; whoever
     * keeps state per key next to the pool can forget the key too. Never for a {@link Pool}'s key.
     */
    default void forgotten(K key) { }
}
