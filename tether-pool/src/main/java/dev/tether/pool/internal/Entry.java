package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.Reason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One pooled connection and its bookkeeping. Ownership moves by compare-and-set on {@link #state}:
 * <ol>
 *   <li>IDLE: in the pool; anyone may CAS it to LEASED (an acquirer) or RESERVED (housekeeping,
 *       eviction, the connector's idle watcher) to take it.</li>
 *   <li>LEASED: owned by one thread (a lease holder, or a releaser on its way back to IDLE).</li>
 *   <li>RESERVED: taken out to be closed; only the engine's lock moves it on.</li>
 *   <li>CLOSED: detached from its sub-pool under the lock; {@code connector.close} runs once, after.</li>
 * </ol>
 * Plain fields are written only by the owner of the moment and published by the state write.
 */
final class Entry<K, C> implements Connector.IdleHandle {
    static final int IDLE = 0;
    static final int LEASED = 1;
    static final int RESERVED = 2;
    static final int CLOSED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Entry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SubPool<K, C> sub;
    final C connection;
    final long openedAt;
    /** When the max lifetime (less jitter) ends; {@link Nanos#NONE}: never. */
    final long lifetimeEnd;

    private volatile int state;

    /** Set when it last became idle (or was opened). */
    long idleSince;
    /** The protocol's deadline, see Lease.deadlineAt; {@link Nanos#NONE}: none. Volatile: read by housekeeping. */
    private volatile long deadline = Nanos.NONE;
    /** A close asked for by the connector's watcher while the entry was between owners. */
    volatile Reason expireRequest;
    int uses;
    volatile long leasedAt;
    /** Stack of the acquirer, kept only when leak detection is on. */
    volatile Throwable acquiredAt;
    volatile boolean leakReported;

    Entry(SubPool<K, C> sub, C connection, long openedAt, long lifetimeEnd, int initialState) {
        this.sub = sub;
        this.connection = connection;
        this.openedAt = openedAt;
        this.lifetimeEnd = lifetimeEnd;
        this.idleSince = openedAt;
        this.state = initialState;
    }

    int state() {
        return state;
    }

    boolean cas(int expect, int update) {
        return STATE.compareAndSet(this, expect, update);
    }

    void setState(int s) {
        state = s;
    }

    /** Lease.deadlineAt and clearDeadline (NONE), by the lease holder. */
    void deadlineAt(long at) {
        deadline = at;
    }

    /** Why this entry may not be used any more at {@code now}, ignoring idleness; null if it may. */
    Reason expiryWhileOwned(long now) {
        Reason requested = expireRequest;
        if (requested != null) {
            return requested;
        }
        if (Nanos.reached(now, lifetimeEnd)) {
            return Reason.LIFETIME_EXPIRED;
        }
        if (Nanos.reached(now, deadline)) {
            return Reason.DEADLINE;
        }
        return null;
    }

    /** Why this idle entry may not be handed out at {@code now}; null if it may. */
    Reason expiryWhenIdle(long now, long idleTimeoutNanos) {
        Reason r = expiryWhileOwned(now);
        if (r == null && idleTimeoutNanos != Nanos.NONE && now - idleSince >= idleTimeoutNanos) {
            return Reason.IDLE_EXPIRED;
        }
        return r;
    }

    /** The first time at which this entry, idle since {@link #idleSince}, expires; NONE: never. */
    long nextExpiry(long idleTimeoutNanos) {
        return Nanos.earlier(Nanos.after(idleSince, idleTimeoutNanos), Nanos.earlier(lifetimeEnd, deadline));
    }

    @Override
    public boolean expire(Reason reason) {
        // Record the wish first: a releaser that is publishing this entry, or an acquirer that just
        // took it, checks the field after its own state change and closes it (see SubPool).
        expireRequest = reason;
        if (cas(IDLE, RESERVED)) {
            sub.engine.retire(this, reason);
            return true;
        }
        return state != CLOSED;
    }

    @Override
    public String toString() {
        return "Entry[" + connection + ", state " + state + ", uses " + uses + "]";
    }
}
