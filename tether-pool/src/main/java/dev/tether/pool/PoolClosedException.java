package dev.tether.pool;

/** The pool was closed: it hands out nothing more. */
public final class PoolClosedException extends PoolException {
    /**
     * Creates the exception.
     *
     * @param poolName the pool's {@link PoolConfig#name()}
     * @param key      the key the caller asked for
     */
    public PoolClosedException(String poolName, Object key) {
        super(poolName, key, "pool \"" + poolName + "\" is closed; cannot acquire a connection to " + key, null);
    }
}
