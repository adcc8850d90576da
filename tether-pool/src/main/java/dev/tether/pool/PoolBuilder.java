package dev.tether.pool;

import dev.tether.pool.internal.PoolParts;
import dev.tether.pool.internal.SharedHousekeeper;

import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Assembles a pool: its policy ({@link PoolConfig}) and its collaborators (listener, ticker,
 * housekeeping, background executor). Only the connector is required. Not thread-safe: one
 * thread builds; each setter replaces the earlier value and returns this builder.
 *
 * @param <K> the key type
 * @param <C> the connection type
 * @param <P> what {@link #build()} returns: a {@link Pool} or a {@link KeyedPool}
 */
public final class PoolBuilder<K, C, P> {
    private final Connector<K, C> connector;
    private final Function<PoolParts<K, C>, P> factory;
    private PoolConfig config = PoolConfig.DEFAULT;
    private PoolListener<K, C> listener = PoolListener.none();
    private Ticker ticker = Ticker.SYSTEM;
    private Housekeeping housekeeping;
    private Executor backgroundExecutor;
    private RandomGenerator random;
    private String kind = "pool";
    private UnaryOperator<PoolView> figures = UnaryOperator.identity();

    PoolBuilder(Connector<K, C> connector, Function<PoolParts<K, C>, P> factory) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.factory = factory;
    }

    /**
     * The pool's policy (default {@link PoolConfig#DEFAULT}).
     *
     * @param config limits, timeouts and expiry
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public PoolBuilder<K, C, P> config(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return this;
    }

    /**
     * Who hears the pool's events (default {@link PoolListener#none()}).
     *
     * @param listener the listener, called on the thread where each event happens
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public PoolBuilder<K, C, P> listener(PoolListener<K, C> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * The source of time (default {@link Ticker#SYSTEM}); tests pass a fake one.
     *
     * @param ticker the pool's only clock
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public PoolBuilder<K, C, P> ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /**
     * Who runs housekeeping (default {@link Housekeeping#shared()}).
     *
     * @param housekeeping who runs the pool's maintenance steps
     * @return this builder
     * @throws NullPointerException if {@code housekeeping} is null
     */
    public PoolBuilder<K, C, P> housekeeping(Housekeeping housekeeping) {
        this.housekeeping = Objects.requireNonNull(housekeeping, "housekeeping");
        return this;
    }

    /**
     * Where opens for min idle and for waiters, and closes decided by housekeeping, run (default:
     * shared daemon threads). A test passes {@code Runnable::run} to keep everything on its thread.
     *
     * @param executor where background opens and closes run; the pool never shuts it down
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public PoolBuilder<K, C, P> backgroundExecutor(Executor executor) {
        this.backgroundExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * The randomness behind lifetime and backoff jitter (default: a fresh {@link Random}); tests
     * and fuzzers pass a seeded one to repeat a run.
     *
     * @param random the source of jitter, used under the pool's lock
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    public PoolBuilder<K, C, P> random(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /**
     * Says what owns the pool, for its JMX bean ({@link PoolConfig#jmx()}) and its logs: a protocol
     * client passes its kind and how it adds what it knows to the pool's {@link PoolView}
     * (learned idle timeouts, retries), so that the one bean shows both. Default: kind
     * {@code pool}, the view as the pool sees it.
     *
     * @param kind    {@code http}, {@code redis}, {@code jdbc}...; not blank
     * @param figures adds the owner's figures to a view, such as {@code v -> v.forClient(...)}
     * @return this builder
     * @throws IllegalArgumentException if {@code kind} is blank
     */
    public PoolBuilder<K, C, P> describedAs(String kind, UnaryOperator<PoolView> figures) {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("kind: " + kind + " (expected: not blank)");
        }
        this.kind = kind;
        this.figures = Objects.requireNonNull(figures, "figures");
        return this;
    }

    /**
     * Builds the pool and registers its JMX bean when {@link PoolConfig#jmx()} is on. It opens no
     * connection until the first acquire (or until housekeeping tops up {@link PoolConfig#minIdle()}
     * for a key that was used).
     *
     * @return the new pool, ready for use
     */
    public P build() {
        return factory.apply(new PoolParts<>(connector, config, listener, ticker,
                housekeeping != null ? housekeeping : Housekeeping.shared(),
                backgroundExecutor != null ? backgroundExecutor : SharedHousekeeper.io(),
                random != null ? random : new Random(), kind, figures));
    }
}
