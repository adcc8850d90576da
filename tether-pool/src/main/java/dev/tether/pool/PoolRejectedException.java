package dev.tether.pool;

/** Refused at once: as many callers as {@link PoolConfig#maxWaiters()} allows were already waiting. */
public final class PoolRejectedException extends PoolException {
    /**
     * Creates the exception; the message says how to make room.
     *
     * @param poolName   the pool's {@link PoolConfig#name()}
     * @param key        the key the caller asked for
     * @param maxWaiters the limit that was reached
     * @param stats      the key's counts at the time
     */
    public PoolRejectedException(String poolName, Object key, int maxWaiters, PoolStats stats) {
        super(poolName, key, "pool \"" + poolName + "\" refused a request for a connection to " + key + ": "
                + maxWaiters + " callers are already waiting (maxWaiters " + maxWaiters + "; leased " + stats.leased()
                + ", idle " + stats.idle() + ", opening " + stats.opening()
                + "); raise maxPerKey or maxWaiters, or shed load earlier", null);
    }
}
