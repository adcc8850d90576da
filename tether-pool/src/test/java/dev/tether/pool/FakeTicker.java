package dev.tether.pool;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when the test says so. */
final class FakeTicker implements Ticker {
    private final AtomicLong now;

    FakeTicker() {
        this(1_000_000_000L);
    }

    /** Starts at {@code origin}: a ticker's origin is arbitrary, and may be negative. */
    FakeTicker(long origin) {
        now = new AtomicLong(origin);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    long now() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    void advanceNanos(long n) {
        now.addAndGet(n);
    }
}
