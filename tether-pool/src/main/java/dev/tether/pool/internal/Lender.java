package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolListener;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import org.slf4j.event.Level;

/**
 * Lends an entry to a caller and takes it back, for every key of one engine: the hot path of a
 * connection's reuse, run without the lock (the entry's owner of the moment holds it by CAS).
 * It also tells of leases that look leaked (noted at lend, found by housekeeping) and come back.
 *
 * <p>Lend (the caller owns the entry, LEASED):
 * <ol>
 *   <li>Refuse it if it expired, or if the connector's zero-wait check says no (for an entry that
 *       was used or watched before): it is closed, and the caller tries another.</li>
 *   <li>Count the use, note the acquirer for leak detection when that is on, and hand out this
 *       thread's spare lease object (a cycle on one thread allocates nothing).</li>
 * </ol>
 * Return:
 * <ol>
 *   <li>Expired, or the pool closed: close it.</li>
 *   <li>Nobody waits anywhere: hand it to the connector's watcher and publish it IDLE, then look
 *       again for a waiter that queued meanwhile, and take it back for that waiter if so.</li>
 *   <li>Someone may wait: {@link Engine#handOff} gives it to this key's first waiter, or closes it
 *       for a waiter of another key held back by the total; else it becomes idle as in 2.</li>
 * </ol>
 */
final class Lender<K, C> {
    private final Engine<K, C> engine;
    private final Connector<K, C> connector;
    private final PoolListener<K, C> listener;
    private final Ticker ticker;
    private final HousekeepingTimer timer;
    private final long idleTimeoutNanos;
    private final long leakNanos;
    private final String poolName;

    Lender(Engine<K, C> engine) {
        this.engine = engine;
        this.connector = engine.connector;
        this.listener = engine.listener;
        this.ticker = engine.ticker;
        this.timer = engine.timer;
        this.idleTimeoutNanos = engine.settings.idleTimeoutNanos();
        this.leakNanos = engine.settings.leakNanos();
        this.poolName = engine.settings.name();
    }

    /**
     * Hands a LEASED entry of {@code sub} to the caller, or closes it and returns null when it may
     * not be used. {@code watched}: it came from the idle set, so the connector must hear {@code onLease}.
     */
    Lease<C> lend(SubPool<K, C> sub, Entry<K, C> e, long now, ThreadState<K, C> ts, boolean watched, long waitedNanos) {
        Reason refused = e.expiryWhenIdle(now, idleTimeoutNanos);
        if (refused == null && (watched || e.uses() > 0)) {
            refused = askConnector(e, now, watched);
        }
        if (refused != null) {
            engine.retire(e, refused);
            return null;
        }
        e.lent();
        if (leakNanos != Nanos.NONE) {
            e.trackLeak(now);
            timer.scheduleAt(Nanos.after(now, leakNanos));
        }
        LeaseHandle<K, C> h = ts.takeSpare();
        if (h == null) {
            h = new LeaseHandle<>(ts, this);
        }
        h.bind(e);
        if (waitedNanos > 0) { // only the slow path waits: the hot path counts nothing
            sub.waits.record(waitedNanos);
        }
        listener.acquired(sub.key, e.connection, waitedNanos);
        return h;
    }

    /** onLease (for a watched entry) and the connector's zero-wait check; why not to lend, or null. */
    private Reason askConnector(Entry<K, C> e, long now, boolean watched) {
        try {
            if (watched) {
                connector.onLease(e.connection);
            }
            Reason requested = e.expireRequest(); // the watcher may have seen the peer close it just now
            if (requested != null) {
                return requested;
            }
            return connector.isReusable(e.connection, now - e.idleSince()) ? null : Reason.NOT_REUSABLE;
        } catch (RuntimeException | Error failure) {
            Engine.LOG.warn("pool \"{}\": connector check of {} failed; closing it", poolName, e.connection, failure);
            return Reason.NOT_REUSABLE;
        }
    }

