package dev.tether.http.internal;

import dev.tether.net.Endpoint;
import dev.tether.pool.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one route (scheme, host, port) knows about its server's keep-alive behaviour, and its counters.
 *
 * <p>The server's idle timeout is estimated from the idle ages at which it closed connections:
 * <ol>
 *   <li>Evidence: a close of an idle connection that the watcher saw (FIN, RST, a TLS close_notify),
 *       and a failure of a reused connection before any response byte (the request met the
 *       server's idle close), each with the connection's idle age. Kept with when it was seen, in a
 *       ring of the last {@value #RING}, for the TTL.</li>
 *   <li>One event, one observation: closes seen within {@value #BURST_MILLIS} ms of each other are one
 *       event. An idle timer closes connections at the same idle age; a restart or a reset of
 *       everything closes them at the same instant whatever their ages. An event whose ages agree
 *       counts once, at its smallest age; one whose ages disagree is a restart and teaches nothing.</li>
 *   <li>A floor: a close at an idle age below the keep-alive margin plus 100 ms teaches nothing,
 *       since a timeout that short would leave no time to reuse a connection at all (a reset of a
 *       connection idle for a few milliseconds is a killed connection, not a timer).</li>
 *   <li>The learned timeout is the smallest live observation that another live one confirms
 *       (within the larger of 50 ms and 10 %): a one-off close at a random age is not trusted.</li>
 *   <li>Evidence against: a connection seen alive after an idle time beyond an observation (it
 *       served a request, or it outlived the learned value as this route's one canary, see
 *       {@link #canaryFor}) discards every observation it contradicts, so a wrong value is
 *       dropped, or replaced by a larger confirmed one, as soon as the server shows it.</li>
 *   <li>On each return to the pool the connection is given a deadline of the smaller of the
 *       advertised {@code Keep-Alive: timeout} and the learned timeout, each less its margin (the
 *       larger of the configured minimum and a share of the timeout).</li>
 * </ol>
 * One lock guards the ring; it is held for a few array reads, never around I/O. The hot path (a
 * request served after a short idle) reads two volatile fields and takes no lock.
 */
public final class RouteState {
    private static final Logger LOG = LoggerFactory.getLogger(RouteState.class);
    static final int RING = 8;
    static final int BURST_MILLIS = 250;
    private static final long BURST_NANOS = BURST_MILLIS * 1_000_000L;
    /** A timeout must leave at least this much reuse after the margin to be learned. */
    private static final long MIN_REUSE_NANOS = 100_000_000L;
    /** An observation that never ages out (a TTL of zero). */
    private static final long FOREVER = Long.MAX_VALUE;
    /** A slot whose event teaches nothing (a restart, or below the floor), or was contradicted. */
    private static final long NONE = -1;
    /** Two observations confirm each other when they differ by at most this, or 10 % if larger. */
    private static final long AGREE_NANOS = 50_000_000L;

    private final Endpoint endpoint;
    private final long ttlNanos;
    private final long marginNanos;
    private final double marginRatio;
    private final long floorNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final long[] observedIdle = new long[RING];   // guarded by lock; NONE for nothing
    private final long[] observedAt = new long[RING];     // guarded by lock
    private int next;                                     // guarded by lock
    private int count;                                    // guarded by lock
    /** The event being gathered: its slot (-1: none), start, and smallest and largest ages. */
    private int eventSlot = -1;                           // guarded by lock
    private long eventStart;                              // guarded by lock
    private long eventMin;                                // guarded by lock
    private long eventMax;                                // guarded by lock

    /** The learned timeout in nanos, -1 for none; valid until {@link #learnedValidUntil} if {@link #learnedExpires}. */
    /** Dropped from the client's {@link RouteTable}: a cached reference to it is stale. */
    volatile boolean forgotten;
    private volatile long learned = -1;
    private volatile boolean learnedExpires;
    private volatile long learnedValidUntil;
    /** The smallest live observation, -1 for none: a request served after less idle than this contradicts nothing. */
    private volatile long smallestObserved = -1;
    private volatile long advertised = -1;
    /** The connection of this route that may outlive the learned timeout, idle and never lent past it. */
    private final AtomicReference<Object> canary = new AtomicReference<>();

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong idleCloses = new AtomicLong();
    private final AtomicLong leaks = new AtomicLong();

    /**
     * @param ttl how long one observation counts; {@link Duration#ZERO}: for ever
     */
    public RouteState(Endpoint endpoint, Duration ttl, Duration margin, double marginRatio) {
        this.endpoint = endpoint;
        this.ttlNanos = ttl.isZero() ? FOREVER : ttl.toNanos();
        this.marginNanos = margin.toNanos();
        this.marginRatio = marginRatio;
        this.floorNanos = marginNanos + MIN_REUSE_NANOS;
        java.util.Arrays.fill(observedIdle, NONE);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public void requestSent() { requests.incrementAndGet(); }
    public void retried() { retries.incrementAndGet(); }
    public void leakSuspected() { leaks.incrementAndGet(); }
    public long requests() { return requests.get(); }
    public long retries() { return retries.get(); }
    public long idleCloses() { return idleCloses.get(); }
    public long leaks() { return leaks.get(); }

    /** The watcher saw the server close a connection that had been idle {@code idleNanos}. */
    public void observeIdleClose(long idleNanos, long nowNanos) {
        idleCloses.incrementAndGet();
        observe(idleNanos, nowNanos);
    }

    /**
     * A request on a reused connection met the server's close before any response byte (a reset,
     * an end of stream, a broken pipe), after the connection had been idle {@code idleNanos}.
     */
    public void observeFailure(long idleNanos, long nowNanos) {
        observe(idleNanos, nowNanos);
    }

    private void observe(long idleNanos, long now) {
        long before = learned;
        lock.lock();
        try {
            if (eventSlot >= 0 && now - eventStart <= BURST_NANOS) {
                eventMin = Math.min(eventMin, idleNanos);
                eventMax = Math.max(eventMax, idleNanos);
                observedIdle[eventSlot] = teaches(eventMin, eventMax) ? eventMin : NONE;
            } else {
                eventSlot = next;
                eventStart = now;
                eventMin = idleNanos;
                eventMax = idleNanos;
                observedIdle[next] = teaches(idleNanos, idleNanos) ? idleNanos : NONE;
                observedAt[next] = now;
                next = (next + 1) % RING;
                count = Math.min(RING, count + 1);
            }
            recompute(now);
        } finally {
            lock.unlock();
        }
        logChange(before);
    }

    /**
     * Says at INFO that the learned timeout changed (learned, replaced or dropped), after the lock:
     * a change is rare and worth a line; a route that keeps its value logs nothing.
     */
    private void logChange(long before) {
        long after = learned;
        if (after != before && LOG.isInfoEnabled()) {
            LOG.info(EventLog.line("idle_timeout.learned", "route", endpoint, "timeout_ms", after < 0 ? "none" : after / 1_000_000,
                    "was_ms", before < 0 ? "none" : before / 1_000_000));
        }
    }

    /** Whether an event whose closes came at idle ages {@code min}..{@code max} says anything about a timer. */
    private boolean teaches(long min, long max) {
        return min >= floorNanos && agree(min, max);
    }

    /**
     * A connection was alive after {@code idleNanos} idle (it served a request, or it outlived the
     * learned value): every observation that this contradicts is discarded.
     */
    public void aliveAfter(long idleNanos, long nowNanos) {
        if (!contradicts(idleNanos)) {
            return;
        }
        long before = learned;
        lock.lock();
        try {
            for (int i = 0; i < count; i++) {
                long o = observedIdle[i];
                if (o != NONE && idleNanos > o + tolerance(o)) {
                    observedIdle[i] = NONE;
                }
            }
            recompute(nowNanos);
        } finally {
            lock.unlock();
        }
        logChange(before);
    }

    /**
     * Whether a connection alive after {@code idleNanos} idle contradicts anything observed: the
     * check on every request served by a reused connection, so two volatile reads and no lock.
     */
    public boolean contradicts(long idleNanos) {
        long smallest = smallestObserved;
        return smallest >= 0 && idleNanos > smallest + tolerance(smallest);
    }

    /** The smallest confirmed recent idle close in nanos, or -1 when none is known. */
    public long learnedIdleNanos(long nowNanos) {
        if (learnedExpires && nowNanos - learnedValidUntil >= 0) {
            long before = learned;
            lock.lock();
            try {
                recompute(nowNanos);
            } finally {
                lock.unlock();
            }
            logChange(before);
        }
        return learned;
    }

    private void recompute(long now) { // caller holds lock
        long min = -1;
        long smallest = -1;
        for (int i = 0; i < count; i++) {
            if (!live(i, now)) {
                continue;
            }
            long o = observedIdle[i];
            if (smallest < 0 || o < smallest) {
                smallest = o;
            }
            if ((min < 0 || o < min) && confirmed(i, now)) {
                min = o;
            }
        }
        // Valid until the first live observation ages out: the answer may change then.
        boolean expires = false;
        long validUntil = 0;
        if (ttlNanos != FOREVER) {
            for (int i = 0; i < count; i++) {
                if (live(i, now) && (!expires || observedAt[i] + ttlNanos - validUntil < 0)) {
                    expires = true;
                    validUntil = observedAt[i] + ttlNanos;
                }
            }
        }
        learned = min;
        smallestObserved = smallest;
        learnedValidUntil = validUntil;
        learnedExpires = expires;
    }

    /** Whether slot {@code i} holds an observation that still counts at {@code now}. */
    private boolean live(int i, long now) { // caller holds lock
        return observedIdle[i] != NONE && (ttlNanos == FOREVER || now - observedAt[i] < ttlNanos);
    }

    /** Whether another live observation agrees with observation {@code i}. */
    private boolean confirmed(int i, long now) { // caller holds lock
        for (int j = 0; j < count; j++) {
            if (j != i && live(j, now) && agree(observedIdle[i], observedIdle[j])) {
                return true;
            }
        }
        return false;
    }

    private static boolean agree(long a, long b) {
        return Math.abs(a - b) <= tolerance(Math.max(a, b));
    }

    private static long tolerance(long nanos) {
        return Math.max(AGREE_NANOS, nanos / 10);
    }

    public void advertised(long timeoutNanos) {
        if (advertised != timeoutNanos) {
            advertised = timeoutNanos;
        }
    }

    /** The last {@code Keep-Alive: timeout} the server sent, in nanos, or -1. */
    public long advertisedNanos() {
        return advertised;
    }

    /** How much earlier than a server's idle timeout {@code timeoutNanos} a connection is retired. */
    public long marginFor(long timeoutNanos) {
        return Math.max(marginNanos, (long) (timeoutNanos * marginRatio));
    }

    /**
     * How long a connection returned now may stay idle because the server said so
     * ({@code Keep-Alive: timeout}, -1 when absent): Long.MAX_VALUE when nothing limits it, 0 or
     * less when it must not be reused at all.
     */
    public long advertisedBudgetNanos(long keepAliveTimeoutNanos) {
        return keepAliveTimeoutNanos < 0 ? Long.MAX_VALUE : keepAliveTimeoutNanos - marginFor(keepAliveTimeoutNanos);
    }

    /** How long a connection returned now may stay idle by the learned timeout; Long.MAX_VALUE when none is learned. */
    public long learnedBudgetNanos(long nowNanos) {
        long l = learnedIdleNanos(nowNanos);
        return l < 0 ? Long.MAX_VALUE : l - marginFor(l);
    }

    /** Both limits together: the budget a connection returned now gets. */
    public long idleBudgetNanos(long keepAliveTimeoutNanos, long nowNanos) {
        return Math.min(advertisedBudgetNanos(keepAliveTimeoutNanos), learnedBudgetNanos(nowNanos));
    }

    /**
     * How long past the learned timeout the canary stays open, idle, to test it: long enough that a
     * server with that timeout has surely closed it (well beyond {@link #tolerance}).
     */
    public static long canaryHorizonNanos(long learnedNanos) {
        return learnedNanos + Math.max(1_000_000_000L, learnedNanos / 2);
    }

    /**
     * Whether {@code connection} is (or now becomes) this route's canary: the one connection that is
     * not closed at the learned budget, but kept open, idle and no longer lent, until the
     * {@link #canaryHorizonNanos horizon}. If the server closes it near the learned value, that
     * confirms it; if it is still alive at the horizon, the learned value was wrong.
     */
    public boolean canaryFor(Object connection) {
        Object c = canary.get();
        return c == connection || c == null && canary.compareAndSet(null, connection);
    }

    /** {@code connection} is closed: it no longer is the canary. */
    public void closed(Object connection) {
        canary.compareAndSet(connection, null);
    }
}
