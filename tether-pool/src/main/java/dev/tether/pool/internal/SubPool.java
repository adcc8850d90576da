package dev.tether.pool.internal;

import dev.tether.pool.Lease;
import dev.tether.pool.PoolRejectedException;
import dev.tether.pool.PoolStats;
import dev.tether.pool.PoolTimeoutException;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;

/**
 * The connections of one key, and the callers waiting for them.
 *
 * <p>Concurrency: the entry array is copy-on-write and each entry changes hands by CAS on its
 * state (see {@link Entry}), so the common acquire and return touch no lock. Everything else
 * (waiter queue, opening count, backoff, drop bookkeeping, adding and removing entries) is guarded
 * by the engine's single lock: fields marked "guarded" are touched only with it held, by this
 * class's methods named {@code ...Locked}, which the engine's cross-key decisions call.
 *
 * <p>Acquire, without the lock:
 * <ol>
 *   <li>If nobody of this key is waiting (so nobody is overtaken), try the entry this thread used
 *       last, then the most recently returned idle one (LIFO: the surplus ages out), yielding a
 *       few times first when all are leased.</li>
 *   <li>{@link Lender#lend} checks and lends it; one it refuses is closed, and the next is tried.</li>
 *   <li>Otherwise {@link SlowAcquire}: take an idle one or an opening slot under the lock, or queue
 *       up and park until the engine hands one over.</li>
 * </ol>
 * An entry comes back through {@link Lender#release}, to a waiter or to the idle set.
 *
 * <p>Housekeeping: {@link #maintainLocked} keeps this key (expiry, leaks, waiter deadlines, min
 * idle) and retires it once unused for {@code dropAfter}; the engine then forgets it.
 */
final class SubPool<K, C> {
    @SuppressWarnings("rawtypes")
    private static final Entry[] NO_ENTRIES = new Entry[0];
    /** Yields before queueing when everything is leased (see acquireMore). */
    private static final int SPINS = 8;

    final Engine<K, C> engine;
    final K key;
    private final Lender<K, C> lender;
    private final Ticker ticker;
    private final PoolSettings settings;
    private final ThreadLocal<ThreadState<K, C>> threads = ThreadLocal.withInitial(ThreadState::new);

    @SuppressWarnings("unchecked")
    private volatile Entry<K, C>[] entries = NO_ENTRIES;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(); // guarded
    /** waiters.size(), readable without the lock; written under it. */
    private volatile int waiting;
    private int opening; // guarded
    private long opened; // guarded
    private final AtomicLongArray closedByReason = new AtomicLongArray(Reason.values().length);
    private final OpenBackoff backoff = new OpenBackoff();
    /** Acquires that had to wait, and successful opens: for views. */
    final Timing waits = new Timing();
    final Timing opens = new Timing();
    private long openFailed; // guarded
    /** Held by a {@code Pool} for good: never dropped. */
    private volatile boolean pinned;
    /** Since when housekeeping has seen it unused (no entry, open or waiter); NONE while in use. Guarded. */
    private long unusedSince = Nanos.NONE;
    /** Dropped from the engine (unused key): acquirers must look the key up again. Guarded. */
    private boolean retired;

    SubPool(Engine<K, C> engine, K key) {
        this.engine = engine;
        this.key = key;
        this.lender = engine.lender;
        this.ticker = engine.ticker;
        this.settings = engine.settings;
    }

    Entry<K, C>[] entries() {
        return entries;
    }

    String poolName() {
        return settings.name();
    }

    /** A {@code Pool} holds this sub-pool for good: it is never dropped. */
    void pin() {
        pinned = true;
    }

    // ---- acquire, without the lock --------------------------------------------------------------

