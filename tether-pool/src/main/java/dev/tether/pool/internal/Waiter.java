package dev.tether.pool.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * A caller parked in a sub-pool's queue. The engine completes it once, under its lock, with one
 * of: an entry (handed over, state LEASED), {@link #PERMIT} (an opening slot reserved for this
 * caller: it opens the connection itself), or a failure to throw.
 */
final class Waiter {
    static final Object PERMIT = new Object() {
        @Override
        public String toString() {
            return "PERMIT";
        }
    };

    final Thread thread;
    final long startedAt;
    /** When the caller gives up; NONE: never. */
    final long deadline;
    private volatile Object result;
    /** For an entry result: whether it came from the idle set (the connector was watching it). */
    private boolean watched;

    Waiter(Thread thread, long startedAt, long deadline) {
        this.thread = thread;
        this.startedAt = startedAt;
        this.deadline = deadline;
    }

    Object result() {
        return result;
    }

    /** Read after {@link #result()} returned an entry (the volatile read orders it). */
    boolean watched() {
        return watched;
    }

    /** Under the engine's lock; the caller unparks {@link #thread} after releasing it. */
    void complete(Object r, boolean fromIdleSet) {
        watched = fromIdleSet;
        result = r;
    }

    void unpark() {
        LockSupport.unpark(thread);
    }
}
