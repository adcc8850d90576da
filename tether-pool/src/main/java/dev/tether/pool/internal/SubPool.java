package dev.tether.pool.internal;

import dev.tether.pool.Deadline;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolException;
import dev.tether.pool.PoolInterruptedException;
import dev.tether.pool.PoolOpenException;
import dev.tether.pool.Reason;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The connections of one key.
 *
 * <p>Concurrency: the entry array is copy-on-write and each entry changes hands by CAS on its
 * state (see {@link Entry}), so the common acquire and return touch no lock. Everything else
 * (waiter queue, opening count, backoff, adding and removing entries) is guarded by the engine's
 * single lock; fields marked "guarded" are only touched with it held.
 *
 * <p>Acquire:
 * <ol>
 *   <li>If nobody of this key is waiting (so nobody is overtaken), try the entry this thread used
 *       last, then the most recently returned idle one (LIFO: the surplus ages out).</li>
 *   <li>Lend it: expired or failing the connector's zero-wait check means close and try another.</li>
 *   <li>Otherwise, under the lock: take an idle one, or reserve an opening slot (closing the least
 *       recently used idle connection of another key if only the total limit is in the way) and
 *       open outside the lock, or queue up (FIFO, bounded) and park until the engine hands over a
 *       connection, an opening slot, or a failure, or until the caller's deadline.</li>
 * </ol>
 * Return: expired or pool closed means close; a waiter of this key gets the connection directly;
 * else it becomes idle, and a re-check after publishing closes the race with a waiter that queued
 * meanwhile.
 */
final class SubPool<K, C> {
    @SuppressWarnings("rawtypes")
    private static final Entry[] NO_ENTRIES = new Entry[0];
    /** Upper bound on one park, so a waiter re-reads an injected ticker now and then. */
    private static final long MAX_PARK_NANOS = 50_000_000L;
    /** Yields before queueing when everything is leased (see acquire). */
    private static final int SPINS = 8;

    final Engine<K, C> engine;
    final K key;
    private final ThreadLocal<ThreadState<K, C>> threads = ThreadLocal.withInitial(ThreadState::new);

    @SuppressWarnings("unchecked")
    private volatile Entry<K, C>[] entries = NO_ENTRIES;
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>(); // guarded
    /** waiters.size(), readable without the lock; written under it. */
    volatile int waiting;
    int opening; // guarded
    long opened; // guarded
    final OpenBackoff backoff = new OpenBackoff();
    final AtomicLongArray closedByReason = new AtomicLongArray(Reason.values().length);
    /** Held by a {@code Pool} for good: never dropped. */
    volatile boolean pinned;
    /** When housekeeping first saw it empty; {@link Nanos#NONE} while in use. Guarded. */
    long emptySince = Nanos.NONE;
    /** Dropped from the engine (unused key): acquirers must look the key up again. Guarded. */
    boolean retired;

    SubPool(Engine<K, C> engine, K key) {
        this.engine = engine;
        this.key = key;
    }

    Entry<K, C>[] entries() {
        return entries;
    }

    int size() {
        return entries.length;
    }

    // ---- acquire -------------------------------------------------------------------------------

    Lease<C> acquire(long timeoutNanos) {
        Engine<K, C> en = engine;
        if (en.closed) {
            throw en.closedException(key);
        }
        long now = en.ticker.nanoTime();
        ThreadState<K, C> ts = threads.get();
        if (waiting == 0) {
            Entry<K, C> e = ts.last;
            if (e != null && e.state() == Entry.IDLE && e.cas(Entry.IDLE, Entry.LEASED)) {
                Lease<C> lease = lend(e, now, ts, true, 0L);
                if (lease != null) {
                    return lease;
                }
            }
        }
        return acquireMore(now, timeoutNanos, ts);
    }

    /** The rest of acquire, kept out of the hot method so that it stays small enough to inline. */
    private Lease<C> acquireMore(long now, long timeoutNanos, ThreadState<K, C> ts) {
        if (waiting == 0) {
            Entry<K, C> e;
            while ((e = takeIdle()) != null) {
                Lease<C> lease = lend(e, now, ts, true, 0L);
                if (lease != null) {
                    return lease;
                }
            }
            // Everything is leased. Holders usually give back within microseconds, so yield the
            // core to them a few times before queueing: a parked waiter costs a context switch
            // per hand-over, and once anyone waits, fairness sends every caller down the slow path.
            if (timeoutNanos > 0 && entries.length > 0) {
                for (int spin = 0; spin < SPINS && waiting == 0; spin++) {
                    Thread.yield();
                    if ((e = takeIdle()) != null) {
                        Lease<C> lease = lend(e, now, ts, true, 0L);
                        if (lease != null) {
                            return lease;
                        }
                    }
                }
            }
        }
        return acquireSlow(now, timeoutNanos, ts);
    }

