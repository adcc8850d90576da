package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.DeadlineSource;
import dev.tether.pool.EventLog;
import dev.tether.pool.Inspectable;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolClosedException;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolStats;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import javax.management.ObjectName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The pool engine behind {@link KeyedPool} and {@link Pool}: what is truly across keys.
 *
 * <p>The parts, one per engine unless said otherwise:
 * <ul>
 *   <li>{@link SubPool}, one per key: its connections and waiters, the lock-free acquire, and its
 *       own housekeeping ({@code maintainLocked}).</li>
 *   <li>{@link Lender}: lends an entry and takes it back (the hot path); reports likely leaks.</li>
 *   <li>{@link SlowAcquire}: takes, opens or queues under the lock, then parks.</li>
 *   <li>{@link Opener}: opens in a reserved slot; backoff after failures ({@link OpenBackoff} per key).</li>
 *   <li>{@link HousekeepingTimer}: runs {@link #maintain} when it next needs to run.</li>
 *   <li>This class: the lock, the total and the limits across keys, eviction of the least recently
 *       used idle connection of another key, the FIFO of keys with waiters and serving it
 *       ({@link #dispatchLocked}), the map of keys (forgetting those that retired), and the one
 *       place that closes.</li>
 * </ul>
 *
 * <p>Concurrency: one {@link ReentrantLock} per engine guards everything that is not an entry's
 * own state (waiter queues, opening counts, the total, backoff, adding and removing entries);
 * entries change hands by CAS (see {@link Entry}), which keeps the common acquire and return off
 * the lock. No connector call, listener call or close ever runs with the lock held: decisions
 * made under it are collected in {@link Actions} and carried out after. No monitor lock
 * anywhere, so virtual threads never pin.
 *
 * <p>Every close goes through {@link #closeEntry}, once per connection, with a {@link Reason}; it
 * logs the close ({@code connection.closed} at DEBUG, {@code connection.broken} summarised per
 * route at INFO) and tells the listeners, the one the pool was built with and those added by
 * {@link #addPoolListener} (metrics bindings). {@link #poolView} reads the counts under the lock and
 * makes the connections' lines after it; with {@code PoolConfig.jmx} the engine registers a
 * {@link PoolBean} for its life.
 */
public final class Engine<K, C> implements KeyedPool<K, C> {
    static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** Events of one kind (opens failing, connections breaking) that follow each other closer than this are one storm: see EventLog. */
    static final Duration STORM_WINDOW = Duration.ofSeconds(10);

    final Connector<K, C> connector;
    final PoolSettings settings;
    final PoolListener<K, C> listener;
    private final Listeners<K, C> listeners;
    /** What owns the pool ({@code pool}, {@code http}...) and how it adds its figures to a view. */
    private final String kind;
    private final UnaryOperator<PoolView> figures;
    final EventLog events;
    /** The JMX bean's name while registered (PoolConfig.jmx), else null. */
    private final ObjectName bean;
    final Ticker ticker;
    private final Executor io;
    final HousekeepingTimer timer;
    final Lender<K, C> lender;
    final Opener<K, C> opener;
    final SlowAcquire<K, C> slowAcquire;

    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentHashMap<K, SubPool<K, C>> subPools = new ConcurrentHashMap<>();
    private final Function<K, SubPool<K, C>> newSubPool = k -> new SubPool<>(this, k);
    /** Sub-pools that may have waiters, in the order they first had one. Guarded. */
    private final List<SubPool<K, C>> waitingSubs = new ArrayList<>();
    private int total; // guarded: entries + opening, all keys
    /** Opened and closed since the start, all keys (sub-pools of unused keys are dropped, these are not). */
    private long openedTotal; // guarded
    private final AtomicLongArray closedTotal = new AtomicLongArray(Reason.values().length);

    private volatile boolean closed;
    /** Waiters of all keys; written under the lock, read without it on the return path. */
    private volatile int waitersTotal;

    public Engine(PoolParts<K, C> parts) {
        this.connector = parts.connector();
        this.settings = PoolSettings.of(parts.config());
        this.listeners = new Listeners<>(parts.listener());
        this.listener = listeners;
        this.ticker = parts.ticker();
        this.kind = parts.kind();
        this.figures = parts.figures();
        this.events = new EventLog(LOG, ticker, STORM_WINDOW);
        this.io = parts.backgroundExecutor();
        this.timer = new HousekeepingTimer(parts.housekeeping().scheduler(), ticker, settings.name(), this::maintain);
        // In this order: each reads the engine's parts made before it.
        this.lender = new Lender<>(this);
        this.opener = new Opener<>(this, parts.random());
        this.slowAcquire = new SlowAcquire<>(this);
        // Last: the bean may be read as soon as it is registered.
        this.bean = settings.config().jmx()
                ? new PoolBean(() -> figures.apply(poolView()), this).register(kind, settings.name()) : null;
    }

    /** A {@link Pool} over this engine's sub-pool for {@code key}. */
    public Pool<C> single(K key) {
        SubPool<K, C> sub = subPool(key);
        sub.pin(); // a Pool holds its one sub-pool for good
        if (settings.config().minIdle() > 0) {
            timer.scheduleAt(ticker.nanoTime());
        }
        return new SinglePool<>(this, sub);
    }

    private SubPool<K, C> subPool(K key) {
        Objects.requireNonNull(key, "key");
        SubPool<K, C> sub = subPools.get(key);
        if (sub == null) {
            sub = subPools.computeIfAbsent(key, newSubPool);
            if (settings.config().minIdle() > 0) {
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
        return settings.config();
    }

    @Override
    public PoolStats stats() {
        lock.lock();
        try {
            Map<Object, PoolStats> perKey = new LinkedHashMap<>();
            int idle = 0, leased = 0, opening = 0, waiting = 0;
            for (SubPool<K, C> sub : subPools.values()) {
                PoolStats s = sub.statsLocked();
                perKey.put(sub.key, s);
                idle += s.idle();
                leased += s.leased();
                opening += s.opening();
                waiting += s.waiting();
            }
            long[] closedByReason = new long[Reason.values().length];
            for (int i = 0; i < closedByReason.length; i++) {
                closedByReason[i] = closedTotal.get(i);
            }
            return new PoolStats(idle, leased, opening, waiting, openedTotal, closedByReason, perKey);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Each key maintains itself ({@link SubPool#maintainLocked}); a key that retired itself is
     * forgotten here, and the listener hears so after the lock. Then waiters are served, since
     * expiry and timeouts may have made room.
     */
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
                next = Nanos.earlier(next, sub.maintainLocked(now, actions));
                if (sub.isRetiredLocked()) {
                    subPools.remove(sub.key, sub);
                    waitingSubs.remove(sub);
                    actions.forgotten(sub.key);
                }
            }
            dispatchLocked(now, actions);
        } finally {
            lock.unlock();
        }
        actions.run(this, io);
        return next;
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
            if (bean != null) {
                PoolBean.unregister(bean);
            }
            for (SubPool<K, C> sub : subPools.values()) {
                sub.closeLocked(actions);
            }
        } finally {
            lock.unlock();
        }
        // Closed here and now, on the caller's thread: when close() returns, no idle connection is left.
        actions.run(this, null);
        events.flush();
    }

    // ---- seeing inside -------------------------------------------------------------------------

    @Override
    public PoolView poolView() {
        List<PoolView.KeyView> keys = new ArrayList<>();
        List<Entry<K, C>[]> entries = new ArrayList<>();
        long opened;
        lock.lock();
        try {
            for (SubPool<K, C> sub : subPools.values()) {
                keys.add(sub.viewLocked());
                entries.add(sub.entries());
            }
            opened = openedTotal;
        } finally {
            lock.unlock();
        }
        // The connections' lines after the lock: they ask the connector for the local port. An entry
        // that changed hands meanwhile is shown as it is now; times are clamped at 0 for the same reason.
        long now = ticker.nanoTime();
        List<PoolView.ConnectionView> conns = new ArrayList<>();
        DeadlineSource[] source = new DeadlineSource[1];
        for (Entry<K, C>[] es : entries) {
            for (Entry<K, C> e : es) {
                int st = e.state();
                if (st == Entry.CLOSED) {
                    continue;
                }
                boolean idle = st == Entry.IDLE;
                long at = e.closesAt(idle, settings.idleTimeoutNanos(), source);
                int port;
                try {
                    port = connector.localPort(e.connection);
                } catch (RuntimeException failure) {
                    port = -1; // a view must not fail for one connection's socket
                }
                conns.add(new PoolView.ConnectionView(e.sub.key, String.valueOf(e.sub.key), String.valueOf(e.connection),
                        port, idle ? PoolView.State.IDLE : st == Entry.LEASED ? PoolView.State.LEASED : PoolView.State.CLOSING,
                        Math.max(0, now - e.openedAt), idle ? Math.max(0, now - e.idleSince()) : -1, e.uses(),
                        at == Nanos.NONE ? -1 : at - now, at == Nanos.NONE ? null : source[0]));
            }
        }
        Map<Reason, Long> closedByReason = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            long n = closedTotal.get(r.ordinal());
            if (n > 0) {
                closedByReason.put(r, n);
            }
        }
        return new PoolView(settings.name(), kind, settings.config().maxTotal(), settings.config().maxPerKey(), opened,
                closedByReason, keys, conns, Map.of());
    }

    @Override
    public int evictIdle() {
        Actions<K, C> actions = new Actions<>();
        int n = 0;
        lock.lock();
        try {
            for (SubPool<K, C> sub : subPools.values()) {
                for (Entry<K, C> e : sub.entries()) {
                    if (e.cas(Entry.IDLE, Entry.RESERVED)) {
                        detachLocked(e);
                        actions.close(e, Reason.EVICTED);
                        n++;
                    }
                }
            }
            dispatchLocked(ticker.nanoTime(), actions);
        } finally {
            lock.unlock();
        }
        actions.run(this, null);
        events.log(Level.INFO, "pool.evicted", "pool", settings.name(), "closed", n);
        return n;
    }

    @Override
    public Inspectable.ListenerHandle addPoolListener(PoolListener<Object, Object> l) {
        return listeners.add(Objects.requireNonNull(l, "listener"));
    }

    boolean isClosed() {
        return closed;
    }

    int waitersTotal() {
        return waitersTotal;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    boolean holdsLock() {
        return lock.isHeldByCurrentThread();
    }

    // ---- decisions across keys, under the lock -------------------------------------------------

    /**
     * Reserves an opening slot for {@code sub} if the limits allow; with {@code mayEvict}, closes
     * the least recently used idle connection of another key when only the total is in the way.
     */
    boolean reserveOpenLocked(SubPool<K, C> sub, long now, Actions<K, C> actions, boolean mayEvict) {
        if (!sub.mayOpenLocked(now)) {
            return false;
        }
        if (total >= settings.config().maxTotal()) {
            Entry<K, C> victim = mayEvict ? lruIdleLocked(sub) : null;
            if (victim == null) {
                return false;
            }
            detachLocked(victim);
            actions.close(victim, Reason.EVICTED);
        }
        sub.openStartedLocked();
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
                    if (e.state() == Entry.IDLE && (best == null || e.idleSince() - best.idleSince() < 0)) {
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
            while (sub.hasWaitersLocked()) {
                Entry<K, C> idle = sub.takeIdle();
                if (idle != null) {
                    actions.unpark(sub.serveFirstLocked(idle, true));
                } else if (reserveOpenLocked(sub, now, actions, true)) {
                    actions.unpark(sub.serveFirstLocked(Waiter.PERMIT, false));
                } else {
                    break;
                }
            }
            if (sub.hasWaitersLocked()) {
                i++;
            } else {
                waitingSubs.remove(i);
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

    /** A caller of {@code sub} queued up. */
    void waiterAddedLocked(SubPool<K, C> sub) {
        waitersTotal++;
        if (!waitingSubs.contains(sub)) {
            waitingSubs.add(sub);
        }
    }

    /** A caller left a queue (served, timed out, interrupted, or the pool closed). */
    void waiterLeftLocked() {
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
            } else if ((served = sub.serveFirstLocked(e, false)) == null) {
                if (total >= settings.config().maxTotal() && starvedByTotalLocked(sub, ticker.nanoTime())) {
                    detachLocked(e);
                    actions = new Actions<>();
                    actions.close(e, Reason.EVICTED);
                    dispatchLocked(ticker.nanoTime(), actions);
                } else {
                    return false;
                }
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
            if (s != except && s.hasWaitersLocked() && s.mayOpenLocked(now)) {
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

    /** Takes a LEASED or RESERVED entry out of its sub-pool and the total; it is closed after the lock. */
    void detachLocked(Entry<K, C> e) {
        int st = e.state();
        if (st != Entry.LEASED && st != Entry.RESERVED) {
            throw new IllegalStateException("detaching an entry in state " + st + ": " + e);
        }
        e.setState(Entry.CLOSED);
        e.sub.removeLocked(e);
        total--;
    }

    /** An open in {@code sub}'s reserved slot succeeded; false when the pool closed meanwhile (e did not join). */
    boolean openedLocked(SubPool<K, C> sub, Entry<K, C> e) {
        openedTotal++;
        boolean joins = !closed;
        sub.openedLocked(e, joins);
        if (!joins) {
            e.setState(Entry.CLOSED);
            total--;
        }
        return joins;
    }

    /** An open in a reserved slot failed: the slot no longer counts against the total. */
    void openFailedLocked() {
        total--;
    }

    PoolClosedException closedException(K key) {
        return new PoolClosedException(settings.name(), key);
    }

    // ---- closing and reporting, never under the lock ------------------------------------------

    /** The one place a connection is closed. The entry is already detached (CLOSED). */
    void closeEntry(Entry<K, C> e, Reason reason) {
        try {
            connector.close(e.connection, reason);
        } catch (Throwable failure) {
            LOG.warn("pool \"{}\": closing {} ({}) failed", settings.name(), e.connection, reason, failure);
        }
        e.sub.countClosed(reason);
        closedTotal.incrementAndGet(reason.ordinal());
        long age = ticker.nanoTime() - e.openedAt;
        if (events.isEnabled(Level.DEBUG)) {
            events.log(Level.DEBUG, "connection.closed", "pool", settings.name(), "route", e.sub.key,
                    "connection", e.connection, "reason", reason, "age_ms", age / 1_000_000, "uses", e.uses());
        }
        if (reason == Reason.BROKEN) {
            // A connection that failed in use: one line per route per window, however many break at once.
            events.storm(Level.INFO, "connection.broken", String.valueOf(e.sub.key), "pool", settings.name(),
                    "route", e.sub.key, "connection", e.connection, "age_ms", age / 1_000_000, "uses", e.uses());
        }
        listener.closed(e.sub.key, e.connection, reason, age, e.uses());
    }

    /** After a drop in {@link #maintain}, outside the lock. */
    void reportForgotten(K key) {
        events.log(Level.DEBUG, "route.forgotten", "pool", settings.name(), "route", key,
                "unused_ms", settings.dropAfterNanos() / 1_000_000);
        listener.forgotten(key);
    }

    @Override
    public String toString() {
        return "KeyedPool[" + settings.name() + ", keys " + subPools.size() + "]";
    }
}
