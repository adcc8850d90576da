package dev.tether.pool.internal;

import dev.tether.pool.PoolConfig;

import java.time.Duration;

/**
 * The {@link PoolConfig} as the engine reads it: every duration turned into nanoseconds once, with
 * "off" spelled {@link Nanos#NONE}, so that no decision converts a Duration.
 *
 * @param idleTimeoutNanos    idle connections close after this; NONE: never
 * @param lifetimeNanos       connections close after this open (less jitter); NONE: never
 * @param jitterNanos         up to this much is taken off each connection's lifetime
 * @param leakNanos           a lease held longer is reported as a likely leak; NONE: never
 * @param openTimeoutNanos    one open may take at most this
 * @param acquireTimeoutNanos how long {@code acquire()} waits by default
 * @param dropAfterNanos      a key unused (no connection, open or waiter) this long is forgotten
 */
record PoolSettings(PoolConfig config, long idleTimeoutNanos, long lifetimeNanos, long jitterNanos,
                    long leakNanos, long openTimeoutNanos, long acquireTimeoutNanos, long dropAfterNanos) {

    /** A key nobody used for this long is forgotten when idle connections never expire. */
    static final long DROP_AFTER_WITHOUT_IDLE_TIMEOUT = 600_000_000_000L;

    static PoolSettings of(PoolConfig c) {
        long idle = offIfZero(c.idleTimeout());
        return new PoolSettings(c, idle, offIfZero(c.maxLifetime()), Nanos.saturated(c.lifetimeJitter()),
                offIfZero(c.leakDetectionThreshold()), Nanos.saturated(c.openTimeout()),
                Nanos.saturated(c.acquireTimeout()),
                // A key unused for an idle timeout costs memory only: a client that talks to many
                // hosts over time must not keep them all.
                idle != Nanos.NONE ? idle : DROP_AFTER_WITHOUT_IDLE_TIMEOUT);
    }

    /** The pool's name, for messages. */
    String name() {
        return config.name();
    }

    private static long offIfZero(Duration d) {
        return d.isZero() ? Nanos.NONE : Nanos.saturated(d);
    }
}