    /** Takes the most recently returned idle entry (CAS to LEASED), or null if there is none. */
    Entry<K, C> takeIdle() {
        while (true) {
            Entry<K, C> best = null;
            long bestAt = 0;
            for (Entry<K, C> e : entries) {
                if (e.state() == Entry.IDLE && (best == null || e.idleSince - bestAt >= 0)) {
                    best = e;
                    bestAt = e.idleSince;
                }
            }
            if (best == null) {
                return null;
            }
            if (best.cas(Entry.IDLE, Entry.LEASED)) {
                return best;
            }
        }
    }

    /**
     * Hands a LEASED entry to the caller, or closes it and returns null when it may not be used.
     * {@code watched}: it came from the idle set, so the connector must hear {@code onLease}.
     */
    private Lease<C> lend(Entry<K, C> e, long now, ThreadState<K, C> ts, boolean watched, long waitedNanos) {
        Engine<K, C> en = engine;
        Reason refused = e.expiryWhenIdle(now, en.settings.idleTimeoutNanos());
        if (refused == null && (watched || e.uses > 0)) {
            refused = askConnector(e, now, watched);
        }
        if (refused != null) {
            en.retire(e, refused);
            return null;
        }
        e.uses++;
        if (en.settings.leakNanos() != Nanos.NONE) {
            trackForLeaks(e, now);
        }
        LeaseHandle<K, C> h = ts.spare;
        if (h != null) {
            ts.spare = null;
        } else {
            h = new LeaseHandle<>(ts);
        }
        h.bind(e);
        en.listener.acquired(key, e.connection, waitedNanos);
        return h;
    }

    /** onLease (for a watched entry) and the connector's zero-wait check; why not to lend, or null. */
    private Reason askConnector(Entry<K, C> e, long now, boolean watched) {
        Engine<K, C> en = engine;
        try {
            if (watched) {
                en.connector.onLease(e.connection);
            }
            Reason requested = e.expireRequest; // the watcher may have seen the peer close it just now
            if (requested != null) {
                return requested;
            }
            return en.connector.isReusable(e.connection, now - e.idleSince) ? null : Reason.NOT_REUSABLE;
        } catch (RuntimeException | Error failure) {
            Engine.LOG.warn("pool \"{}\": connector check of {} failed; closing it", en.config.name(), e.connection, failure);
            return Reason.NOT_REUSABLE;
        }
    }

    private void trackForLeaks(Entry<K, C> e, long now) {
        e.leakReported = false;
        e.acquiredAt = new Throwable("lease acquired here");
        e.leasedAt = now;
        engine.timer.scheduleAt(Nanos.after(now, engine.settings.leakNanos()));
    }

