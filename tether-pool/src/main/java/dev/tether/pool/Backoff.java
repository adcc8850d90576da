package dev.tether.pool;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a pool waits before it opens a connection to a key again, after opens to that key
 * failed in a row. Only the timing: the pool keeps the count, retries for waiters and for min
 * idle when the wait is over, and starts counting afresh after a success.
 *
 * <p>The pool asks once per failure, under its lock: an implementation must be quick, must not
 * block, and should depend only on its arguments (one instance may serve several pools at once,
 * so it must be thread-safe). Set it with
 * {@link PoolConfig.Builder#openBackoff(Backoff)}.
 */
@FunctionalInterface
public interface Backoff {

    /** The default: {@code exponential(100 ms, 10 s)}. */
    Backoff DEFAULT = exponential(Duration.ofMillis(100), Duration.ofSeconds(10));

    /**
     * The wait before the next open to the key.
     *
     * @param failures opens to the key that failed in a row: 1 after the first failure
     * @param random   the pool's source of randomness (the builder's, so seeded in tests), for jitter
     * @return how long no open starts; zero or less means at once
     */
    Duration delay(int failures, RandomGenerator random);

    /**
     * {@code first} after the first failure, doubling with each further one up to {@code max}; each
     * wait is spread by up to 20 % either way at random, so that pools that failed together do not
     * retry together. {@link PoolConfig.Builder#build()} checks {@code first > 0} and
     * {@code max >= first}.
     *
     * @param first the wait after the first failure; must be positive
     * @param max   the longest wait, however many failures follow; must be at least {@code first}
     * @return an immutable, thread-safe backoff
     * @throws NullPointerException if {@code first} or {@code max} is null
     */
    static Backoff exponential(Duration first, Duration max) {
        return new ExponentialBackoff(first, max);
    }
}
