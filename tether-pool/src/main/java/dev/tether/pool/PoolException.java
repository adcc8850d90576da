package dev.tether.pool;

/**
 * Base of the pool's failures: each names the pool and the key. Unchecked, because a caller that
 * cannot get a connection usually has nothing better to do than fail its request.
 */
public class PoolException extends RuntimeException {
    /** The pool's name, kept in the serialized form. */
    private final String poolName;
    /** The key; transient, because a key need not be serializable. */
    private final transient Object key;

    /**
     * Creates the exception.
     *
     * @param poolName the pool's {@link PoolConfig#name()}
     * @param key      the key the caller asked for
     * @param message  the full message, naming the pool and the key
     * @param cause    the underlying failure, or null
     */
    protected PoolException(String poolName, Object key, String message, Throwable cause) {
        super(message, cause);
        this.poolName = poolName;
        this.key = key;
    }

    /**
     * The pool that failed the call.
     *
     * @return the pool's {@link PoolConfig#name()}
     */
    public String poolName() { return poolName; }

    /**
     * The key the caller asked for.
     *
     * @return the key; null after the exception was serialized (keys need not be serializable)
     */
    public Object key() { return key; }
}
