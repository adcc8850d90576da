package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.PoolException;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolOpenException;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;

import org.slf4j.event.Level;

import java.util.random.RandomGenerator;

/**
 * Opens connections in opening slots the engine reserved ({@link Engine#reserveOpenLocked}):
 * <ol>
 *   <li>{@code connector.open} runs without the lock, on the caller's thread (or a background
 *       one, for min idle), by the earlier of the caller's deadline and the open timeout.</li>
 *   <li>Success, under the lock: the new entry joins its sub-pool, LEASED by the opener, with its
 *       lifetime shortened by a random jitter; the key's backoff ends. If the pool closed
 *       meanwhile, the connection is closed and the caller hears that the pool is closed.</li>
 *   <li>Failure, under the lock: the slot is freed and the key backs off for as long as the
 *       configured {@link dev.tether.pool.Backoff} says; housekeeping comes back at its end if a
 *       waiter or min idle wants a connection. The caller gets a {@link PoolOpenException}.</li>
 *   <li>Either way the freed slot may serve a waiter (the engine dispatches), and the listener
 *       hears of the open after the lock.</li>
 * </ol>
 */
final class Opener<K, C> {
    private final Engine<K, C> engine;
    private final Connector<K, C> connector;
    private final PoolListener<K, C> listener;
    private final Ticker ticker;
    private final PoolSettings settings;
    private final HousekeepingTimer timer;
    private final RandomGenerator random; // guarded by the engine's lock: lifetime jitter and backoff

    Opener(Engine<K, C> engine, RandomGenerator random) {
        this.engine = engine;
        this.connector = engine.connector;
        this.listener = engine.listener;
        this.ticker = engine.ticker;
        this.settings = engine.settings;
        this.timer = engine.timer;
        this.random = random;
    }

    /** Opens in a slot reserved for {@code sub}; returns the new entry, LEASED by the caller. */
    Entry<K, C> open(SubPool<K, C> sub, long now, long deadline) {
        long openDeadline = Nanos.earlier(deadline, Nanos.after(now, settings.openTimeoutNanos()));
        C c;
        try {
            c = connector.open(sub.key, Deadline.at(ticker, openDeadline));
            if (c == null) {
                throw new NullPointerException("connector.open returned null for " + sub.key);
            }
        } catch (Throwable failure) {
            failed(sub, failure, now);
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof Error && !(failure instanceof AssertionError)) {
                throw (Error) failure;
            }
            throw new PoolOpenException(settings.name(), sub.key, failure);
        }
        return opened(sub, c, now);
    }

    /**
     * Frees a slot reserved for a caller whose deadline passed before the open could start: no
     * failure is counted and no backoff starts (the server was not tried); a waiter may take it.
     */
    void cancel(SubPool<K, C> sub) {
        Actions<K, C> actions = new Actions<>();
        engine.lock();
        try {
            engine.openFailedLocked();
            sub.openCancelledLocked();
            engine.dispatchLocked(ticker.nanoTime(), actions);
        } finally {
            engine.unlock();
        }
        actions.run(engine, null);
    }

    /** Opens one connection for min idle (housekeeping reserved the slot) and offers it. */
    void openInBackground(SubPool<K, C> sub) {
        Entry<K, C> e;
        try {
            e = open(sub, ticker.nanoTime(), Nanos.NONE);
        } catch (PoolException | Error failure) {
            return; // counted, reported to the listener and backed off in failed()
        }
        engine.lender.offer(e);
    }

    /** Step 2. */
    private Entry<K, C> opened(SubPool<K, C> sub, C connection, long startedAt) {
        long now = ticker.nanoTime();
        Actions<K, C> actions = new Actions<>();
        Entry<K, C> e;
        boolean joined;
        engine.lock();
        try {
            e = new Entry<>(sub, connection, now, lifetimeEndLocked(now), Entry.LEASED);
            joined = engine.openedLocked(sub, e);
            engine.dispatchLocked(now, actions); // an opening slot of this key is free again
        } finally {
            engine.unlock();
        }
        actions.run(engine, null);
        sub.opens.record(now - startedAt);
        if (engine.events.isEnabled(Level.DEBUG)) {
            engine.events.log(Level.DEBUG, "connection.opened", "pool", settings.name(), "route", sub.key,
                    "connection", connection, "took_ms", (now - startedAt) / 1_000_000);
        }
        listener.opened(sub.key, connection, now - startedAt);
        if (!joined) {
            engine.closeEntry(e, Reason.POOL_CLOSED);
            throw engine.closedException(sub.key);
        }
        return e;
    }

    private long lifetimeEndLocked(long now) {
        if (settings.lifetimeNanos() == Nanos.NONE) {
            return Nanos.NONE;
        }
        long jitter = settings.jitterNanos() > 0 ? random.nextLong(settings.jitterNanos() + 1) : 0;
        return Nanos.after(now, settings.lifetimeNanos() - jitter);
    }

    /** Step 3. */
    private void failed(SubPool<K, C> sub, Throwable failure, long startedAt) {
        long now = ticker.nanoTime();
        Actions<K, C> actions = new Actions<>();
        boolean retryLater;
        long retryAt;
        engine.lock();
        try {
            engine.openFailedLocked();
            retryAt = sub.openFailedLocked(failure, now, random);
            retryLater = sub.wantsRetryLocked();
            engine.dispatchLocked(now, actions);
        } finally {
            engine.unlock();
        }
        actions.run(engine, null);
        listener.openFailed(sub.key, failure, now - startedAt);
        // While a server is down every caller's open fails: one line per route per window, counted after.
        engine.events.storm(Level.WARN, "open.failed", String.valueOf(sub.key), "pool", settings.name(), "route", sub.key,
                "took_ms", (now - startedAt) / 1_000_000, "error", failure.toString());
        if (retryLater) {
            timer.scheduleAt(retryAt);
        }
    }
}