    Lease<C> acquire(long timeoutNanos) {
        if (engine.isClosed()) {
            throw engine.closedException(key);
        }
        long now = ticker.nanoTime();
        ThreadState<K, C> ts = threads.get();
        if (waiting == 0) {
            Entry<K, C> e = ts.last();
            if (e != null && e.state() == Entry.IDLE && e.cas(Entry.IDLE, Entry.LEASED)) {
                Lease<C> lease = lender.lend(this, e, now, ts, true, 0L);
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
                Lease<C> lease = lender.lend(this, e, now, ts, true, 0L);
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
                        Lease<C> lease = lender.lend(this, e, now, ts, true, 0L);
                        if (lease != null) {
                            return lease;
                        }
                    }
                }
            }
        }
        return engine.slowAcquire.acquire(this, now, timeoutNanos, ts);
    }

    /** Takes the most recently returned idle entry (CAS to LEASED), or null if there is none. */
    Entry<K, C> takeIdle() {
        while (true) {
            Entry<K, C> best = null;
            long bestAt = 0;
            for (Entry<K, C> e : entries) {
                if (e.state() == Entry.IDLE && (best == null || e.idleSince() - bestAt >= 0)) {
                    best = e;
                    bestAt = e.idleSince();
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

    /** Whether callers of this key wait; read without the lock (the return path's re-check). */
    boolean hasWaiters() {
        return waiting > 0;
    }

    /** When this key's backoff ends (NONE: none), read without the lock by a parked waiter: see OpenBackoff. */
    long backoffUntilForWaiter() {
        return backoff.untilForWaiter();
    }

    /** Counts a close of one of this key's connections (Engine.closeEntry, after the lock). */
    void countClosed(Reason reason) {
        closedByReason.incrementAndGet(reason.ordinal());
    }

    // ---- housekeeping, under the engine's lock -------------------------------------------------

    /**
     * One housekeeping step for this key; returns when it next needs to run (NONE: nothing to do).
     * <ol>
     *   <li>Idle entries that expired are taken (IDLE to RESERVED) and closed after the lock.</li>
     *   <li>Leases held past the leak threshold are reported, once per lease.</li>
     *   <li>Waiters past their deadline fail with a timeout.</li>
     *   <li>Opens for min idle start, as far as the limits and the backoff allow.</li>
     *   <li>Unused (no entry, open or waiter) for {@code dropAfter}, the key retires itself;
     *       the engine then forgets it. An acquirer that still holds it finds it retired under
     *       the lock and looks the key up again, so nothing joins a sub-pool the engine lost.</li>
     * </ol>
     */
    long maintainLocked(long now, Actions<K, C> actions) {
        assert engine.holdsLock();
        long next = Nanos.NONE;
        long idleTimeout = settings.idleTimeoutNanos();
        long leak = settings.leakNanos();
        int idle = 0;
        for (Entry<K, C> e : entries) {
            int st = e.state();
            if (st == Entry.IDLE) {
                Reason r = e.expiryWhenIdle(now, idleTimeout);
                if (r != null && e.cas(Entry.IDLE, Entry.RESERVED)) {
                    engine.detachLocked(e);
                    actions.close(e, r);
                } else if (r == null) {
                    idle++;
                    next = Nanos.earlier(next, e.nextExpiry(idleTimeout));
                }
            } else if (st == Entry.LEASED && leak != Nanos.NONE) {
                long at = e.leakDueAt(leak);
                if (Nanos.reached(now, at)) {
                    actions.leak(e, e.leakReported(now));
                } else {
                    next = Nanos.earlier(next, at);
                }
            }
        }
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (Nanos.reached(now, w.deadline)) {
                it.remove();
                waiterLeftLocked();
                w.complete(timeoutLocked(now - w.startedAt, w.startedAt), false);
                actions.unpark(w);
            } else {
                next = Nanos.earlier(next, w.deadline);
            }
        }
        int minIdle = settings.config().minIdle();
        int deficit = minIdle - idle - opening;
        while (deficit-- > 0 && engine.reserveOpenLocked(this, now, actions, false)) {
            actions.open(this);
        }
        if ((!waiters.isEmpty() || minIdle > idle + opening) && backoff.isActiveLocked(now)) {
            next = Nanos.earlier(next, backoff.untilLocked()); // come back to open when it ends
        }
        return Nanos.earlier(next, retireIfUnusedLocked(now));
    }

    /**
     * The key was just used (a connection opened, joined or left, a caller queued): whatever
     * housekeeping saw before, it was not unused since then. Every way a key can be used while it
     * has no connection goes through one of these, under the lock, so a key served between two
     * housekeeping passes is never taken for unused; a key that keeps its connections is never
     * empty. The hot path (lending and returning an idle connection) needs none of it.
     */
    private void usedLocked() {
        unusedSince = Nanos.NONE;
    }

    /** Step 5 of maintainLocked; returns when to look again. */
    private long retireIfUnusedLocked(long now) {
        if (pinned || entries.length > 0 || opening > 0 || !waiters.isEmpty()) {
            unusedSince = Nanos.NONE;
            return Nanos.NONE;
        }
        if (unusedSince == Nanos.NONE) {
            unusedSince = now;
        }
        if (now - unusedSince >= settings.dropAfterNanos()) {
            retired = true;
            return Nanos.NONE;
        }
        return Nanos.after(unusedSince, settings.dropAfterNanos());
    }

    boolean isRetiredLocked() {
        return retired;
    }

    /** The pool closes: idle entries are taken to be closed after the lock, waiters fail. */
    void closeLocked(Actions<K, C> actions) {
        for (Entry<K, C> e : entries) {
            if (e.cas(Entry.IDLE, Entry.RESERVED)) {
                engine.detachLocked(e);
                actions.close(e, Reason.POOL_CLOSED);
            }
        }
        Waiter w;
        while ((w = waiters.pollFirst()) != null) {
            waiterLeftLocked();
            w.complete(engine.closedException(key), false);
            actions.unpark(w);
        }
    }

    // ---- bookkeeping under the engine's lock, for the engine's decisions -----------------------

    /** Whether the key's own limits (max per key, opens at once, backoff) allow one more open. */
    boolean mayOpenLocked(long now) {
        return entries.length + opening < settings.config().maxPerKey()
                && opening < settings.config().maxOpensPerKey()
                && !backoff.isActiveLocked(now);
    }

    /** The engine reserved an opening slot for this key. */
    void openStartedLocked() {
        opening++;
        usedLocked();
    }

    /** An open in a reserved slot succeeded; {@code e} joins unless the pool closed meanwhile. */
    void openedLocked(Entry<K, C> e, boolean joins) {
        opening--;
        opened++;
        backoff.succeededLocked();
        if (joins) {
            addLocked(e);
        }
    }

    /** A reserved slot was given back unused: the caller's deadline passed before its open could start. */
    void openCancelledLocked() {
        opening--;
    }

    /** An open in a reserved slot failed at {@code now}: backs off; returns when opens may start again. */
    long openFailedLocked(Throwable failure, long now, RandomGenerator random) {
        opening--;
        openFailed++;
        return backoff.failedLocked(failure, now, settings.config().openBackoff(), random, poolName());
    }

    /** Whether a waiter or min idle will want an open once a backoff ends. */
    boolean wantsRetryLocked() {
        return !waiters.isEmpty() || settings.config().minIdle() > 0;
    }

    void addLocked(Entry<K, C> e) {
        assert engine.holdsLock();
        usedLocked();
        Entry<K, C>[] old = entries;
        Entry<K, C>[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = e;
        entries = next;
    }

    void removeLocked(Entry<K, C> e) {
        assert engine.holdsLock();
        usedLocked();
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

    // ---- the waiter queue, under the engine's lock ---------------------------------------------

    boolean hasWaitersLocked() {
        return !waiters.isEmpty();
    }

    int waitersLocked() {
        return waiters.size();
    }

    void enqueueLocked(Waiter w) {
        usedLocked();
        waiters.addLast(w);
        waiting = waiters.size();
        engine.waiterAddedLocked(this);
    }

    /** Completes the first waiter with {@code grant} (an entry or PERMIT); null if none waits. */
    Waiter serveFirstLocked(Object grant, boolean watched) {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            waiterLeftLocked();
            w.complete(grant, watched);
        }
        return w;
    }

    /** Takes {@code w} out of the queue if it is still in it (it gave up); whether it was. */
    boolean removeWaiterLocked(Waiter w) {
        if (!waiters.remove(w)) {
            return false;
        }
        waiterLeftLocked();
        return true;
    }

    private void waiterLeftLocked() {
        waiting = waiters.size();
        engine.waiterLeftLocked();
    }

    // ---- reporting, under the engine's lock ----------------------------------------------------

    PoolStats statsLocked() {
        int idle = 0, leased = 0;
        for (Entry<K, C> e : entries) {
            if (e.state() == Entry.LEASED) {
                leased++;
            } else {
                idle++; // IDLE, or RESERVED on its way out
            }
        }
        long[] closed = new long[Reason.values().length];
        for (int i = 0; i < closed.length; i++) {
            closed[i] = closedByReason.get(i);
        }
        return new PoolStats(idle, leased, opening, waiters.size(), opened, closed, Map.of());
    }

    /** This key's counts for a view (the connections' lines are made by the engine, after the lock). */
    PoolView.KeyView viewLocked() {
        PoolStats s = statsLocked();
        return new PoolView.KeyView(key, String.valueOf(key), s.idle(), s.leased(), s.opening(), s.waiting(), s.opened(),
                openFailed, s.closedByReason(), waits.count(), waits.totalNanos(), waits.maxNanos(), opens.totalNanos(),
                opens.maxNanos(), null);
    }

    PoolTimeoutException timeoutLocked(long waitedNanos, long startedAt) {
        return new PoolTimeoutException(poolName(), key, Duration.ofNanos(Math.max(0, waitedNanos)),
                settings.config().maxPerKey(), statsLocked(), backoff.causeForTimeoutLocked(startedAt));
    }

    PoolRejectedException rejectedLocked() {
        return new PoolRejectedException(poolName(), key, settings.config().maxWaiters(), statsLocked());
    }

    @Override
    public String toString() {
        return "SubPool[" + key + ", entries " + entries.length + ", waiting " + waiting + "]";
    }
}
