package dev.tether.pool.internal;

import dev.tether.pool.Inspectable;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolView;
import dev.tether.pool.PoolStats;

import java.time.Duration;

/** {@link Pool} view of one sub-pool: no key lookup on the hot path. */
final class SinglePool<K, C> implements Pool<C> {
    private final Engine<K, C> engine;
    private final SubPool<K, C> sub;
    private final long acquireTimeoutNanos;

    SinglePool(Engine<K, C> engine, SubPool<K, C> sub) {
        this.engine = engine;
        this.sub = sub;
        this.acquireTimeoutNanos = engine.settings.acquireTimeoutNanos();
    }

    @Override
    public Lease<C> acquire() {
        return sub.acquire(acquireTimeoutNanos);
    }

    @Override
    public Lease<C> acquire(Duration timeout) {
        return sub.acquire(Engine.timeoutNanos(timeout));
    }

    @Override
    public PoolStats stats() {
        return engine.stats().forKey(sub.key);
    }

    @Override
    public PoolConfig config() {
        return engine.config();
    }

    @Override
    public long maintain(long nowNanos) {
        return engine.maintain(nowNanos);
    }

    @Override
    public PoolView poolView() {
        return engine.poolView();
    }

    @Override
    public int evictIdle() {
        return engine.evictIdle();
    }

    @Override
    public Inspectable.ListenerHandle addPoolListener(PoolListener<Object, Object> listener) {
        return engine.addPoolListener(listener);
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "Pool[" + sub.poolName() + ", " + sub.key + "]";
    }
}
