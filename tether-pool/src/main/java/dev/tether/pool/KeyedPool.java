package dev.tether.pool;

import dev.tether.pool.internal.Engine;

import java.time.Duration;

/**
 * A pool with one sub-pool per key (a route: host, port, TLS), under a per-key and a total limit.
 * When the total is reached and another key holds idle connections, the least recently used of
 * those is closed ({@link Reason#EVICTED}) to make room. A key with no connection, open or waiter
 * for an idle timeout (10 min when idle connections never expire) is forgotten: it leaves
 * {@link PoolStats#perKey()}, its counts stay in the totals, its next use starts afresh, and the
 * listener hears {@link PoolListener#forgotten}.
 *
 * <p>Thread-safe: any number of threads acquire and return leases at the same time; waiting
 * callers are served first come, first served per key.
 *
 * @param <K> the key type (a route); keys are compared with {@code equals}
 * @param <C> the connection type
 */
public interface KeyedPool<K, C> extends Inspectable, AutoCloseable {

    /**
     * Starts building a keyed pool.
     *
     * @param <K>       the key type
     * @param <C>       the connection type
     * @param connector how connections are opened, checked and closed
     * @return a builder whose {@link PoolBuilder#build()} returns the pool
     * @throws NullPointerException if {@code connector} is null
     */
    static <K, C> PoolBuilder<K, C, KeyedPool<K, C>> builder(Connector<K, C> connector) {
        return new PoolBuilder<>(connector, Engine::new);
    }

    /**
     * Leases a connection to {@code key}, waiting up to {@link PoolConfig#acquireTimeout()}.
     *
     * @param key where the connection goes
     * @return the lease; close it to give the connection back
     * @throws PoolTimeoutException     if none became free in time
     * @throws PoolRejectedException    if {@link PoolConfig#maxWaiters()} callers already wait
     * @throws PoolOpenException        if the open made for this caller failed
     * @throws PoolClosedException      if the pool is closed
     * @throws PoolInterruptedException if the thread was interrupted while it waited
     */
    Lease<C> acquire(K key);

    /**
     * Leases a connection to {@code key}, waiting up to {@code timeout}.
     *
     * @param key     where the connection goes
     * @param timeout the longest wait; {@link Duration#ZERO}: not at all
     * @return the lease; close it to give the connection back
     * @throws PoolTimeoutException     if none became free in time
     * @throws PoolRejectedException    if {@link PoolConfig#maxWaiters()} callers already wait
     * @throws PoolOpenException        if the open made for this caller failed
     * @throws PoolClosedException      if the pool is closed
     * @throws PoolInterruptedException if the thread was interrupted while it waited
     */
    Lease<C> acquire(K key, Duration timeout);

    /**
     * A snapshot of the pool's counts, with one entry per key in {@link PoolStats#perKey()}.
     *
     * @return the snapshot, read without stopping the pool
     */
    PoolStats stats();

    /**
     * The policy the pool was built with.
     *
     * @return the pool's configuration
     */
    PoolConfig config();

    /**
     * One housekeeping step at {@code nowNanos} (the pool's ticker): closes expired idle
     * connections, times out waiters, reports leaks, starts opens for min idle and for waiters after
     * a backoff. Returns the ticker time at which it next needs to run ({@link Long#MAX_VALUE}:
     * nothing scheduled). Called by the configured {@link Housekeeping}, or by tests.
     *
     * @param nowNanos the present, on the pool's ticker
     * @return the ticker time of the next step needed; {@link Long#MAX_VALUE} when none is
     */
    long maintain(long nowNanos);

    /**
     * Closes idle connections now and leased ones when they come back; later acquires fail with
     * {@link PoolClosedException}, and waiting callers are woken with it. Idempotent.
     */
    @Override
    void close();
}
