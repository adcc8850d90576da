package dev.tether.pool;

/** The pool was closed: it hands out nothing more. */
public final class PoolClosedException extends PoolException {
    public PoolClosedException(String poolName, Object key) {
        super(poolName, key, "pool \"" + poolName + "\" is closed; cannot acquire a connection to " + key, null);
    }
}
