package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolClosedException;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolException;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolRejectedException;
import dev.tether.pool.PoolStats;
import dev.tether.pool.PoolTimeoutException;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The pool engine behind {@link KeyedPool} and {@link Pool}.
 *
 * <p>Concurrency: one {@link ReentrantLock} per engine guards everything that is not an entry's
 * own state (waiter queues, opening counts, the total, backoff, adding and removing entries);
 * entries change hands by CAS (see {@link Entry}), which keeps the common acquire and return off
 * the lock. No connector call, listener call or close ever runs with the lock held: decisions
 * made under it are collected in {@link Actions} and carried out after. No monitor lock
 * anywhere, so virtual threads never pin.
 *
 * <p>Every close goes through {@link #closeEntry}, once per connection, with a {@link Reason}.
 */
public final class Engine<K, C> implements KeyedPool<K, C> {
    static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    final Connector<K, C> connector;
    final PoolConfig config;
    final PoolSettings settings;
    final PoolListener<K, C> listener;
    final Ticker ticker;
    private final RandomGenerator random; // guarded by lock
    private final Executor io;
    final HousekeepingTimer timer;

    final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentHashMap<K, SubPool<K, C>> subPools = new ConcurrentHashMap<>();
    private final Function<K, SubPool<K, C>> newSubPool = k -> new SubPool<>(this, k);
    /** Sub-pools that may have waiters, in the order they first had one. Guarded. */
    private final List<SubPool<K, C>> waitingSubs = new ArrayList<>();
    private int total; // guarded: entries + opening, all keys
    /** Opened and closed since the start, all keys (sub-pools of unused keys are dropped, these are not). */
    private long openedTotal; // guarded
    private final java.util.concurrent.atomic.AtomicLongArray closedTotal = new java.util.concurrent.atomic.AtomicLongArray(Reason.values().length);

    volatile boolean closed;
    /** Waiters of all keys; written under the lock, read without it on the return path. */
    volatile int waitersTotal;

    public Engine(PoolParts<K, C> parts) {
        this.connector = parts.connector();
        this.config = parts.config();
        this.settings = PoolSettings.of(config);
        this.listener = SafeListener.wrap(parts.listener());
        this.ticker = parts.ticker();
        this.random = parts.random();
        this.io = parts.backgroundExecutor();
        this.timer = new HousekeepingTimer(parts.housekeeping().scheduler(), ticker, config.name(), this::maintain);
    }

    /** A {@link Pool} over this engine's sub-pool for {@code key}. */
    public Pool<C> single(K key) {
        SubPool<K, C> sub = subPool(key);
        sub.pinned = true; // a Pool holds its one sub-pool for good
        if (config.minIdle() > 0) {
            timer.scheduleAt(ticker.nanoTime());
        }
        return new SinglePool<>(this, sub);
    }

    private SubPool<K, C> subPool(K key) {
        Objects.requireNonNull(key, "key");
        SubPool<K, C> sub = subPools.get(key);
        if (sub == null) {
            sub = subPools.computeIfAbsent(key, newSubPool);
            if (config.minIdle() > 0) {
                timer.scheduleAt(ticker.nanoTime());
            }
        }
        return sub;
    }

    // ---- public API ----------------------------------------------------------------------------

    @Override
    public Lease<C> acquire(K key) {
        return acquire(key, settings.acquireTimeoutNanos());
    }

    @Override
    public Lease<C> acquire(K key, Duration timeout) {
        return acquire(key, timeoutNanos(timeout));
    }

    private Lease<C> acquire(K key, long timeoutNanos) {
        Lease<C> lease;
        // null: the sub-pool looked up was dropped meanwhile (unused key); look the key up again.
        while ((lease = subPool(key).acquire(timeoutNanos)) == null) {
            Thread.onSpinWait();
        }
        return lease;
    }

    static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        return Nanos.saturated(timeout);
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public PoolStats stats() {
        lock.lock();
        try {
            Map<Object, PoolStats> perKey = new LinkedHashMap<>();
            int idle = 0, leased = 0, opening = 0, waiting = 0;
            for (SubPool<K, C> sub : subPools.values()) {
                PoolStats s = statsLocked(sub);
                perKey.put(sub.key, s);
                idle += s.idle();
                leased += s.leased();
                opening += s.opening();
                waiting += s.waiting();
            }
            long[] closed = new long[Reason.values().length];
            for (int i = 0; i < closed.length; i++) {
                closed[i] = closedTotal.get(i);
            }
            return new PoolStats(idle, leased, opening, waiting, openedTotal, closed, perKey);
        } finally {
            lock.unlock();
        }
    }

    PoolStats statsLocked(SubPool<K, C> sub) {
        int idle = 0, leased = 0;
        for (Entry<K, C> e : sub.entries()) {
            if (e.state() == Entry.LEASED) {
                leased++;
            } else {
                idle++; // IDLE, or RESERVED on its way out
            }
        }
        long[] closed = new long[Reason.values().length];
        for (int i = 0; i < closed.length; i++) {
            closed[i] = sub.closedByReason.get(i);
        }
        return new PoolStats(idle, leased, sub.opening, sub.waiters.size(), sub.opened, closed, Map.of());
    }

    @Override
    public long maintain(long now) {
        Actions<K, C> actions = new Actions<>();
        long next = Nanos.NONE;
        lock.lock();
        try {
            if (closed) {
                return Nanos.NONE;
            }
            for (SubPool<K, C> sub : subPools.values()) {
                int idle = 0;
                for (Entry<K, C> e : sub.entries()) {
                    int st = e.state();
                    if (st == Entry.IDLE) {
                        Reason r = e.expiryWhenIdle(now, settings.idleTimeoutNanos());
                        if (r != null && e.cas(Entry.IDLE, Entry.RESERVED)) {
                            detachLocked(e);
                            actions.close(e, r);
                        } else if (r == null) {
                            idle++;
                            next = Nanos.earlier(next, e.nextExpiry(settings.idleTimeoutNanos()));
                        }
                    } else if (st == Entry.LEASED && settings.leakNanos() != Nanos.NONE && !e.leakReported) {
                        long at = Nanos.after(e.leasedAt, settings.leakNanos());
                        if (Nanos.reached(now, at)) {
                            e.leakReported = true;
                            actions.leak(e, now - e.leasedAt);
                        } else {
                            next = Nanos.earlier(next, at);
                        }
                    }
                }
                for (Iterator<Waiter> it = sub.waiters.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    if (Nanos.reached(now, w.deadline)) {
                        it.remove();
                        waiterRemovedLocked(sub);
                        w.complete(timeoutLocked(sub, now - w.startedAt, w.startedAt));
                        actions.unpark(w);
                    } else {
                        next = Nanos.earlier(next, w.deadline);
                    }
                }
                int deficit = config.minIdle() - idle - sub.opening;
                while (deficit-- > 0 && reserveOpenLocked(sub, now, actions, false)) {
                    actions.open(sub);
                }
                boolean wantsOpen = !sub.waiters.isEmpty() || config.minIdle() > idle + sub.opening;
                if (wantsOpen && sub.backoff.isActiveLocked(now)) {
                    next = Nanos.earlier(next, sub.backoff.untilLocked());
                }
                next = Nanos.earlier(next, dropIfUnusedLocked(sub, now));
            }
            dispatchLocked(now, actions);
        } finally {
            lock.unlock();
        }
        actions.run(this, io);
        return next;
    }

    /**
     * Drops {@code sub} once it has stayed empty (no connection, open, or waiter) for
     * {@code dropAfterNanos}, as seen by housekeeping; returns when to look again. A caller that
     * still holds the dropped sub-pool finds it {@code retired} under the lock and looks the key up
     * again, so no connection can be added to a sub-pool the engine no longer sees.
     */
    private long dropIfUnusedLocked(SubPool<K, C> sub, long now) {
        if (sub.pinned || sub.size() > 0 || sub.opening > 0 || !sub.waiters.isEmpty()) {
            sub.emptySince = Nanos.NONE;
            return Nanos.NONE;
        }
        if (sub.emptySince == Nanos.NONE) {
            sub.emptySince = now;
        }
        if (now - sub.emptySince >= settings.dropAfterNanos()) {
            sub.retired = true;
            subPools.remove(sub.key, sub);
            waitingSubs.remove(sub);
            return Nanos.NONE;
        }
        return Nanos.after(sub.emptySince, settings.dropAfterNanos());
    }

    @Override
    public void close() {
        Actions<K, C> actions = new Actions<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            timer.stop();
            for (SubPool<K, C> sub : subPools.values()) {
                for (Entry<K, C> e : sub.entries()) {
                    if (e.cas(Entry.IDLE, Entry.RESERVED)) {
                        detachLocked(e);
                        actions.close(e, Reason.POOL_CLOSED);
                    }
                }
                Waiter w;
                while ((w = sub.waiters.pollFirst()) != null) {
                    waiterRemovedLocked(sub);
                    w.complete(closedException(sub.key));
                    actions.unpark(w);
                }
            }
        } finally {
            lock.unlock();
        }
        // Closed here and now, on the caller's thread: when close() returns, no idle connection is left.
        actions.run(this, null);
    }

    // ---- the engine's decisions ----------------------------------------------------------------

    /**
     * Reserves an opening slot for {@code sub} if the limits allow; with {@code mayEvict}, closes
     * the least recently used idle connection of another key when only the total is in the way.
     */
    boolean reserveOpenLocked(SubPool<K, C> sub, long now, Actions<K, C> actions) {
        return reserveOpenLocked(sub, now, actions, true);
    }

    private boolean reserveOpenLocked(SubPool<K, C> sub, long now, Actions<K, C> actions, boolean mayEvict) {
        if (sub.size() + sub.opening >= config.maxPerKey()
                || sub.opening >= config.maxOpensPerKey()
                || sub.backoff.isActiveLocked(now)) {
            return false;
        }
        if (total >= config.maxTotal()) {
            Entry<K, C> victim = mayEvict ? lruIdleLocked(sub) : null;
            if (victim == null) {
                return false;
            }
            detachLocked(victim);
            actions.close(victim, Reason.EVICTED);
        }
        sub.opening++;
        total++;
        return true;
    }

    /** The least recently used idle entry of any key but {@code except}, taken (RESERVED); or null. */
    private Entry<K, C> lruIdleLocked(SubPool<K, C> except) {
        while (true) {
            Entry<K, C> best = null;
            for (SubPool<K, C> sub : subPools.values()) {
                if (sub == except) {
                    continue;
                }
                for (Entry<K, C> e : sub.entries()) {
                    if (e.state() == Entry.IDLE && (best == null || e.idleSince - best.idleSince < 0)) {
                        best = e;
                    }
                }
            }
            if (best == null || best.cas(Entry.IDLE, Entry.RESERVED)) {
                return best;
            }
        }
    }

    /** Serves waiters, key by key in FIFO order: an idle entry first, else an opening slot. */
    void dispatchLocked(long now, Actions<K, C> actions) {
        for (int i = 0; i < waitingSubs.size(); ) {
            SubPool<K, C> sub = waitingSubs.get(i);
            while (!sub.waiters.isEmpty()) {
                Entry<K, C> idle = sub.takeIdle();
                Object grant;
                if (idle != null) {
                    grant = idle;
                } else if (reserveOpenLocked(sub, now, actions, true)) {
                    grant = Waiter.PERMIT;
                } else {
                    break;
                }
                Waiter w = sub.waiters.pollFirst();
                waiterRemovedLocked(sub);
                w.watched = idle != null;
                w.complete(grant);
                actions.unpark(w);
            }
            if (sub.waiters.isEmpty()) {
                waitingSubs.remove(i);
            } else {
                i++;
            }
        }
    }

    /** dispatchLocked from a thread that holds nothing (a waiter whose backoff ended). */
    void dispatch() {
        Actions<K, C> actions = new Actions<>();
        lock.lock();
        try {
            dispatchLocked(ticker.nanoTime(), actions);
        } finally {
            lock.unlock();
        }
        actions.run(this, null);
    }

    void waiterAdded(SubPool<K, C> sub) {
        waitersTotal++;
        if (!waitingSubs.contains(sub)) {
            waitingSubs.add(sub);
        }
    }

    private void waiterRemovedLocked(SubPool<K, C> sub) {
        sub.waiting = sub.waiters.size();
        waitersTotal--;
    }

    /**
     * A returning, usable entry (LEASED by the caller): gives it to the first waiter of its key,
     * or closes it to make room for a waiter of another key that only the total limit holds back.
     * Returns false when nobody needs it, and then the caller makes it idle.
     */
    boolean handOff(Entry<K, C> e) {
        SubPool<K, C> sub = e.sub;
        Actions<K, C> actions = null;
        Waiter served = null;
        lock.lock();
        try {
            if (closed) {
                detachLocked(e);
                actions = new Actions<>();
                actions.close(e, Reason.POOL_CLOSED);
            } else if ((served = sub.waiters.pollFirst()) != null) {
                waiterRemovedLocked(sub);
                served.watched = false;
                served.complete(e);
            } else if (total >= config.maxTotal() && starvedByTotalLocked(sub, ticker.nanoTime())) {
                detachLocked(e);
                actions = new Actions<>();
                actions.close(e, Reason.EVICTED);
                dispatchLocked(ticker.nanoTime(), actions);
            } else {
                return false;
            }
        } finally {
            lock.unlock();
        }
        if (served != null) {
            served.unpark();
        } else {
            actions.run(this, null);
        }
        return true;
    }

    /** Whether a waiter of a key other than {@code except} could open if the total allowed it. */
    private boolean starvedByTotalLocked(SubPool<K, C> except, long now) {
        for (SubPool<K, C> s : waitingSubs) {
            if (s != except && !s.waiters.isEmpty()
                    && s.size() + s.opening < config.maxPerKey()
                    && s.opening < config.maxOpensPerKey()
                    && !s.backoff.isActiveLocked(now)) {
                return true;
            }
        }
        return false;
    }

    /** Closes a LEASED or RESERVED entry owned by the caller, and lets waiters use the room. */
    void retire(Entry<K, C> e, Reason reason) {
        Actions<K, C> actions = new Actions<>();
        lock.lock();
        try {
            detachLocked(e);
            dispatchLocked(ticker.nanoTime(), actions);
        } finally {
            lock.unlock();
        }
        actions.run(this, null);
        closeEntry(e, reason);
    }

    private void detachLocked(Entry<K, C> e) {
        int st = e.state();
        if (st != Entry.LEASED && st != Entry.RESERVED) {
            throw new IllegalStateException("detaching an entry in state " + st + ": " + e);
        }
        e.setState(Entry.CLOSED);
        e.sub.removeLocked(e);
        total--;
    }

    /** A connection was opened in a reserved slot; returns its entry, LEASED by the opener. */
    Entry<K, C> opened(SubPool<K, C> sub, C connection, long startedAt) {
        long now = ticker.nanoTime();
        Actions<K, C> actions = new Actions<>();
        Entry<K, C> e;
        boolean poolClosed;
        lock.lock();
        try {
            sub.opening--;
            long lifetimeEnd = Nanos.NONE;
            if (settings.lifetimeNanos() != Nanos.NONE) {
                long jitter = settings.jitterNanos() > 0 ? random.nextLong(settings.jitterNanos() + 1) : 0;
                lifetimeEnd = Nanos.after(now, settings.lifetimeNanos() - jitter);
            }
            e = new Entry<>(sub, connection, now, lifetimeEnd, Entry.LEASED);
            sub.opened++;
            openedTotal++;
            sub.backoff.succeededLocked();
            poolClosed = closed;
            if (poolClosed) {
                e.setState(Entry.CLOSED);
                total--;
            } else {
                sub.addLocked(e);
            }
            dispatchLocked(now, actions); // an opening slot of this key is free again
        } finally {
            lock.unlock();
        }
        actions.run(this, null);
        listener.opened(sub.key, connection, now - startedAt);
        if (poolClosed) {
            closeEntry(e, Reason.POOL_CLOSED);
            throw closedException(sub.key);
        }
        return e;
    }

    /** Opening failed: free the slot, back off (doubling, with jitter), remember why. */
    void openFailed(SubPool<K, C> sub, Throwable failure, long startedAt) {
        long now = ticker.nanoTime();
        Actions<K, C> actions = new Actions<>();
        boolean retryLater;
        long retryAt;
        lock.lock();
        try {
            sub.opening--;
            total--;
            retryAt = sub.backoff.failedLocked(failure, now, config.openBackoff(), random, config.name());
            retryLater = !sub.waiters.isEmpty() || config.minIdle() > 0;
            dispatchLocked(now, actions);
        } finally {
            lock.unlock();
        }
        actions.run(this, null);
        listener.openFailed(sub.key, failure, now - startedAt);
        LOG.debug("pool \"{}\": opening a connection to {} failed: {}", config.name(), sub.key, failure.toString());
        if (retryLater) {
            timer.scheduleAt(retryAt);
        }
    }

    PoolTimeoutException timeoutLocked(SubPool<K, C> sub, long waitedNanos, long startedAt) {
        Throwable cause = sub.backoff.causeForTimeoutLocked(startedAt);
        return new PoolTimeoutException(config.name(), sub.key, Duration.ofNanos(Math.max(0, waitedNanos)),
                config.maxPerKey(), statsLocked(sub), cause);
    }

    PoolRejectedException rejectedLocked(SubPool<K, C> sub) {
        return new PoolRejectedException(config.name(), sub.key, config.maxWaiters(), statsLocked(sub));
    }

    PoolClosedException closedException(K key) {
        return new PoolClosedException(config.name(), key);
    }

    /** The waiter's deadline passed: its result if one arrived meanwhile, else its timeout failure. */
    Object giveUp(SubPool<K, C> sub, Waiter w, long now) {
        lock.lock();
        try {
            Object r = w.result();
            if (r == null && sub.waiters.remove(w)) {
                waiterRemovedLocked(sub);
                r = timeoutLocked(sub, now - w.startedAt, w.startedAt);
                w.complete(r);
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** The waiter was interrupted: its result if one arrived meanwhile, else null (it left the queue). */
    Object abandon(SubPool<K, C> sub, Waiter w) {
        lock.lock();
        try {
            Object r = w.result();
            if (r == null && sub.waiters.remove(w)) {
                waiterRemovedLocked(sub);
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    // ---- closing and reporting -----------------------------------------------------------------

    /** The one place a connection is closed. The entry is already detached (CLOSED). */
    void closeEntry(Entry<K, C> e, Reason reason) {
        try {
            connector.close(e.connection, reason);
        } catch (Throwable failure) {
            LOG.warn("pool \"{}\": closing {} ({}) failed", config.name(), e.connection, reason, failure);
        }
        e.sub.closedByReason.incrementAndGet(reason.ordinal());
        closedTotal.incrementAndGet(reason.ordinal());
        listener.closed(e.sub.key, e.connection, reason);
    }

    void reportLeak(Entry<K, C> e, long heldNanos) {
        LOG.warn("pool \"{}\": a lease of {} to {} has been held for {} ms (leakDetectionThreshold {} ms); "
                        + "it was probably never closed. Acquired at:", config.name(), e.connection, e.sub.key,
                heldNanos / 1_000_000, config.leakDetectionThreshold().toMillis(), e.acquiredAt);
        listener.leakSuspected(e.sub.key, e.connection, heldNanos, e.acquiredAt);
    }

    void reportLeakReturned(Entry<K, C> e, long now) {
        long held = now - e.leasedAt;
        e.leakReported = false;
        LOG.info("pool \"{}\": the lease of {} reported as a likely leak came back after {} ms",
                config.name(), e.connection, held / 1_000_000);
        listener.leakReturned(e.sub.key, e.connection, held);
    }

    // ---- helpers -------------------------------------------------------------------------------

    @Override
    public String toString() {
        return "KeyedPool[" + config.name() + ", keys " + subPools.size() + "]";
    }
}
