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
 */
public interface KeyedPool<K, C> extends Inspectable, AutoCloseable {

    static <K, C> PoolBuilder<K, C, KeyedPool<K, C>> builder(Connector<K, C> connector) {
        return new PoolBuilder<>(connector, Engine::new);
    }

    /** Leases a connection to {@code key}, waiting up to {@link PoolConfig#acquireTimeout()}. */
    Lease<C> acquire(K key);

    /** Leases a connection to {@code key}, waiting up to {@code timeout} (ZERO: not at all). */
    Lease<C> acquire(K key, Duration timeout);

    PoolStats stats();

    PoolConfig config();

    /**
     * One housekeeping step at {@code nowNanos} (the pool's ticker): closes expired idle
     * connections, times out waiters, reports leaks, starts opens for min idle and for waiters after
     * a backoff. Returns the ticker time at which it next needs to run ({@link Long#MAX_VALUE}:
     * nothing scheduled). Called by the configured {@link Housekeeping}, or by tests.
     */
    long maintain(long nowNanos);

    /** Closes idle connections now and leased ones when they come back; later acquires fail. */
    @Override
    void close();
}
