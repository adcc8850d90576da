package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.DeadlineSource;
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
 * Its fields change only through its own methods, called by the owner of the moment; the plain
 * ones are published by the state write that hands the entry on.
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
    private long idleSince;
    /** The protocol's deadline, see Lease.deadlineAt; {@link Nanos#NONE}: none. Volatile: read by housekeeping. */
    private volatile long deadline = Nanos.NONE;
    /** Who set {@link #deadline}, for views; written before it, so a reader that sees a deadline sees its source. */
    private volatile DeadlineSource deadlineSource;
    /** A close asked for by the connector's watcher while the entry was between owners. */
    private volatile Reason expireRequest;
    private int uses;
    // Leak detection, when it is on: set by the acquirer, read by housekeeping.
    private volatile long leasedAt;
    /** Stack of the acquirer. */
    private volatile Throwable acquiredAt;
    private volatile boolean leakReported;

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

    long idleSince() {
        return idleSince;
    }

    /** It becomes idle at {@code now} (its owner is returning it). */
    void idleFrom(long now) {
        idleSince = now;
    }

    int uses() {
        return uses;
    }

    /** It is lent once more (by its owner, the acquirer). */
    void lent() {
        uses++;
    }

    Reason expireRequest() {
        return expireRequest;
    }

    /** Lease.deadlineAt and clearDeadline (NONE, null), by the lease holder. */
    void deadlineAt(long at, DeadlineSource source) {
        deadlineSource = source;
        deadline = at;
    }

    /**
     * When this entry will be closed instead of lent, as of {@code now}, and what set that time:
     * the earliest of its lifetime, the protocol's deadline and, when idle, the idle timeout.
     * Returns the time (NONE: never) and writes the source to {@code source[0]}.
     */
    long closesAt(boolean idle, long idleTimeoutNanos, DeadlineSource[] source) {
        long at = lifetimeEnd;
        source[0] = at == Nanos.NONE ? null : DeadlineSource.LIFETIME;
        long d = deadline;
        if (d != Nanos.NONE && (at == Nanos.NONE || d - at < 0)) {
            at = d;
            DeadlineSource s = deadlineSource;
            source[0] = s != null ? s : DeadlineSource.PROTOCOL;
        }
        if (idle && idleTimeoutNanos != Nanos.NONE) {
            long i = Nanos.after(idleSince, idleTimeoutNanos);
            if (at == Nanos.NONE || i - at < 0) {
                at = i;
                source[0] = DeadlineSource.IDLE_TIMEOUT;
            }
        }
        return at;
    }

    // ---- leak detection ------------------------------------------------------------------------

    /** The acquirer notes when and where it took the lease. */
    void trackLeak(long now) {
        leakReported = false;
        acquiredAt = new Throwable("lease acquired here");
        leasedAt = now;
    }

    /** When this lease counts as a likely leak after {@code leakNanos}; NONE once reported. */
    long leakDueAt(long leakNanos) {
        return leakReported ? Nanos.NONE : Nanos.after(leasedAt, leakNanos);
    }

    /** Housekeeping reports the lease as a likely leak; returns how long it has been held. */
    long leakReported(long now) {
        leakReported = true;
        return now - leasedAt;
    }

    boolean isLeakReported() {
        return leakReported;
    }

    /** The reported lease came back; returns how long it was held. */
    long leakReturned(long now) {
        leakReported = false;
        return now - leasedAt;
    }

    Throwable acquiredAt() {
        return acquiredAt;
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
