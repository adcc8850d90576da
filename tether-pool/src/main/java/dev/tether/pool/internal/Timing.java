package dev.tether.pool.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many times something took time, how much in total and the longest, for views (acquire
 * waits, opens). Written without the lock by whoever measured; a view reads the three fields one
 * after the other, so under load they may be one event apart.
 */
final class Timing {
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();

    void record(long nanos) {
        count.incrementAndGet();
        totalNanos.addAndGet(nanos);
        long max;
        while (nanos > (max = maxNanos.get()) && !maxNanos.compareAndSet(max, nanos)) {
            Thread.onSpinWait();
        }
    }

    long count() {
        return count.get();
    }

    long totalNanos() {
        return totalNanos.get();
    }

    long maxNanos() {
        return maxNanos.get();
    }
}
