package dev.tether.http;

import dev.tether.net.ClientLayers;
import dev.tether.net.Resolver;
import dev.tether.net.SocketConfig;
import dev.tether.net.TlsSettings;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Ticker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The client's policy. Immutable; build one with {@link #builder()} or change a copy with
 * {@link #toBuilder()}.
 *
 * <p>The layers below HTTP keep their own configuration, held here whole: the pool's limits and
 * expiry ({@link PoolConfig}: connections per route {@code maxPerKey}, {@code maxTotal},
 * {@code idleTimeout}, {@code acquireTimeout}, {@code maxWaiters}, lifetimes...) and the socket's
 * ({@link SocketConfig}: {@code connectTimeout}, {@code readTimeout}, TCP keepalive timers,
 * buffers). Each is set with the lower layer's own builder and names:
 *
 * <pre>{@code
 * HttpClientConfig.builder()
 *         .pool(p -> p.maxPerKey(20).idleTimeout(Duration.ofSeconds(30)))
 *         .socket(s -> s.connectTimeout(Duration.ofSeconds(2)).keepAliveIdle(Duration.ofSeconds(10)))
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * Only what is HTTP's own lives on this class. {@link Builder#build()} validates each layer once,
 * with that layer's rules, and names the field, the value and the rule of the first bad one
 * (a pool or socket field prefixed {@code pool.} or {@code socket.}); nothing is corrected quietly.
 * Immutable and thread-safe.
 */
public final class HttpClientConfig {

    /** The pool HTTP starts from: {@link PoolConfig#DEFAULT} with HTTP's name and wider limits. */
    public static final PoolConfig DEFAULT_POOL = PoolConfig.builder()
            .name("http")
            .maxPerKey(64)
            .maxTotal(256)
            // Eight callers may queue per connection before one is refused: enough to absorb a
            // burst, few enough that an overloaded route fails fast instead of piling up threads.
            .maxWaiters(2048)
            .build();

    /**
     * Every setting at its default (see each accessor).
     */
    public static final HttpClientConfig DEFAULT = builder().build();

    private final PoolConfig pool;
    private final SocketConfig socket;
    private final Ticker ticker;
    private final Duration requestTimeout;
    private final Duration keepAliveMargin;
    private final double keepAliveMarginRatio;
    private final boolean learnIdleTimeout;
    private final Duration learnedIdleTimeoutTtl;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final boolean allowInsecureRedirects;
    private final java.util.Set<String> sensitiveHeaders;
    private final long maxBodyBytes;
    private final int maxDecompressionRatio;
    private final boolean decompress;
    private final String userAgent;
    private final Headers defaultHeaders;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final Duration expectContinueTimeout;
    private final TlsSettings tls;
    private final Resolver resolver;

    private HttpClientConfig(Builder b, PoolConfig pool, SocketConfig socket) {
        this.pool = pool;
        this.socket = socket;
        ticker = b.ticker;
        requestTimeout = b.requestTimeout;
        keepAliveMargin = b.keepAliveMargin;
        keepAliveMarginRatio = b.keepAliveMarginRatio;
        learnIdleTimeout = b.learnIdleTimeout;
        learnedIdleTimeoutTtl = b.learnedIdleTimeoutTtl;
        followRedirects = b.followRedirects;
        maxRedirects = b.maxRedirects;
        allowInsecureRedirects = b.allowInsecureRedirects;
        sensitiveHeaders = b.sensitiveHeaders;
        maxBodyBytes = b.maxBodyBytes;
        maxDecompressionRatio = b.maxDecompressionRatio;
        decompress = b.decompress;
        userAgent = b.userAgent;
        defaultHeaders = b.defaultHeaders;
        maxHeaderBytes = b.maxHeaderBytes;
        maxHeaderCount = b.maxHeaderCount;
        expectContinueTimeout = b.expectContinueTimeout;
        tls = b.tls;
        resolver = b.resolver;
    }

    /**
     * Starts a configuration from the defaults.
     *
     * @return a new builder
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
     * The pool of each route: limits, waiting, expiry. Its {@code name} is the client's name in messages.
     *
     * @return the pool's policy (default {@link #DEFAULT_POOL})
     */
    public PoolConfig pool() { return pool; }
    /**
     * How sockets are opened and tuned: connect and read timeouts, TCP keepalive, buffers.
     *
     * @return the socket configuration (default {@link SocketConfig#DEFAULT})
     */
    public SocketConfig socket() { return socket; }
    /**
     * The one clock of the client: pool, connections, keep-alive deadlines, learning and request deadlines read it.
     *
     * @return the ticker (default {@link Ticker#SYSTEM})
     */
    public Ticker ticker() { return ticker; }
    /**
     * The whole request (pool wait, connect, send, head and body) must finish within this.
     *
     * @return the timeout (default ZERO: no limit)
     */
    public Duration requestTimeout() { return requestTimeout; }
    /**
     * The smallest margin before a server's idle deadline at which a connection is retired.
     *
     * @return the margin (default 250 ms)
     */
    public Duration keepAliveMargin() { return keepAliveMargin; }
    /**
     * The margin as a share of the server's idle timeout; the larger of the two margins applies.
     *
     * @return the share, at least 0 and below 1 (default 0.10)
     */
    public double keepAliveMarginRatio() { return keepAliveMarginRatio; }
    /**
     * Whether a route learns the server's idle timeout from the idle closes it sees.
     *
     * @return whether it learns (default true)
     */
    public boolean learnIdleTimeout() { return learnIdleTimeout; }
    /**
     * How long one observed idle close counts (so that a raised server timeout is learned again).
     *
     * @return the time (default 10 min); ZERO: for ever
     */
    public Duration learnedIdleTimeoutTtl() { return learnedIdleTimeoutTtl; }
    /**
     * Whether redirects of GET and HEAD (and 303 after any method, as a GET) are followed.
     *
     * @return whether they are (default true)
     */
    public boolean followRedirects() { return followRedirects; }
    /**
     * How many redirects one request follows; a further redirect response is returned to the caller as it is.
     *
     * @return the limit, 0..20 (default 5)
     */
    public int maxRedirects() { return maxRedirects; }
    /**
     * Whether a redirect from https to plain http is followed (refused with a {@link RedirectException} otherwise).
     *
     * @return whether it is (default false)
     */
    public boolean allowInsecureRedirects() { return allowInsecureRedirects; }
    /**
     * Header names (lower case) that carry credentials besides Authorization, Proxy-Authorization,
     * Cookie and the names tether masks by itself: they never cross an origin on a redirect.
     *
     * @return an unmodifiable set of lower-case names (default empty)
     */
    public java.util.Set<String> sensitiveHeaders() { return sensitiveHeaders; }
    /**
     * The largest body {@code HttpResponse.bytes()}, {@code string()} and {@code sendAndRead} take
     * into memory, decoded; a larger one is a {@link ResponseTooLargeException}.
     *
     * @return the size in bytes (default 64 MiB)
     */
    public long maxBodyBytes() { return maxBodyBytes; }
    /**
     * How many times larger than what arrived a decoded (gzip, deflate) body may grow (default
     * 100), past its first MiB: more is a decompression bomb, refused with a {@link ResponseTooLargeException}.
     *
     * @return the ratio, at least 1 (default 100)
     */
    public int maxDecompressionRatio() { return maxDecompressionRatio; }
    /**
     * Whether gzip and deflate bodies are decoded when the caller did not set Accept-Encoding itself.
     *
     * @return whether they are (default true)
     */
    public boolean decompress() { return decompress; }
    /**
     * The User-Agent sent when a request sets none.
     *
     * @return the value (default {@code tether-http/0.1}); null: none is sent
     */
    public String userAgent() { return userAgent; }
    /**
     * Headers added to every request that does not set the same name.
     *
     * @return the headers (default none)
     */
    public Headers defaultHeaders() { return defaultHeaders; }
    /**
     * The largest header section (status line, fields, line ends) accepted; also bounds trailers. A larger one is a protocol failure.
     *
     * @return the size in bytes, at least 1,024 (default 64 KiB)
     */
    public int maxHeaderBytes() { return maxHeaderBytes; }
    /**
     * The most header fields a response may have; more is a protocol failure.
     *
     * @return the count, at least 1 (default 128)
     */
    public int maxHeaderCount() { return maxHeaderCount; }
    /**
     * How long to wait for {@code 100 Continue} before sending the body anyway.
     *
     * @return the timeout, 1 ms to {@link Integer#MAX_VALUE} ms (default 1 s)
     */
    public Duration expectContinueTimeout() { return expectContinueTimeout; }
    /**
     * TLS for https routes.
     *
     * @return the settings (default {@link TlsSettings#DEFAULT})
     */
    public TlsSettings tls() { return tls; }
    /**
     * How host names become addresses.
     *
     * @return the resolver (default {@link Resolver#SYSTEM})
     */
    public Resolver resolver() { return resolver; }

    @Override
    public String toString() {
        return "HttpClientConfig{pool=" + pool + ", socket=" + socket + ", requestTimeout=" + requestTimeout
                + ", keepAliveMargin=" + keepAliveMargin + ", keepAliveMarginRatio=" + keepAliveMarginRatio
                + ", learnIdleTimeout=" + learnIdleTimeout + ", learnedIdleTimeoutTtl=" + learnedIdleTimeoutTtl
                + ", followRedirects=" + followRedirects + ", maxRedirects=" + maxRedirects
                + ", allowInsecureRedirects=" + allowInsecureRedirects + ", maxBodyBytes=" + maxBodyBytes
                + ", maxDecompressionRatio=" + maxDecompressionRatio + ", decompress=" + decompress
                + ", userAgent=" + userAgent + ", maxHeaderBytes=" + maxHeaderBytes + ", maxHeaderCount=" + maxHeaderCount
                + ", expectContinueTimeout=" + expectContinueTimeout + '}';
    }

    /** Collects values; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private PoolConfig.Builder pool = DEFAULT_POOL.toBuilder();
        private SocketConfig.Builder socket = SocketConfig.DEFAULT.toBuilder();
        private Ticker ticker = Ticker.SYSTEM;
        private Duration requestTimeout = Duration.ZERO;
        private Duration keepAliveMargin = Duration.ofMillis(250);
        private double keepAliveMarginRatio = 0.10;
        private boolean learnIdleTimeout = true;
        private Duration learnedIdleTimeoutTtl = Duration.ofMinutes(10);
        private boolean followRedirects = true;
        private int maxRedirects = 5;
        private boolean allowInsecureRedirects;
        private java.util.Set<String> sensitiveHeaders = java.util.Set.of();
        private long maxBodyBytes = 64L * 1024 * 1024;
        private int maxDecompressionRatio = 100;
        private boolean decompress = true;
        private String userAgent = "tether-http/0.1";
        private Headers defaultHeaders = Headers.EMPTY;
        private int maxHeaderBytes = 64 * 1024;
        private int maxHeaderCount = 128;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private TlsSettings tls = TlsSettings.DEFAULT;
        private Resolver resolver = Resolver.SYSTEM;

        private Builder() {
        }

        private Builder(HttpClientConfig c) {
            pool = c.pool.toBuilder();
            socket = c.socket.toBuilder();
            ticker = c.ticker;
            requestTimeout = c.requestTimeout;
            keepAliveMargin = c.keepAliveMargin;
            keepAliveMarginRatio = c.keepAliveMarginRatio;
            learnIdleTimeout = c.learnIdleTimeout;
            learnedIdleTimeoutTtl = c.learnedIdleTimeoutTtl;
            followRedirects = c.followRedirects;
            maxRedirects = c.maxRedirects;
            allowInsecureRedirects = c.allowInsecureRedirects;
            sensitiveHeaders = c.sensitiveHeaders;
            maxBodyBytes = c.maxBodyBytes;
            maxDecompressionRatio = c.maxDecompressionRatio;
            decompress = c.decompress;
            userAgent = c.userAgent;
            defaultHeaders = c.defaultHeaders;
            maxHeaderBytes = c.maxHeaderBytes;
            maxHeaderCount = c.maxHeaderCount;
            expectContinueTimeout = c.expectContinueTimeout;
            tls = c.tls;
            resolver = c.resolver;
        }

        /**
         * Replaces the pool settings (later {@link #pool(Consumer)} calls change them further).
         *
         * @param config the pool's policy
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder pool(PoolConfig config) {
            pool = Objects.requireNonNull(config, "pool").toBuilder();
            return this;
        }

        /**
         * Changes pool settings with the pool's own builder: {@code .pool(p -> p.maxPerKey(20).idleTimeout(...))}.
         * The values are checked in {@link #build()}.
         *
         * @param change edits the pool's builder
         * @return this builder
         */
        public Builder pool(Consumer<PoolConfig.Builder> change) {
            change.accept(pool);
            return this;
        }

        /**
         * Replaces the socket settings (later {@link #socket(Consumer)} calls change them further).
         *
         * @param config the socket configuration
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder socket(SocketConfig config) {
            socket = Objects.requireNonNull(config, "socket").toBuilder();
            return this;
        }

        /**
         * Changes socket settings with the socket's own builder: {@code .socket(s -> s.readTimeout(...))}.
         * The values are checked in {@link #build()}.
         *
         * @param change edits the socket's builder
         * @return this builder
         */
        public Builder socket(Consumer<SocketConfig.Builder> change) {
            change.accept(socket);
            return this;
        }

        /**
         * The client's clock; tests pass a fake one and move it.
         *
         * @param v the clock (default {@link Ticker#SYSTEM})
         * @return this builder
         */
        public Builder ticker(Ticker v) { ticker = v; return this; }
        /**
         * See {@link HttpClientConfig#requestTimeout()}.
         *
         * @param v not negative (default ZERO: no limit)
         * @return this builder
         */
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        /**
         * See {@link HttpClientConfig#keepAliveMargin()}.
         *
         * @param v not negative (default 250 ms)
         * @return this builder
         */
        public Builder keepAliveMargin(Duration v) { keepAliveMargin = v; return this; }
        /**
         * See {@link HttpClientConfig#keepAliveMarginRatio()}.
         *
         * @param v at least 0 and below 1 (default 0.10)
         * @return this builder
         */
        public Builder keepAliveMarginRatio(double v) { keepAliveMarginRatio = v; return this; }
        /**
         * See {@link HttpClientConfig#learnIdleTimeout()}.
         *
         * @param v whether to learn (default true)
         * @return this builder
         */
        public Builder learnIdleTimeout(boolean v) { learnIdleTimeout = v; return this; }
        /**
         * See {@link HttpClientConfig#learnedIdleTimeoutTtl()}.
         *
         * @param v not negative (default 10 min); ZERO: for ever
         * @return this builder
         */
        public Builder learnedIdleTimeoutTtl(Duration v) { learnedIdleTimeoutTtl = v; return this; }
        /**
         * See {@link HttpClientConfig#followRedirects()}.
         *
         * @param v whether to follow (default true)
         * @return this builder
         */
        public Builder followRedirects(boolean v) { followRedirects = v; return this; }
        /**
         * See {@link HttpClientConfig#maxRedirects()}.
         *
         * @param v 0..20 (default 5)
         * @return this builder
         */
        public Builder maxRedirects(int v) { maxRedirects = v; return this; }
        /**
         * See {@link HttpClientConfig#allowInsecureRedirects()}.
         *
         * @param v whether to follow https to http (default false)
         * @return this builder
         */
        public Builder allowInsecureRedirects(boolean v) { allowInsecureRedirects = v; return this; }
        /**
         * Marks these header names as credentials (see {@link HttpClientConfig#sensitiveHeaders()}); replaces
         * an earlier call's names.
         *
         * @param names header names, any case
         * @return this builder
         * @throws IllegalArgumentException if a name is not an RFC 9110 token
         */
        public Builder sensitiveHeaders(String... names) {
            java.util.Set<String> set = new java.util.HashSet<>();
            for (String n : names) {
                Headers.checkName(n);
                set.add(n.toLowerCase(java.util.Locale.ROOT));
            }
            sensitiveHeaders = java.util.Set.copyOf(set);
            return this;
        }
        /**
         * See {@link HttpClientConfig#maxBodyBytes()}.
         *
         * @param v bytes, 1 to {@code Integer.MAX_VALUE - 16} (default 64 MiB)
         * @return this builder
         */
        public Builder maxBodyBytes(long v) { maxBodyBytes = v; return this; }
        /**
         * See {@link HttpClientConfig#maxDecompressionRatio()}.
         *
         * @param v at least 1 (default 100)
         * @return this builder
         */
        public Builder maxDecompressionRatio(int v) { maxDecompressionRatio = v; return this; }
        /**
         * See {@link HttpClientConfig#decompress()}.
         *
         * @param v whether to decode (default true)
         * @return this builder
         */
        public Builder decompress(boolean v) { decompress = v; return this; }
        /**
         * See {@link HttpClientConfig#userAgent()}.
         *
         * @param v visible ASCII (default {@code tether-http/0.1}); null: none
         * @return this builder
         */
        public Builder userAgent(String v) { userAgent = v; return this; }
        /**
         * See {@link HttpClientConfig#defaultHeaders()}.
         *
         * @param v not null (default {@link Headers#EMPTY})
         * @return this builder
         */
        public Builder defaultHeaders(Headers v) { defaultHeaders = v; return this; }
        /**
         * See {@link HttpClientConfig#maxHeaderBytes()}.
         *
         * @param v bytes, at least 1,024 (default 64 KiB)
         * @return this builder
         */
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        /**
         * See {@link HttpClientConfig#maxHeaderCount()}.
         *
         * @param v at least 1 (default 128)
         * @return this builder
         */
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        /**
         * See {@link HttpClientConfig#expectContinueTimeout()}.
         *
         * @param v 1 ms to {@link Integer#MAX_VALUE} ms (default 1 s)
         * @return this builder
         */
        public Builder expectContinueTimeout(Duration v) { expectContinueTimeout = v; return this; }
        /**
         * See {@link HttpClientConfig#tls()}.
         *
         * @param v not null (default {@link TlsSettings#DEFAULT})
         * @return this builder
         */
        public Builder tls(TlsSettings v) { tls = v; return this; }
        /**
         * See {@link HttpClientConfig#resolver()}.
         *
         * @param v not null (default {@link Resolver#SYSTEM})
         * @return this builder
         */
        public Builder resolver(Resolver v) { resolver = v; return this; }

        /**
         * Checks every value, the pool's and the socket's included, and builds the configuration.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the first bad field (prefixed {@code pool.} or {@code socket.} for those layers), its value and the rule
         * @throws NullPointerException if the ticker, default headers, TLS settings or resolver is null, naming it
         */
        public HttpClientConfig build() {
            ClientLayers layers = ClientLayers.build(pool, socket);
            PoolConfig p = layers.pool();
            SocketConfig s = layers.socket();
            Objects.requireNonNull(ticker, "ticker: null (expected: a Ticker, Ticker.SYSTEM by default)");
            notNegative("requestTimeout", requestTimeout);
            notNegative("keepAliveMargin", keepAliveMargin);
            notNegative("learnedIdleTimeoutTtl", learnedIdleTimeoutTtl);
            if (expectContinueTimeout == null || expectContinueTimeout.compareTo(Duration.ofMillis(1)) < 0
                    || expectContinueTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("expectContinueTimeout: " + expectContinueTimeout
                        + " (expected: >= 1 ms and <= " + Integer.MAX_VALUE + " ms)");
            }
            if (!(keepAliveMarginRatio >= 0 && keepAliveMarginRatio < 1)) {
                throw new IllegalArgumentException("keepAliveMarginRatio: " + keepAliveMarginRatio + " (expected: >= 0 and < 1)");
            }
            if (maxRedirects < 0 || maxRedirects > 20) {
                throw new IllegalArgumentException("maxRedirects: " + maxRedirects + " (expected: 0..20)");
            }
            if (maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
            }
            if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: 1.." + (Integer.MAX_VALUE - 16)
                        + "; stream a larger body with HttpResponse.body())");
            }
            if (maxDecompressionRatio < 1) {
                throw new IllegalArgumentException("maxDecompressionRatio: " + maxDecompressionRatio + " (expected: >= 1)");
            }
            if (maxHeaderCount < 1) {
                throw new IllegalArgumentException("maxHeaderCount: " + maxHeaderCount + " (expected: >= 1)");
            }
            if (userAgent != null) {
                Headers.checkValue("userAgent", userAgent);
            }
            Objects.requireNonNull(defaultHeaders, "defaultHeaders: null (expected: Headers, possibly Headers.EMPTY)");
            Objects.requireNonNull(tls, "tls: null (expected: TlsSettings)");
            Objects.requireNonNull(resolver, "resolver: null (expected: a Resolver)");
            return new HttpClientConfig(this, p, s);
        }

        private static void notNegative(String field, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: a Duration >= 0)");
            }
        }
    }
}
