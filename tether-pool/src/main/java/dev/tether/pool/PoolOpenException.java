package dev.tether.pool;

/** Opening a connection for this caller failed; the cause is the connector's own exception. */
public final class PoolOpenException extends PoolException {
    /**
     * Creates the exception.
     *
     * @param poolName the pool's {@link PoolConfig#name()}
     * @param key      the key the caller asked for
     * @param cause    what the connector threw
     */
    public PoolOpenException(String poolName, Object key, Throwable cause) {
        super(poolName, key, "pool \"" + poolName + "\" could not open a connection to " + key + ": " + cause, cause);
    }
}
