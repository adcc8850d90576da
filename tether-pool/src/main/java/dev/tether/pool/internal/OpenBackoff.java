package dev.tether.pool.internal;

import dev.tether.pool.Backoff;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The open backoff of one key: how many opens failed in a row, until when no new open starts, and
 * the last failure (given to a waiter that times out meanwhile, so an outage does not look like a
 * busy pool). How long to wait is the configured {@link Backoff}'s decision; this is the state.
 *
 * <p>Guarded by the engine's lock: everything is written under it, and read under it by every
 * decision. The one read without it is {@link #untilForWaiter()}, by a parked waiter choosing how
 * long to sleep; {@link #until} is volatile for that reader, so it sees the last value published
 * under the lock. A value that changes just after the read costs the waiter an early or a late
 * look only: whether it may open is decided under the lock.
 */
final class OpenBackoff {
    private int failures; // guarded: opens failed in a row
    /** No open starts before this; NONE: not backing off. Written under the lock only. */
    private volatile long until = Nanos.NONE;
    private Throwable lastFailure; // guarded
    private long lastFailureAt; // guarded

    /** An open failed at {@code now}: backs off as {@code backoff} says; returns when opens may start again. */
    long failedLocked(Throwable failure, long now, Backoff backoff, RandomGenerator random, String poolName) {
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        lastFailure = failure;
        lastFailureAt = now;
        long wait = Math.max(1, Math.min(Nanos.NONE - 1, Nanos.saturated(delay(backoff, random, poolName))));
        until = Nanos.after(now, wait);
        return until;
    }

    private Duration delay(Backoff backoff, RandomGenerator random, String poolName) {
        try {
            Duration d = backoff.delay(failures, random);
            if (d != null) {
                return d;
            }
            Engine.LOG.warn("pool \"{}\": {}.delay({}) returned null; using Backoff.DEFAULT", poolName, backoff, failures);
        } catch (RuntimeException e) {
            Engine.LOG.warn("pool \"{}\": {}.delay({}) threw; using Backoff.DEFAULT", poolName, backoff, failures, e);
        }
        return Backoff.DEFAULT.delay(failures, random);
    }

    /** An open succeeded: the next failure starts from the first step again. */
    void succeededLocked() {
        failures = 0;
        until = Nanos.NONE;
    }

    /** Whether no open may start at {@code now}. */
    boolean isActiveLocked(long now) {
        long u = until;
        return u != Nanos.NONE && now - u < 0;
    }

    /** When opens may start again; NONE when not backing off. Under the lock. */
    long untilLocked() {
        return until;
    }

    /** {@link #untilLocked()} read without the lock, by a parked waiter: see the class comment. */
    long untilForWaiter() {
        return until;
    }

    /**
     * The cause to give a waiter that started at {@code startedAt} and timed out: the last open
     * failure, if the key is still failing or it failed since the waiter came; else null.
     */
    Throwable causeForTimeoutLocked(long startedAt) {
        return lastFailure != null && (failures > 0 || lastFailureAt - startedAt >= 0) ? lastFailure : null;
    }
}
