package dev.tether.pool;

/** The caller's thread was interrupted while it waited for a connection; the interrupt flag is set again. */
public final class PoolInterruptedException extends PoolException {
    /**
     * Creates the exception.
     *
     * @param poolName the pool's {@link PoolConfig#name()}
     * @param key      the key the caller asked for
     */
    public PoolInterruptedException(String poolName, Object key) {
        super(poolName, key, "pool \"" + poolName + "\": interrupted while waiting for a connection to " + key, null);
    }
}
