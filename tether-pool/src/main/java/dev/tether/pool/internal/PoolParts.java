package dev.tether.pool.internal;

import dev.tether.pool.Connector;
import dev.tether.pool.Housekeeping;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolView;
import dev.tether.pool.Ticker;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * What {@link dev.tether.pool.PoolBuilder} hands the engine: the policy and the collaborators, with
 * the builder's defaults already applied. Public only because the builder lives in the API package;
 * this package is not exported.
 */
public record PoolParts<K, C>(Connector<K, C> connector, PoolConfig config, PoolListener<K, C> listener,
                              Ticker ticker, Housekeeping housekeeping, Executor backgroundExecutor,
                              RandomGenerator random, String kind, UnaryOperator<PoolView> figures) {
    public PoolParts {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(housekeeping, "housekeeping");
        Objects.requireNonNull(backgroundExecutor, "backgroundExecutor");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(figures, "figures");
    }
}
