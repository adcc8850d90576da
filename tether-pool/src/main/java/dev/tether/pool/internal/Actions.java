package dev.tether.pool.internal;

import dev.tether.pool.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What the engine decided under its lock and carries out after releasing it: wake waiters, close
 * connections, start background opens, report leaks and forgotten keys. Keeps every callback and
 * every close outside the lock (a slow close must not stall the pool; a listener must not run
 * under it).
 */
final class Actions<K, C> {
    private List<Waiter> unparks;
    private List<Entry<K, C>> closes;
    private List<Reason> closeReasons;
    private List<SubPool<K, C>> opens;
    private List<Entry<K, C>> leaks;
    private List<Long> leakHeld;
    private List<K> forgotten;

    void unpark(Waiter w) {
        if (unparks == null) {
            unparks = new ArrayList<>(2);
        }
        unparks.add(w);
    }

    void close(Entry<K, C> e, Reason reason) {
        if (closes == null) {
            closes = new ArrayList<>(2);
            closeReasons = new ArrayList<>(2);
        }
        closes.add(e);
        closeReasons.add(reason);
    }

    void open(SubPool<K, C> sub) {
        if (opens == null) {
            opens = new ArrayList<>(2);
        }
        opens.add(sub);
    }

    void leak(Entry<K, C> e, long heldNanos) {
        if (leaks == null) {
            leaks = new ArrayList<>(2);
            leakHeld = new ArrayList<>(2);
        }
        leaks.add(e);
        leakHeld.add(heldNanos);
    }

    /** The engine dropped {@code key}'s sub-pool. */
    void forgotten(K key) {
        if (forgotten == null) {
            forgotten = new ArrayList<>(2);
        }
        forgotten.add(key);
    }

    /**
     * Runs everything, waking waiters first (they are blocked on us). Closes and opens go to
     * {@code io}, or run here when it is null.
     */
    void run(Engine<K, C> engine, Executor io) {
        if (unparks != null) {
            for (Waiter w : unparks) {
                w.unpark();
            }
        }
        if (leaks != null) {
            for (int i = 0; i < leaks.size(); i++) {
                engine.lender.reportLeak(leaks.get(i), leakHeld.get(i));
            }
        }
        if (closes != null) {
            for (int i = 0; i < closes.size(); i++) {
                Entry<K, C> e = closes.get(i);
                Reason r = closeReasons.get(i);
                if (io == null) {
                    engine.closeEntry(e, r);
                } else {
                    io.execute(() -> engine.closeEntry(e, r));
                }
            }
        }
        if (opens != null) {
            for (SubPool<K, C> sub : opens) {
                if (io == null) {
                    engine.opener.openInBackground(sub);
                } else {
                    io.execute(() -> engine.opener.openInBackground(sub));
                }
            }
        }
        if (forgotten != null) {
            for (K key : forgotten) {
                engine.reportForgotten(key);
            }
        }
    }
}