    private Lease<C> acquireSlow(long start, long timeoutNanos, ThreadState<K, C> ts) {
        Engine<K, C> en = engine;
        long deadline = Nanos.after(start, timeoutNanos);
        long now = start;
        while (true) {
            Waiter w = null;
            Entry<K, C> taken = null;
            boolean permit = false;
            PoolException refusal = null;
            Actions<K, C> actions = new Actions<>();
            en.lock.lock();
            try {
                if (en.closed) {
                    throw en.closedException(key);
                }
                if (retired) {
                    return null; // see Engine.dropIfUnusedLocked
                }
                if (waiters.isEmpty()) {
                    taken = takeIdle();
                    if (taken == null) {
                        permit = en.reserveOpenLocked(this, now, actions);
                    }
                }
                if (taken == null && !permit) {
                    if (Nanos.reached(now, deadline)) {
                        refusal = en.timeoutLocked(this, now - start, start);
                    } else if (waiters.size() >= en.config.maxWaiters()) {
                        refusal = en.rejectedLocked(this);
                    } else {
                        w = new Waiter(Thread.currentThread(), start, deadline);
                        waiters.addLast(w);
                        waiting = waiters.size();
                        en.waiterAdded(this);
                        en.dispatchLocked(now, actions);
                    }
                }
            } finally {
                en.lock.unlock();
            }
            actions.run(en, null);
            if (refusal != null) {
                if (refusal instanceof dev.tether.pool.PoolTimeoutException) {
                    en.listener.timedOut(key, now - start);
                }
                throw refusal;
            }
            if (taken != null) {
                Lease<C> lease = lend(taken, now, ts, true, now - start);
                if (lease != null) {
                    return lease;
                }
            } else if (permit) {
                Lease<C> lease = openAndLend(now, deadline, ts, now - start);
                if (lease != null) {
                    return lease;
                }
            } else {
                en.listener.waiting(key);
                Object result = await(w);
                now = en.ticker.nanoTime();
                if (result == Waiter.PERMIT) {
                    Lease<C> lease = openAndLend(now, deadline, ts, now - start);
                    if (lease != null) {
                        return lease;
                    }
                } else {
                    @SuppressWarnings("unchecked")
                    Entry<K, C> e = (Entry<K, C>) result;
                    Lease<C> lease = lend(e, now, ts, w.watched, now - start);
                    if (lease != null) {
                        return lease;
                    }
                }
            }
            // What we got could not be used (expired, or the connector's check said no): go again.
            now = en.ticker.nanoTime();
        }
    }

    /** Parks until the engine completes {@code w}; returns an entry or PERMIT, or throws its failure. */
    private Object await(Waiter w) {
        Engine<K, C> en = engine;
        while (true) {
            Object r = w.result();
            if (r == null) {
                long now = en.ticker.nanoTime();
                if (Nanos.reached(now, w.deadline)) {
                    r = en.giveUp(this, w, now);
                } else {
                    long backoffEnd = backoff.untilForWaiter();
                    boolean backingOff = backoffEnd != Nanos.NONE && backoffEnd - now > 0;
                    // At the end of a backoff an open may be allowed again: look for ourselves then.
                    long wake = backingOff ? Nanos.earlier(w.deadline, backoffEnd) : w.deadline;
                    LockSupport.parkNanos(this, wake == Nanos.NONE ? MAX_PARK_NANOS : Math.min(wake - now, MAX_PARK_NANOS));
                    if (Thread.interrupted()) {
                        r = en.abandon(this, w);
                        Thread.currentThread().interrupt();
                        if (r == null) {
                            throw new PoolInterruptedException(en.config.name(), key);
                        }
                    } else if (backingOff && w.result() == null && en.ticker.nanoTime() - backoffEnd >= 0) {
                        en.dispatch(); // housekeeping may be manual or late: do not depend on it
                    }
                    continue;
                }
            }
            if (r instanceof PoolException) {
                if (r instanceof dev.tether.pool.PoolTimeoutException) {
                    en.listener.timedOut(key, en.ticker.nanoTime() - w.startedAt);
                }
                throw (PoolException) r;
            }
            return r;
        }
    }

    /** Opens a connection in a slot reserved for this caller and lends it; throws the open failure. */
    private Lease<C> openAndLend(long now, long deadline, ThreadState<K, C> ts, long waitedNanos) {
        Entry<K, C> e = open(now, deadline);
        return lend(e, engine.ticker.nanoTime(), ts, false, waitedNanos);
    }

