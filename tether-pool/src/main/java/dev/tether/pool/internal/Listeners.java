package dev.tether.pool.internal;

import dev.tether.pool.Inspectable;
import dev.tether.pool.PoolListener;
import dev.tether.pool.Reason;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The listener the pool was built with, then those added later ({@link Inspectable#addPoolListener}),
 * each guarded by {@link SafeListener}. The added ones sit in a copy-on-write array: an event reads
 * one volatile field and, with none added, allocates nothing.
 */
final class Listeners<K, C> implements PoolListener<K, C> {
    @SuppressWarnings("rawtypes")
    private static final PoolListener[] NONE = new PoolListener[0];

    private final PoolListener<K, C> first;
    @SuppressWarnings("unchecked")
    private volatile PoolListener<? super K, ? super C>[] added = NONE;
    private final ReentrantLock lock = new ReentrantLock(); // serialises writers of added

    Listeners(PoolListener<K, C> configured) {
        this.first = SafeListener.wrap(configured);
    }

    Inspectable.ListenerHandle add(PoolListener<? super K, ? super C> listener) {
        PoolListener<? super K, ? super C> safe = new SafeListener<>(listener);
        lock.lock();
        try {
            PoolListener<? super K, ? super C>[] a = Arrays.copyOf(added, added.length + 1);
            a[a.length - 1] = safe;
            added = a;
        } finally {
            lock.unlock();
        }
        return new Inspectable.ListenerHandle() {
            private boolean done; // guarded by lock

            @Override
            public void close() {
                lock.lock();
                try {
                    if (!done) {
                        done = true;
                        remove(safe);
                    }
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    private void remove(PoolListener<? super K, ? super C> l) { // caller holds lock
        PoolListener<? super K, ? super C>[] a = added;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == l) {
                PoolListener<? super K, ? super C>[] b = Arrays.copyOf(a, a.length - 1);
                System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                added = b;
                return;
            }
        }
    }

    @Override
    public void opened(K k, C c, long t) {
        first.opened(k, c, t);
        for (PoolListener<? super K, ? super C> l : added) {
            l.opened(k, c, t);
        }
    }

    @Override
    public void openFailed(K k, Throwable x, long t) {
        first.openFailed(k, x, t);
        for (PoolListener<? super K, ? super C> l : added) {
            l.openFailed(k, x, t);
        }
    }

    @Override
    public void acquired(K k, C c, long w) {
        first.acquired(k, c, w);
        for (PoolListener<? super K, ? super C> l : added) {
            l.acquired(k, c, w);
        }
    }

    @Override
    public void released(K k, C c) {
        first.released(k, c);
        for (PoolListener<? super K, ? super C> l : added) {
            l.released(k, c);
        }
    }

    @Override
    public void closed(K k, C c, Reason r) {
        closed(k, c, r, 0, 0);
    }

    @Override
    public void closed(K k, C c, Reason r, long age, int uses) {
        first.closed(k, c, r, age, uses);
        for (PoolListener<? super K, ? super C> l : added) {
            l.closed(k, c, r, age, uses);
        }
    }

    @Override
    public void waiting(K k) {
        first.waiting(k);
        for (PoolListener<? super K, ? super C> l : added) {
            l.waiting(k);
        }
    }

    @Override
    public void timedOut(K k, long w) {
        first.timedOut(k, w);
        for (PoolListener<? super K, ? super C> l : added) {
            l.timedOut(k, w);
        }
    }

    @Override
    public void leakSuspected(K k, C c, long h, Throwable a) {
        first.leakSuspected(k, c, h, a);
        for (PoolListener<? super K, ? super C> l : added) {
            l.leakSuspected(k, c, h, a);
        }
    }

    @Override
    public void leakReturned(K k, C c, long h) {
        first.leakReturned(k, c, h);
        for (PoolListener<? super K, ? super C> l : added) {
            l.leakReturned(k, c, h);
        }
    }

    @Override
    public void forgotten(K k) {
        first.forgotten(k);
        for (PoolListener<? super K, ? super C> l : added) {
            l.forgotten(k);
        }
    }
}
