package dev.tether.pool.internal;

import dev.tether.pool.Lease;
import dev.tether.pool.PoolException;
import dev.tether.pool.PoolInterruptedException;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolTimeoutException;
import dev.tether.pool.Ticker;

import java.util.concurrent.locks.LockSupport;

/**
 * The acquire path once the lock-free attempts of {@link SubPool#acquire} found nothing:
 * <ol>
 *   <li>Under the engine's lock, if nobody of the key waits: take an idle entry, or reserve an
 *       opening slot ({@link Engine#reserveOpenLocked}, which may evict another key's least
 *       recently used idle connection).</li>
 *   <li>Otherwise, still under the lock: fail at once past the deadline or when the queue is full;
 *       else queue up (FIFO) and let the engine serve the queue.</li>
 *   <li>After the lock: lend what was taken, or open in the reserved slot ({@link Opener}) and
 *       lend that, or park until the engine completes the waiter with an entry, a slot (PERMIT),
 *       or a failure, or until the deadline.</li>
 *   <li>What could not be lent (it expired, the connector's check said no) was closed: go again.</li>
 * </ol>
 * A sub-pool found retired (its key was dropped meanwhile) returns null: the engine looks the key up again.
 */
final class SlowAcquire<K, C> {
    /** Upper bound on one park, so a waiter re-reads an injected ticker now and then. */
    private static final long MAX_PARK_NANOS = 50_000_000L;

    private final Engine<K, C> engine;
    private final Lender<K, C> lender;
    private final Opener<K, C> opener;
    private final PoolListener<K, C> listener;
    private final Ticker ticker;
    private final PoolSettings settings;

    SlowAcquire(Engine<K, C> engine) {
        this.engine = engine;
        this.lender = engine.lender;
        this.opener = engine.opener;
        this.listener = engine.listener;
        this.ticker = engine.ticker;
        this.settings = engine.settings;
    }

    /** Steps 1 to 4 for a caller of {@code sub} that started at {@code start}; null if sub was retired. */
    Lease<C> acquire(SubPool<K, C> sub, long start, long timeoutNanos, ThreadState<K, C> ts) {
        long deadline = Nanos.after(start, timeoutNanos);
        long now = start;
        while (true) {
            Waiter w = null;
            Entry<K, C> taken = null;
            boolean permit = false;
            PoolException refusal = null;
            Actions<K, C> actions = new Actions<>();
            engine.lock();
            try {
                if (engine.isClosed()) {
                    throw engine.closedException(sub.key);
                }
                if (sub.isRetiredLocked()) {
                    return null;
                }
                if (!sub.hasWaitersLocked()) {
                    taken = sub.takeIdle();
                    if (taken == null) {
                        permit = engine.reserveOpenLocked(sub, now, actions, true);
                    }
                }
                if (taken == null && !permit) {
                    if (Nanos.reached(now, deadline)) {
                        refusal = sub.timeoutLocked(now - start, start);
                    } else if (sub.waitersLocked() >= settings.config().maxWaiters()) {
                        refusal = sub.rejectedLocked();
                    } else {
                        w = new Waiter(Thread.currentThread(), start, deadline);
                        sub.enqueueLocked(w);
                        engine.dispatchLocked(now, actions);
                    }
                }
            } finally {
                engine.unlock();
            }
            actions.run(engine, null);
            if (refusal != null) {
                if (refusal instanceof PoolTimeoutException) {
                    listener.timedOut(sub.key, now - start);
                }
                throw refusal;
            }
            Lease<C> lease;
            if (taken != null) {
                lease = lender.lend(sub, taken, now, ts, true, now - start);
            } else if (permit) {
                lease = openAndLend(sub, now, deadline, ts, now - start);
            } else {
                listener.waiting(sub.key);
                Object result = await(sub, w);
                now = ticker.nanoTime();
                if (result == Waiter.PERMIT && Nanos.reached(now, deadline)) {
                    // The slot came free (a backoff ended) just as the caller's time ran out: an
                    // open with no time left could only say "0 ms"; the caller hears the timeout
                    // with the last open failure instead, and the slot goes to the next waiter.
                    opener.cancel(sub);
                    PoolTimeoutException timeout;
                    engine.lock();
                    try {
                        timeout = sub.timeoutLocked(now - start, start);
                    } finally {
                        engine.unlock();
                    }
                    listener.timedOut(sub.key, now - start);
                    throw timeout;
                } else if (result == Waiter.PERMIT) {
                    lease = openAndLend(sub, now, deadline, ts, now - start);
                } else {
                    @SuppressWarnings("unchecked")
                    Entry<K, C> e = (Entry<K, C>) result;
                    lease = lender.lend(sub, e, now, ts, w.watched(), now - start);
                }
            }
            if (lease != null) {
                return lease;
            }
            now = ticker.nanoTime(); // step 4
        }
    }

    /** Parks until the engine completes {@code w}; returns an entry or PERMIT, or throws its failure. */
    private Object await(SubPool<K, C> sub, Waiter w) {
        while (true) {
            Object r = w.result();
            if (r == null) {
                long now = ticker.nanoTime();
                if (Nanos.reached(now, w.deadline)) {
                    r = giveUp(sub, w, now);
                } else {
                    long backoffEnd = sub.backoffUntilForWaiter();
                    boolean backingOff = backoffEnd != Nanos.NONE && backoffEnd - now > 0;
                    // At the end of a backoff an open may be allowed again: look for ourselves then.
                    long wake = backingOff ? Nanos.earlier(w.deadline, backoffEnd) : w.deadline;
                    LockSupport.parkNanos(sub, wake == Nanos.NONE ? MAX_PARK_NANOS : Math.min(wake - now, MAX_PARK_NANOS));
                    if (Thread.interrupted()) {
                        r = abandon(sub, w);
                        Thread.currentThread().interrupt();
                        if (r == null) {
                            throw new PoolInterruptedException(settings.name(), sub.key);
                        }
                    } else if (backingOff && w.result() == null && ticker.nanoTime() - backoffEnd >= 0) {
                        engine.dispatch(); // housekeeping may be manual or late: do not depend on it
                    }
                    continue;
                }
            }
            if (r instanceof PoolException) {
                if (r instanceof PoolTimeoutException) {
                    listener.timedOut(sub.key, ticker.nanoTime() - w.startedAt);
                }
                throw (PoolException) r;
            }
            return r;
        }
    }

    /** The waiter's deadline passed: its result if one arrived meanwhile, else its timeout failure. */
    private Object giveUp(SubPool<K, C> sub, Waiter w, long now) {
        engine.lock();
        try {
            Object r = w.result();
            if (r == null && sub.removeWaiterLocked(w)) {
                r = sub.timeoutLocked(now - w.startedAt, w.startedAt);
                w.complete(r, false);
            }
            return r;
        } finally {
            engine.unlock();
        }
    }

    /** The waiter was interrupted: its result if one arrived meanwhile, else null (it left the queue). */
    private Object abandon(SubPool<K, C> sub, Waiter w) {
        engine.lock();
        try {
            Object r = w.result();
            if (r == null) {
                sub.removeWaiterLocked(w);
            }
            return r;
        } finally {
            engine.unlock();
        }
    }

    /** Opens a connection in a slot reserved for this caller and lends it; throws the open failure. */
    private Lease<C> openAndLend(SubPool<K, C> sub, long now, long deadline, ThreadState<K, C> ts, long waitedNanos) {
        Entry<K, C> e = opener.open(sub, now, deadline);
        return lender.lend(sub, e, ticker.nanoTime(), ts, false, waitedNanos);
    }
}