    /** Opens in a reserved slot; returns the new entry, LEASED by the caller. */
    private Entry<K, C> open(long now, long deadline) {
        Engine<K, C> en = engine;
        long openDeadline = Nanos.earlier(deadline, Nanos.after(now, en.settings.openTimeoutNanos()));
        C c;
        try {
            c = en.connector.open(key, Deadline.at(en.ticker, openDeadline));
            if (c == null) {
                throw new NullPointerException("connector.open returned null for " + key);
            }
        } catch (Throwable failure) {
            en.openFailed(this, failure, now);
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof Error && !(failure instanceof AssertionError)) {
                throw (Error) failure;
            }
            throw new PoolOpenException(en.config.name(), key, failure);
        }
        return en.opened(this, c, now);
    }

    /** Opens one connection for min idle (housekeeping reserved the slot) and offers it. */
    void openInBackground() {
        Engine<K, C> en = engine;
        long now = en.ticker.nanoTime();
        Entry<K, C> e;
        try {
            e = open(now, Nanos.NONE);
        } catch (PoolException | Error failure) {
            return; // counted, reported to the listener and backed off in openFailed
        }
        offer(e);
    }

    // ---- return --------------------------------------------------------------------------------

    /** The lease holder gives {@code e} back. */
    void release(Entry<K, C> e) {
        Engine<K, C> en = engine;
        long now = en.ticker.nanoTime();
        en.listener.released(key, e.connection);
        if (e.leakReported) {
            en.reportLeakReturned(e, now);
        }
        Reason r = en.closed ? Reason.POOL_CLOSED : e.expiryWhileOwned(now);
        if (r != null) {
            en.retire(e, r);
            return;
        }
        e.idleSince = now;
        offer(e);
        en.timer.scheduleAt(e.nextExpiry(en.settings.idleTimeoutNanos()));
    }

    /** The lease holder saw {@code e} break. */
    void discard(Entry<K, C> e, Reason reason) {
        Engine<K, C> en = engine;
        if (e.leakReported) {
            en.reportLeakReturned(e, en.ticker.nanoTime());
        }
        en.retire(e, reason);
    }

    /** Gives a LEASED, usable entry to a waiter or to the idle set. */
    private void offer(Entry<K, C> e) {
        Engine<K, C> en = engine;
        if (en.waitersTotal == 0) {
            if (!watch(e)) {
                return;
            }
            e.setState(Entry.IDLE);
            // The volatile write above comes before these reads: a waiter that queued while we
            // were publishing either sees IDLE in its own scan, or we see it here (never neither).
            if (!(en.closed || e.expireRequest != null || waiting > 0 || en.waitersTotal > 0)
                    || !e.cas(Entry.IDLE, Entry.LEASED) || !unwatch(e)) {
                return; // nothing to do, or someone (an acquirer, housekeeping, the watcher) took it
            }
        }
        offerToWaiters(e);
    }

    /** offer() when someone may be waiting; {@code e} is LEASED and not watched. */
    private void offerToWaiters(Entry<K, C> e) {
        Engine<K, C> en = engine;
        while (true) {
            Reason r = en.closed ? Reason.POOL_CLOSED : e.expireRequest;
            if (r != null) {
                en.retire(e, r);
                return;
            }
            if (en.handOff(e) || !watch(e)) {
                return;
            }
            e.setState(Entry.IDLE);
            // Only this key's waiters can miss it now (others were just handled under the lock).
            if (!(en.closed || e.expireRequest != null || waiting > 0)
                    || !e.cas(Entry.IDLE, Entry.LEASED) || !unwatch(e)) {
                return;
            }
        }
    }

    /** connector.onIdle; false (and the entry closed) if it threw. */
    private boolean watch(Entry<K, C> e) {
        try {
            engine.connector.onIdle(e.connection, e);
            return true;
        } catch (RuntimeException | Error failure) {
            Engine.LOG.warn("pool \"{}\": connector.onIdle failed for {}; closing it", engine.config.name(), e.connection, failure);
            engine.retire(e, Reason.NOT_REUSABLE);
            return false;
        }
    }

    /** connector.onLease; false (and the entry closed) if it threw. */
    private boolean unwatch(Entry<K, C> e) {
        try {
            engine.connector.onLease(e.connection);
            return true;
        } catch (RuntimeException | Error failure) {
            Engine.LOG.warn("pool \"{}\": connector.onLease failed for {}; closing it", engine.config.name(), e.connection, failure);
            engine.retire(e, Reason.NOT_REUSABLE);
            return false;
        }
    }

    // ---- bookkeeping under the engine's lock ---------------------------------------------------

    void addLocked(Entry<K, C> e) {
        Entry<K, C>[] old = entries;
        Entry<K, C>[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = e;
        entries = next;
    }

    void removeLocked(Entry<K, C> e) {
        Entry<K, C>[] old = entries;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == e) {
                @SuppressWarnings("unchecked")
                Entry<K, C>[] next = (Entry<K, C>[]) new Entry[old.length - 1];
                System.arraycopy(old, 0, next, 0, i);
                System.arraycopy(old, i + 1, next, i, old.length - i - 1);
                entries = next;
                return;
            }
        }
        throw new IllegalStateException("entry not in its sub-pool: " + e);
    }

    @Override
    public String toString() {
        return "SubPool[" + key + ", entries " + entries.length + ", waiting " + waiting + "]";
    }
}
