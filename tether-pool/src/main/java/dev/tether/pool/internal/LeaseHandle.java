package dev.tether.pool.internal;

import dev.tether.pool.DeadlineSource;
import dev.tether.pool.Lease;
import dev.tether.pool.Reason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The caller's view of a leased entry. A handle is reused by the thread that created it once it
 * has been returned with {@code close()} on that thread (see {@link ThreadState}); its state,
 * flipped by CAS when the lease ends, turns a second return or a late use into a clear error.
 */
final class LeaseHandle<K, C> implements Lease<C> {
    private static final int RETURNED = 0;
    private static final int ACTIVE = 1;
    private static final int RETIRED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LeaseHandle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadState<K, C> owner;
    private final Lender<K, C> lender;
    private Entry<K, C> entry;
    private volatile int state;

    LeaseHandle(ThreadState<K, C> owner, Lender<K, C> lender) {
        this.owner = owner;
        this.lender = lender;
    }

    void bind(Entry<K, C> e) {
        entry = e;
        // The handle is confined to the acquiring thread here; a release store is enough (the
        // caller publishes the lease to any other thread it hands it to).
        STATE.setRelease(this, ACTIVE);
    }

    Entry<K, C> entry() {
        return entry;
    }

    @Override
    public C get() {
        Entry<K, C> e = entry;
        if (state != ACTIVE) {
            throw returned("get()");
        }
        return e.connection;
    }

    @Override
    public void close() {
        Entry<K, C> e = finish(RETURNED);
        if (e != null) {
            lender.release(e);
        }
    }

    @Override
    public void close(Reason reason) {
        Objects.requireNonNull(reason, "reason");
        Entry<K, C> e = finish(RETIRED);
        if (e != null) {
            lender.discard(e, reason);
        }
    }

    @Override
    public void deadlineAt(long atNanos, DeadlineSource source) {
        Objects.requireNonNull(source, "source");
        Entry<K, C> e = entry;
        if (state != ACTIVE) {
            throw returned("deadlineAt()");
        }
        e.deadlineAt(atNanos, atNanos == Nanos.NONE ? null : source);
    }

    @Override
    public void clearDeadline() {
        Entry<K, C> e = entry;
        if (state != ACTIVE) {
            throw returned("clearDeadline()");
        }
        e.deadlineAt(Nanos.NONE, null);
    }

    @Override
    public int useCount() {
        Entry<K, C> e = entry;
        if (state != ACTIVE) {
            throw returned("useCount()");
        }
        return e.uses();
    }

    /** Ends the lease; null when there is nothing more to do. */
    private Entry<K, C> finish(int how) {
        Entry<K, C> e = entry;
        if (!STATE.compareAndSet(this, ACTIVE, how)) {
            return alreadyEnded(how);
        }
        if (owner.thread == Thread.currentThread()) {
            // Only a plain return recycles the handle: after retire(), try-with-resources still calls
            // close() on it, and that call must find it retired, not lent to someone else.
            owner.ended(e, how == RETURNED ? this : null);
        }
        return e;
    }

    private Entry<K, C> alreadyEnded(int how) {
        // try-with-resources closes a lease that the block already retired: that is the normal
        // shape of "retire on failure", so it is a no-op. Anything else is a bug.
        if (how == RETURNED && state == RETIRED) {
            return null;
        }
        throw returned(how == RETURNED ? "close()" : "close(reason)");
    }

    private IllegalStateException returned(String call) {
        return new IllegalStateException("lease." + call + " after the lease was returned to pool \""
                + lender.poolName()
                + "\": a lease must not be used after close(); acquire a new one");
    }

    @Override
    public String toString() {
        return "Lease[" + (state == ACTIVE ? entry.connection : "returned") + "]";
    }
}
