package dev.tether.pool;

import dev.tether.pool.internal.Engine;

import java.time.Duration;

/** A pool of connections to one key (one server). See {@link KeyedPool} for many. */
public interface Pool<C> extends Inspectable, AutoCloseable {

    static <K, C> PoolBuilder<K, C, Pool<C>> builder(K key, Connector<K, C> connector) {
        return new PoolBuilder<>(connector, parts -> new Engine<>(parts).single(key));
    }

    /** Leases a connection, waiting up to {@link PoolConfig#acquireTimeout()}. */
    Lease<C> acquire();

    /** Leases a connection, waiting up to {@code timeout} (ZERO: not at all). */
    Lease<C> acquire(Duration timeout);

    PoolStats stats();

    PoolConfig config();

    /** See {@link KeyedPool#maintain(long)}. */
    long maintain(long nowNanos);

    @Override
    void close();
}
