package dev.tether.pool;

import dev.tether.pool.internal.Nanos;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** {@link Backoff#exponential}: a record so that {@link PoolConfig} can check its bounds and print it. */
record ExponentialBackoff(Duration first, Duration max) implements Backoff {

    ExponentialBackoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
    }

    @Override
    public Duration delay(int failures, RandomGenerator random) {
        long maxNanos = Nanos.saturated(max);
        long step = Nanos.saturated(first);
        for (int i = 1; i < failures && step < maxNanos; i++) {
            step = step > maxNanos / 2 ? maxNanos : step * 2;
        }
        long spread = step / 5; // +-20 %
        long low = step - spread;
        long jitter = spread > 0 ? random.nextLong(2 * spread + 1) : 0;
        return Duration.ofNanos(jitter > Long.MAX_VALUE - low ? Long.MAX_VALUE : low + jitter);
    }

    @Override
    public String toString() {
        return "Backoff.exponential(" + first + ", " + max + ")";
    }
}
