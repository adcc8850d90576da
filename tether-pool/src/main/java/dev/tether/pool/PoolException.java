package dev.tether.pool;

/** Base of the pool's failures: each names the pool and the key. */
public class PoolException extends RuntimeException {
    private final String poolName;
    private final transient Object key;

    protected PoolException(String poolName, Object key, String message, Throwable cause) {
        super(message, cause);
        this.poolName = poolName;
        this.key = key;
    }

    public String poolName() { return poolName; }

    /** The key the caller asked for. */
    public Object key() { return key; }
}
