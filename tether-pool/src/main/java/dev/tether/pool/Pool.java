package dev.tether.pool;

import dev.tether.pool.internal.Engine;

import java.time.Duration;

/**
 * A pool of connections to one key (one server). See {@link KeyedPool} for many; the two share the
 * engine, the limits (here {@link PoolConfig#maxPerKey()} is the limit) and the events.
 *
 * <p>Thread-safe: any number of threads acquire and return leases at the same time; waiting
 * callers are served first come, first served.
 *
 * @param <C> the connection type
 */
public interface Pool<C> extends Inspectable, AutoCloseable {

    /**
     * Starts building a pool of connections to one key.
     *
     * @param <K>       the key type
     * @param <C>       the connection type
     * @param key       where every connection goes
     * @param connector how connections are opened, checked and closed
     * @return a builder whose {@link PoolBuilder#build()} returns the pool
     * @throws NullPointerException if {@code connector} is null
     */
    static <K, C> PoolBuilder<K, C, Pool<C>> builder(K key, Connector<K, C> connector) {
        return new PoolBuilder<>(connector, parts -> new Engine<>(parts).single(key));
    }

    /**
     * Leases a connection, waiting up to {@link PoolConfig#acquireTimeout()}.
     *
     * @return the lease; close it to give the connection back
     * @throws PoolTimeoutException     if none became free in time
     * @throws PoolRejectedException    if {@link PoolConfig#maxWaiters()} callers already wait
     * @throws PoolOpenException        if the open made for this caller failed
     * @throws PoolClosedException      if the pool is closed
     * @throws PoolInterruptedException if the thread was interrupted while it waited
     */
    Lease<C> acquire();

    /**
     * Leases a connection, waiting up to {@code timeout}.
     *
     * @param timeout the longest wait; {@link Duration#ZERO}: not at all
     * @return the lease; close it to give the connection back
     * @throws PoolTimeoutException     if none became free in time
     * @throws PoolRejectedException    if {@link PoolConfig#maxWaiters()} callers already wait
     * @throws PoolOpenException        if the open made for this caller failed
     * @throws PoolClosedException      if the pool is closed
     * @throws PoolInterruptedException if the thread was interrupted while it waited
     */
    Lease<C> acquire(Duration timeout);

    /**
     * A snapshot of the pool's counts.
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
     * One housekeeping step; see {@link KeyedPool#maintain(long)}.
     *
     * @param nowNanos the present, on the pool's ticker
     * @return the ticker time of the next step needed; {@link Long#MAX_VALUE} when none is
     */
    long maintain(long nowNanos);

    /**
     * Closes idle connections now and leased ones when they come back; later acquires fail with
     * {@link PoolClosedException}. Idempotent.
     */
    @Override
    void close();
}
