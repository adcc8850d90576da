package dev.tether.http.internal;

import dev.tether.net.Endpoint;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one route (scheme, host, port) knows about its server's keep-alive behaviour, and its counters.
 *
 * <ol>
 *   <li>Each idle close the watcher reports (how long the connection had been idle when the server
 *       closed or reset it) is kept, with when it was seen, in a ring of the last {@value #RING}.</li>
 *   <li>The learned idle timeout is the smallest observation younger than the TTL that a second
 *       one confirms (within the larger of 50 ms and 10 %): an idle timer closes connections at
 *       the same idle age again and again, while a one-off close (a server restart, a killed
 *       connection, a middlebox reset) comes at a random age and, trusted alone, could stop reuse
 *       of the route for the whole TTL. A server that lowers its timeout is learned at the second
 *       close at the new value, one that raises it once the older, smaller observations age out
 *       (connections then live long enough to be closed at the new value).</li>
 *   <li>On each return to the pool the connection gets a deadline of the smaller of the advertised
 *       {@code Keep-Alive: timeout} and the learned timeout, each less its margin: the larger of the
 *       configured minimum and a share of the timeout.</li>
 * </ol>
 * One lock guards the ring; it is held for a few array reads, never around I/O.
 */
public final class RouteState {
    static final int RING = 8;
    /** An observation that never ages out (a TTL of zero). */
    private static final long FOREVER = Long.MAX_VALUE;
    /** Two observations confirm each other when they differ by at most this, or 10 % if larger. */
    private static final long AGREE_NANOS = 50_000_000L;

    private final Endpoint endpoint;
    private final long ttlNanos;
    private final long marginNanos;
    private final double marginRatio;

    private final ReentrantLock lock = new ReentrantLock();
    private final long[] observedIdle = new long[RING];   // guarded by lock
    private final long[] observedAt = new long[RING];     // guarded by lock
    private int next;                                     // guarded by lock
    private int count;                                    // guarded by lock
    /** The learned timeout in nanos, -1 for none; valid until {@link #learnedValidUntil} if {@link #learnedExpires}. */
    private volatile long learned = -1;
    private volatile boolean learnedExpires;
    private volatile long learnedValidUntil;
    private volatile long advertised = -1;

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
        lock.lock();
        try {
            observedIdle[next] = idleNanos;
            observedAt[next] = nowNanos;
            next = (next + 1) % RING;
            count = Math.min(RING, count + 1);
            recompute(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** The smallest recent idle close in nanos, or -1 when none is known. */
    public long learnedIdleNanos(long nowNanos) {
        if (learnedExpires && nowNanos - learnedValidUntil >= 0) {
            lock.lock();
            try {
                recompute(nowNanos);
            } finally {
                lock.unlock();
            }
        }
        return learned;
    }

    private void recompute(long now) { // caller holds lock
        long min = -1;
        for (int i = 0; i < count; i++) {
            if (!live(i, now) || (min >= 0 && observedIdle[i] >= min) || !confirmed(i, now)) {
                continue;
            }
            min = observedIdle[i];
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
        learnedValidUntil = validUntil;
        learnedExpires = expires;
    }

    /** Whether observation {@code i} still counts at {@code now}. */
    private boolean live(int i, long now) { // caller holds lock
        return ttlNanos == FOREVER || now - observedAt[i] < ttlNanos;
    }

    /** Whether another live observation agrees with observation {@code i}. */
    private boolean confirmed(int i, long now) { // caller holds lock
        for (int j = 0; j < count; j++) {
            if (j == i || !live(j, now)) {
                continue;
            }
            long a = observedIdle[i];
            long b = observedIdle[j];
            long tolerance = Math.max(AGREE_NANOS, Math.max(a, b) / 10);
            if (Math.abs(a - b) <= tolerance) {
                return true;
            }
        }
        return false;
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
     * How long a connection returned now may stay idle: Long.MAX_VALUE when nothing limits it,
     * 0 or less when it must not be reused at all.
     *
     * @param keepAliveTimeoutNanos this response's {@code Keep-Alive: timeout}, or -1
     */
    public long idleBudgetNanos(long keepAliveTimeoutNanos, long nowNanos) {
        long budget = Long.MAX_VALUE;
        if (keepAliveTimeoutNanos >= 0) {
            budget = keepAliveTimeoutNanos - marginFor(keepAliveTimeoutNanos);
        }
        long l = learnedIdleNanos(nowNanos);
        if (l >= 0) {
            budget = Math.min(budget, l - marginFor(l));
        }
        return budget;
    }
}
