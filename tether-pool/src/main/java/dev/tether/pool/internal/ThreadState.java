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
    Entry<K, C> last;
    LeaseHandle<K, C> spare;
}
