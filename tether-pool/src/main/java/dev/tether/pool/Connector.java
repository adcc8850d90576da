package dev.tether.pool;

/**
 * How to open, check and close one connection. The pool knows nothing about sockets or
 * protocols; everything it needs to know about a connection goes through this interface.
 *
 * <p>Calls for one connection never overlap, and the pool never holds a lock while calling.
 * The lifecycle callbacks come in this order:
 * {@code open} -&gt; ({@code onIdle} -&gt; {@code onLease} -&gt; {@code isReusable})* -&gt; {@code close}.
 * Different connections are handled from different threads at the same time, so an
 * implementation must be thread-safe across connections.
 *
 * @param <K> the key (a route: host, port, TLS) that says where a connection goes
 * @param <C> the connection type
 */
public interface Connector<K, C> {

    /**
     * Opens a connection to {@code key}. Must give up by {@code deadline} (the earlier of the
     * acquirer's deadline and {@link PoolConfig#openTimeout()}). Any exception is reported to the
     * caller that caused the open, as the cause of a {@link PoolOpenException}.
     *
     * @param key      where to connect
     * @param deadline when to give up
     * @return the open connection, never null
     * @throws Exception when the connection cannot be opened by the deadline, for any reason
     */
    C open(K key, Deadline deadline) throws Exception;

    /**
     * The cheap check made each time an idle connection is handed out again, after
     * {@link #onLease}. Must not block: a zero-wait look at the socket, not a read with a timeout.
     * Returning false closes the connection with {@link Reason#NOT_REUSABLE} and the pool tries
     * another one.
     *
     * @param connection the idle connection about to be leased
     * @param idleNanos  how long the connection sat idle before this lease, in nanoseconds (a
     *                   primitive, because this runs on every acquire and must not allocate)
     * @return whether the connection may be handed out; the default is {@code true}
     */
    default boolean isReusable(C connection, long idleNanos) {
        return true;
    }

    /**
     * The connection is about to become idle. {@code handle} stays valid until the next
     * {@link #onLease} or {@link #close}; a connector that watches idle connections calls
     * {@link IdleHandle#expire(Reason)} when the peer closes one, and the pool closes it at once.
     * Called before the connection is visible to other acquirers. The default does nothing.
     *
     * @param connection the connection that becomes idle
     * @param handle     lets the connector expel it while it is idle
     */
    default void onIdle(C connection, IdleHandle handle) {
    }

    /**
     * The connection left the idle set and is about to be handed to a caller: stop watching it.
     * When this returns, the connector must no longer touch the connection on its own. The default
     * does nothing.
     *
     * @param connection the connection about to be leased
     */
    default void onLease(C connection) {
    }

    /**
     * The local port of the connection's socket, for {@link PoolView} and {@link PoolDump} (so that
     * a line of the dump can be matched with {@code ss} or {@code lsof}); -1 when it has none or
     * the connector cannot tell (the default). Called by whoever takes a view, from any thread,
     * whatever the connection's state: it must be cheap and must not block or throw.
     *
     * @param connection an open (or just closed) connection of this connector
     * @return the local port, or -1
     */
    default int localPort(C connection) {
        return -1;
    }

    /**
     * Closes the connection. Called exactly once per opened connection, never under a pool lock.
     * Must not throw: the pool has nothing to do with a failed close but log it.
     *
     * @param connection the connection to close
     * @param reason     why the pool closes it
     */
    void close(C connection, Reason reason);

    /** Lets a connector expel one of its idle connections from the pool. Safe to call from any thread. */
    interface IdleHandle {
        /**
         * Closes the connection now with {@code reason}, if it is still idle. Returns false when
         * it was leased (or closed) in the meantime, in which case nothing happens.
         *
         * @param reason why the connection is closed, as the listener will hear it
         * @return whether this call closed the connection
         */
        boolean expire(Reason reason);
    }
}
