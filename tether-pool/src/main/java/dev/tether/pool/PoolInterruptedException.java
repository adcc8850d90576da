package dev.tether.pool;

/** The caller's thread was interrupted while it waited for a connection; the interrupt flag is set again. */
public final class PoolInterruptedException extends PoolException {
    public PoolInterruptedException(String poolName, Object key) {
        super(poolName, key, "pool \"" + poolName + "\": interrupted while waiting for a connection to " + key, null);
    }
}
