package dev.tether.pool.internal;

/**
 * What one thread remembers about one sub-pool: the entry it returned last (tried first, so a
 * thread tends to get back a connection that is warm in its cache, without CAS contention with
 * other threads, and a single thread sees strict last-in first-out reuse) and
 * one spare lease object, so that an acquire-return cycle on one thread allocates nothing.
 * Touched only by its own thread.
 */
final class ThreadState<K, C> {
    final Thread thread = Thread.currentThread();
    private Entry<K, C> last;
    private LeaseHandle<K, C> spare;

    Entry<K, C> last() {
        return last;
    }

    /** The spare lease object, now taken; null if there is none. */
    LeaseHandle<K, C> takeSpare() {
        LeaseHandle<K, C> h = spare;
        if (h != null) {
            spare = null;
        }
        return h;
    }

    /** This thread ended a lease of {@code e}; {@code handle} may be lent again (null: it may not). */
    void ended(Entry<K, C> e, LeaseHandle<K, C> handle) {
        last = e; // single-threaded use is strict LIFO: the last returned is the next lent
        if (handle != null && spare == null) {
            spare = handle;
        }
    }
}
