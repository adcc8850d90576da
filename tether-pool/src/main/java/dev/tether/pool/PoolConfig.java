package dev.tether.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * The pool's policy: limits, timeouts and expiry. Immutable; build one with {@link #builder()} or
 * change a copy with {@link #toBuilder()}. Every value is checked in {@link Builder#build()}, and
 * a bad one fails with a message that names the field, the value and the rule.
 *
 * <p>{@link Duration#ZERO} turns {@code idleTimeout}, {@code maxLifetime} and
 * {@code leakDetectionThreshold} off; for {@code acquireTimeout} it means "do not wait".
 * Immutable and thread-safe.
 */
public final class PoolConfig {

    /** The defaults: see each builder method. */
    public static final PoolConfig DEFAULT = new Builder().build();

    private final String name;
    private final int maxPerKey;
    private final int maxTotal;
    private final int minIdle;
    private final Duration acquireTimeout;
    private final int maxWaiters;
    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final Duration lifetimeJitter;
    private final int maxOpensPerKey;
    private final Duration openTimeout;
    private final Backoff openBackoff;
    private final Duration leakDetectionThreshold;
    private final boolean jmx;

    private PoolConfig(Builder b) {
        this.name = b.name;
        this.maxPerKey = b.maxPerKey;
        this.maxTotal = b.maxTotal;
        this.minIdle = b.minIdle;
        this.acquireTimeout = b.acquireTimeout;
        this.maxWaiters = b.maxWaiters;
        this.idleTimeout = b.idleTimeout;
        this.maxLifetime = b.maxLifetime;
        this.lifetimeJitter = b.lifetimeJitter;
        this.maxOpensPerKey = b.maxOpensPerKey;
        this.openTimeout = b.openTimeout;
        this.openBackoff = b.openBackoff;
        this.leakDetectionThreshold = b.leakDetectionThreshold;
        this.jmx = b.jmx;
    }

    /**
     * Starts a configuration from the defaults.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a configuration from this one.
     *
     * @return a builder holding this configuration's values
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A name for messages and thread names.
     *
     * @return the name (default {@code "pool"})
     */
    public String name() { return name; }

    /**
     * Connections per key: idle, leased and opening together.
     *
     * @return the limit (default 10)
     */
    public int maxPerKey() { return maxPerKey; }

    /**
     * Connections across all keys: idle, leased and opening together.
     *
     * @return the limit (default 100)
     */
    public int maxTotal() { return maxTotal; }

    /**
     * Idle connections per key that housekeeping keeps open (for keys that have been used).
     *
     * @return the count (default 0)
     */
    public int minIdle() { return minIdle; }

    /**
     * How long {@code acquire()} waits at most.
     *
     * @return the wait (default 30 s); ZERO: fail at once when none is free
     */
    public Duration acquireTimeout() { return acquireTimeout; }

    /**
     * How many callers may wait per key; the next one is refused at once.
     *
     * @return the limit (default 1,000)
     */
    public int maxWaiters() { return maxWaiters; }

    /**
     * An idle connection is closed after this long unused.
     *
     * @return the timeout (default 50 s, below common load balancers' 60 s); ZERO: never
     */
    public Duration idleTimeout() { return idleTimeout; }

    /**
     * A connection is closed after this long open (less a random jitter).
     *
     * @return the lifetime (default 30 min); ZERO: never
     */
    public Duration maxLifetime() { return maxLifetime; }

    /**
     * Each connection's lifetime is shortened by a random amount up to this, so a fleet spreads out.
     *
     * @return the jitter (default 1 min), at most half of {@link #maxLifetime()}
     */
    public Duration lifetimeJitter() { return lifetimeJitter; }

    /**
     * How many connections of one key may be opening at the same time.
     *
     * @return the limit (default 2)
     */
    public int maxOpensPerKey() { return maxOpensPerKey; }

    /**
     * How long one open may take at most.
     *
     * @return the timeout (default 10 s)
     */
    public Duration openTimeout() { return openTimeout; }

    /**
     * How long the pool waits before it opens again for a key after opens to it failed in a row.
     *
     * @return the backoff (default {@link Backoff#DEFAULT})
     */
    public Backoff openBackoff() { return openBackoff; }

    /**
     * A lease held longer than this is reported as a likely leak.
     *
     * @return the threshold (default ZERO: never)
     */
    public Duration leakDetectionThreshold() { return leakDetectionThreshold; }

    /**
     * Whether the pool registers a {@link PoolMXBean} with the platform MBean server (default
     * false), as {@code dev.tether:type=Pool,kind=KIND,name=NAME}, for JConsole and
     * {@code tether top}; it is unregistered when the pool closes.
     *
     * @return whether the pool is visible over JMX
     */
    public boolean jmx() { return jmx; }

    @Override
    public String toString() {
        return "PoolConfig{name=" + name + ", maxPerKey=" + maxPerKey + ", maxTotal=" + maxTotal
                + ", minIdle=" + minIdle + ", acquireTimeout=" + acquireTimeout + ", maxWaiters=" + maxWaiters
                + ", idleTimeout=" + idleTimeout + ", maxLifetime=" + maxLifetime
                + ", lifetimeJitter=" + lifetimeJitter + ", maxOpensPerKey=" + maxOpensPerKey
                + ", openTimeout=" + openTimeout + ", openBackoff=" + openBackoff
                + ", leakDetectionThreshold=" + leakDetectionThreshold + ", jmx=" + jmx + '}';
    }

    /**
     * Collects values; {@link #build()} checks them together. Not thread-safe; each setter replaces
     * the earlier value, checks nothing and returns this builder.
     */
    public static final class Builder {
        private String name = "pool";
        private int maxPerKey = 10;
        private int maxTotal = 100;
        private int minIdle = 0;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private int maxWaiters = 1_000;
        // Below the common load-balancer idle timeouts (AWS ALB 60 s, nginx 75 s): the client must
        // give up an idle connection before anything between it and the server does.
        private Duration idleTimeout = Duration.ofSeconds(50);
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration lifetimeJitter = Duration.ofMinutes(1);
        private int maxOpensPerKey = 2;
        private Duration openTimeout = Duration.ofSeconds(10);
        private Backoff openBackoff = Backoff.DEFAULT;
        private Duration leakDetectionThreshold = Duration.ZERO;
        private boolean jmx;

        private Builder() {
        }

        private Builder(PoolConfig c) {
            name = c.name;
            maxPerKey = c.maxPerKey;
            maxTotal = c.maxTotal;
            minIdle = c.minIdle;
            acquireTimeout = c.acquireTimeout;
            maxWaiters = c.maxWaiters;
            idleTimeout = c.idleTimeout;
            maxLifetime = c.maxLifetime;
            lifetimeJitter = c.lifetimeJitter;
            maxOpensPerKey = c.maxOpensPerKey;
            openTimeout = c.openTimeout;
            openBackoff = c.openBackoff;
            leakDetectionThreshold = c.leakDetectionThreshold;
            jmx = c.jmx;
        }

        /**
         * See {@link PoolConfig#name()}.
         *
         * @param name not blank (default {@code "pool"})
         * @return this builder
         */
        public Builder name(String name) { this.name = name; return this; }

        /**
         * See {@link PoolConfig#maxPerKey()}.
         *
         * @param n at least 1 and at most {@code maxTotal} (default 10)
         * @return this builder
         */
        public Builder maxPerKey(int n) { this.maxPerKey = n; return this; }

        /**
         * See {@link PoolConfig#maxTotal()}.
         *
         * @param n at least 1 (default 100)
         * @return this builder
         */
        public Builder maxTotal(int n) { this.maxTotal = n; return this; }

        /**
         * See {@link PoolConfig#minIdle()}.
         *
         * @param n at least 0 and at most {@code maxPerKey} (default 0)
         * @return this builder
         */
        public Builder minIdle(int n) { this.minIdle = n; return this; }

        /**
         * See {@link PoolConfig#acquireTimeout()}.
         *
         * @param d not negative (default 30 s); ZERO: do not wait
         * @return this builder
         */
        public Builder acquireTimeout(Duration d) { this.acquireTimeout = d; return this; }

        /**
         * See {@link PoolConfig#maxWaiters()}.
         *
         * @param n at least 0 (default 1,000); 0: never wait
         * @return this builder
         */
        public Builder maxWaiters(int n) { this.maxWaiters = n; return this; }

        /**
         * See {@link PoolConfig#idleTimeout()}.
         *
         * @param d not negative (default 50 s); ZERO: never
         * @return this builder
         */
        public Builder idleTimeout(Duration d) { this.idleTimeout = d; return this; }

        /**
         * See {@link PoolConfig#maxLifetime()}.
         *
         * @param d not negative (default 30 min); ZERO: never
         * @return this builder
         */
        public Builder maxLifetime(Duration d) { this.maxLifetime = d; return this; }

        /**
         * See {@link PoolConfig#lifetimeJitter()}.
         *
         * @param d not negative and at most half of {@code maxLifetime} (default 1 min)
         * @return this builder
         */
        public Builder lifetimeJitter(Duration d) { this.lifetimeJitter = d; return this; }

        /**
         * See {@link PoolConfig#maxOpensPerKey()}.
         *
         * @param n at least 1 (default 2)
         * @return this builder
         */
        public Builder maxOpensPerKey(int n) { this.maxOpensPerKey = n; return this; }

        /**
         * See {@link PoolConfig#openTimeout()}.
         *
         * @param d positive (default 10 s)
         * @return this builder
         */
        public Builder openTimeout(Duration d) { this.openTimeout = d; return this; }

        /**
         * See {@link PoolConfig#openBackoff()}.
         *
         * @param b not null (default {@link Backoff#DEFAULT}: doubling from 100 ms to 10 s, +-20 %)
         * @return this builder
         */
        public Builder openBackoff(Backoff b) { this.openBackoff = b; return this; }

        /**
         * See {@link PoolConfig#leakDetectionThreshold()}.
         *
         * @param d not negative (default ZERO: never)
         * @return this builder
         */
        public Builder leakDetectionThreshold(Duration d) { this.leakDetectionThreshold = d; return this; }

        /**
         * Registers the pool's {@link PoolMXBean} (default false): opt-in, because an MBean name is
         * JVM-wide and a library must not publish beans an application did not ask for.
         *
         * @param on whether to register it
         * @return this builder
         */
        public Builder jmx(boolean on) { this.jmx = on; return this; }

        /**
         * Checks every value and the rules between them.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the field, the value and the first broken rule
         * @throws NullPointerException     if a {@code Duration} or the backoff is null, naming the field
         */
        public PoolConfig build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: " + quote(name) + " (expected: not blank)");
            }
            atLeast("maxPerKey", maxPerKey, 1);
            atLeast("maxTotal", maxTotal, 1);
            if (maxPerKey > maxTotal) {
                throw new IllegalArgumentException("maxPerKey: " + maxPerKey + " (expected: <= maxTotal " + maxTotal + ")");
            }
            atLeast("minIdle", minIdle, 0);
            if (minIdle > maxPerKey) {
                throw new IllegalArgumentException("minIdle: " + minIdle + " (expected: <= maxPerKey " + maxPerKey + ")");
            }
            atLeast("maxWaiters", maxWaiters, 0);
            atLeast("maxOpensPerKey", maxOpensPerKey, 1);
            notNegative("acquireTimeout", acquireTimeout);
            notNegative("idleTimeout", idleTimeout);
            notNegative("maxLifetime", maxLifetime);
            notNegative("lifetimeJitter", lifetimeJitter);
            positive("openTimeout", openTimeout);
            checkBackoff(openBackoff);
            notNegative("leakDetectionThreshold", leakDetectionThreshold);
            if (!maxLifetime.isZero() && lifetimeJitter.compareTo(maxLifetime.dividedBy(2)) > 0) {
                // A jitter near the lifetime would let connections die right after opening.
                throw new IllegalArgumentException("lifetimeJitter: " + lifetimeJitter
                        + " (expected: <= half of maxLifetime " + maxLifetime + ")");
            }
            return new PoolConfig(this);
        }

        private static void checkBackoff(Backoff b) {
            Objects.requireNonNull(b, "openBackoff: null (expected: a Backoff, such as Backoff.exponential(first, max))");
            if (b instanceof ExponentialBackoff e) {
                if (e.first().isNegative() || e.first().isZero()) {
                    throw new IllegalArgumentException("openBackoff: " + b + " (expected: first > 0)");
                }
                if (e.max().compareTo(e.first()) < 0) {
                    throw new IllegalArgumentException("openBackoff: " + b + " (expected: max >= first)");
                }
            }
        }

        private static void atLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(field + ": " + value + " (expected: >= " + min + ")");
            }
        }

        private static void notNegative(String field, Duration d) {
            Objects.requireNonNull(d, () -> field + ": null (expected: a Duration >= 0)");
            if (d.isNegative()) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: >= 0)");
            }
        }

        private static void positive(String field, Duration d) {
            Objects.requireNonNull(d, () -> field + ": null (expected: a Duration > 0)");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: > 0)");
            }
        }

        private static String quote(String s) {
            return s == null ? "null" : '"' + s + '"';
        }
    }
}