    /** The lease holder gives {@code e} back. */
    void release(Entry<K, C> e) {
        long now = ticker.nanoTime();
        listener.released(e.sub.key, e.connection);
        if (e.isLeakReported()) {
            reportLeakReturned(e, now);
        }
        Reason r = engine.isClosed() ? Reason.POOL_CLOSED : e.expiryWhileOwned(now);
        if (r != null) {
            engine.retire(e, r);
            return;
        }
        e.idleFrom(now);
        offer(e);
        timer.scheduleAt(e.nextExpiry(idleTimeoutNanos));
    }

    /** The lease holder saw {@code e} break. */
    void discard(Entry<K, C> e, Reason reason) {
        if (e.isLeakReported()) {
            reportLeakReturned(e, ticker.nanoTime());
        }
        engine.retire(e, reason);
    }

    /** Gives a LEASED, usable entry to a waiter or to the idle set (return steps 2 and 3). */
    void offer(Entry<K, C> e) {
        if (engine.waitersTotal() == 0) {
            if (!watch(e)) {
                return;
            }
            e.setState(Entry.IDLE);
            // The volatile write above comes before these reads: a waiter that queued while we
            // were publishing either sees IDLE in its own scan, or we see it here (never neither).
            if (!(engine.isClosed() || e.expireRequest() != null || e.sub.hasWaiters() || engine.waitersTotal() > 0)
                    || !e.cas(Entry.IDLE, Entry.LEASED) || !unwatch(e)) {
                return; // nothing to do, or someone (an acquirer, housekeeping, the watcher) took it
            }
        }
        offerToWaiters(e);
    }

    /** offer() when someone may be waiting; {@code e} is LEASED and not watched. */
    private void offerToWaiters(Entry<K, C> e) {
        while (true) {
            Reason r = engine.isClosed() ? Reason.POOL_CLOSED : e.expireRequest();
            if (r != null) {
                engine.retire(e, r);
                return;
            }
            if (engine.handOff(e) || !watch(e)) {
                return;
            }
            e.setState(Entry.IDLE);
            // Only this key's waiters can miss it now (others were just handled under the lock).
            if (!(engine.isClosed() || e.expireRequest() != null || e.sub.hasWaiters())
                    || !e.cas(Entry.IDLE, Entry.LEASED) || !unwatch(e)) {
                return;
            }
        }
    }

    /** connector.onIdle; false (and the entry closed) if it threw. */
    private boolean watch(Entry<K, C> e) {
        try {
            connector.onIdle(e.connection, e);
            return true;
        } catch (RuntimeException | Error failure) {
            Engine.LOG.warn("pool \"{}\": connector.onIdle failed for {}; closing it", poolName, e.connection, failure);
            engine.retire(e, Reason.NOT_REUSABLE);
            return false;
        }
    }

    /** connector.onLease; false (and the entry closed) if it threw. */
    private boolean unwatch(Entry<K, C> e) {
        try {
            connector.onLease(e.connection);
            return true;
        } catch (RuntimeException | Error failure) {
            Engine.LOG.warn("pool \"{}\": connector.onLease failed for {}; closing it", poolName, e.connection, failure);
            engine.retire(e, Reason.NOT_REUSABLE);
            return false;
        }
    }

    /** Housekeeping found a lease held past the threshold (Actions, after the lock). */
    void reportLeak(Entry<K, C> e, long heldNanos) {
        // Leaks come in storms too (every request of a buggy path leaks): the first of a window has the stack.
        engine.events.storm(Level.WARN, "lease.leaked", String.valueOf(e.sub.key), "pool", poolName, "route", e.sub.key,
                "connection", e.connection, "held_ms", heldNanos / 1_000_000, "threshold_ms", leakNanos / 1_000_000,
                "hint", "the lease was probably never closed; the stack is where it was acquired", e.acquiredAt());
        listener.leakSuspected(e.sub.key, e.connection, heldNanos, e.acquiredAt());
    }

    /** A lease reported as a likely leak came back. */
    private void reportLeakReturned(Entry<K, C> e, long now) {
        long held = e.leakReturned(now);
        engine.events.log(Level.INFO, "lease.returned", "pool", poolName, "route", e.sub.key, "connection", e.connection,
                "held_ms", held / 1_000_000);
        listener.leakReturned(e.sub.key, e.connection, held);
    }

    /** For a returned lease's message. */
    String poolName() {
        return poolName;
    }
}
