package dev.tether.pool;

import java.time.Duration;

/**
 * No connection became free within the caller's timeout. The message carries the pool's name, the
 * key, the time waited and the key's counts; the cause, when present, is the last failure to open
 * a connection for that key (so an outage does not look like a busy pool).
 */
public final class PoolTimeoutException extends PoolException {
    /** How long the caller waited, kept in the serialized form. */
    private final Duration waited;
    /** The key's counts; transient, because a snapshot is not serializable. */
    private final transient PoolStats stats;

    /**
     * Creates the exception.
     *
     * @param poolName        the pool's {@link PoolConfig#name()}
     * @param key             the key the caller asked for
     * @param waited          how long the caller waited
     * @param maxPerKey       the key's limit
     * @param stats           the key's counts when the caller gave up
     * @param lastOpenFailure the last failure to open a connection to the key, or null
     */
    public PoolTimeoutException(String poolName, Object key, Duration waited, int maxPerKey, PoolStats stats,
                                Throwable lastOpenFailure) {
        super(poolName, key, "pool \"" + poolName + "\" timed out after " + waited.toMillis()
                + " ms waiting for a connection to " + key + " (max " + maxPerKey + ", leased " + stats.leased()
                + ", idle " + stats.idle() + ", opening " + stats.opening() + ", waiting " + stats.waiting() + ")"
                + (lastOpenFailure == null ? "" : "; the last attempt to open one failed: " + lastOpenFailure),
                lastOpenFailure);
        this.waited = waited;
        this.stats = stats;
    }

    /**
     * How long the caller waited.
     *
     * @return the wait, from the call to giving up
     */
    public Duration waited() { return waited; }

    /**
     * The key's counts when the caller gave up.
     *
     * @return the snapshot; null after the exception was serialized
     */
    public PoolStats stats() { return stats; }
}
