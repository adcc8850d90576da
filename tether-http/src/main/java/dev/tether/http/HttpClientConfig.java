package dev.tether.http;

import dev.tether.net.Resolver;
import dev.tether.net.SocketConfig;
import dev.tether.net.TlsSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * The client's policy: timeouts, pool limits, keep-alive margins, redirects, decoding, limits on
 * what a server may send. Immutable; build one with {@link #builder()} or change a copy with
 * {@link #toBuilder()}. {@link Builder#build()} checks every value and names the field, the value
 * and the rule of the first bad one; nothing is corrected quietly.
 */
public final class HttpClientConfig {

    public static final HttpClientConfig DEFAULT = builder().build();

    private final String name;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration requestTimeout;
    private final Duration acquireTimeout;
    private final int maxPerRoute;
    private final int maxTotal;
    private final Duration maxIdleTime;
    private final Duration maxLifetime;
    private final Duration lifetimeJitter;
    private final Duration keepAliveMargin;
    private final double keepAliveMarginRatio;
    private final boolean learnIdleTimeout;
    private final Duration learnedIdleTimeoutTtl;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final boolean decompress;
    private final String userAgent;
    private final Headers defaultHeaders;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final Duration expectContinueTimeout;
    private final TlsSettings tls;
    private final Resolver resolver;
    private final SocketConfig socketConfig;
    private final Duration leakDetectionThreshold;

    private HttpClientConfig(Builder b) {
        name = b.name;
        connectTimeout = b.connectTimeout;
        readTimeout = b.readTimeout;
        requestTimeout = b.requestTimeout;
        acquireTimeout = b.acquireTimeout;
        maxPerRoute = b.maxPerRoute;
        maxTotal = b.maxTotal;
        maxIdleTime = b.maxIdleTime;
        maxLifetime = b.maxLifetime;
        lifetimeJitter = b.lifetimeJitter;
        keepAliveMargin = b.keepAliveMargin;
        keepAliveMarginRatio = b.keepAliveMarginRatio;
        learnIdleTimeout = b.learnIdleTimeout;
        learnedIdleTimeoutTtl = b.learnedIdleTimeoutTtl;
        followRedirects = b.followRedirects;
        maxRedirects = b.maxRedirects;
        decompress = b.decompress;
        userAgent = b.userAgent;
        defaultHeaders = b.defaultHeaders;
        maxHeaderBytes = b.maxHeaderBytes;
        maxHeaderCount = b.maxHeaderCount;
        expectContinueTimeout = b.expectContinueTimeout;
        tls = b.tls;
        resolver = b.resolver;
        socketConfig = SocketConfig.DEFAULT.toBuilder().connectTimeout(connectTimeout).readTimeout(readTimeout).build();
        leakDetectionThreshold = b.leakDetectionThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A name for messages and the pool. */
    public String name() { return name; }
    /** Resolving, connecting and the TLS handshake, together. */
    public Duration connectTimeout() { return connectTimeout; }
    /** The longest wait for the next byte of a response. */
    public Duration readTimeout() { return readTimeout; }
    /** The whole request (pool wait, connect, send, head and body) must finish within this; ZERO: no limit. */
    public Duration requestTimeout() { return requestTimeout; }
    /** The longest wait for a pooled connection when the route is at its limit. */
    public Duration acquireTimeout() { return acquireTimeout; }
    public int maxPerRoute() { return maxPerRoute; }
    public int maxTotal() { return maxTotal; }
    /** The client closes a connection idle this long, whatever the server says; below load balancers' 60 s. */
    public Duration maxIdleTime() { return maxIdleTime; }
    public Duration maxLifetime() { return maxLifetime; }
    public Duration lifetimeJitter() { return lifetimeJitter; }
    /** The smallest margin before a server's idle deadline at which a connection is retired. */
    public Duration keepAliveMargin() { return keepAliveMargin; }
    /** The margin as a share of the server's idle timeout; the larger of the two margins applies. */
    public double keepAliveMarginRatio() { return keepAliveMarginRatio; }
    /** Whether a route learns the server's idle timeout from the idle closes it sees. */
    public boolean learnIdleTimeout() { return learnIdleTimeout; }
    /** How long one observed idle close counts (so that a raised server timeout is learned again). */
    public Duration learnedIdleTimeoutTtl() { return learnedIdleTimeoutTtl; }
    /** Whether redirects of GET and HEAD (and 303 after any method, as a GET) are followed. */
    public boolean followRedirects() { return followRedirects; }
    public int maxRedirects() { return maxRedirects; }
    /** Whether gzip and deflate bodies are decoded when the caller did not set Accept-Encoding itself. */
    public boolean decompress() { return decompress; }
    public String userAgent() { return userAgent; }
    /** Headers added to every request that does not set the same name. */
    public Headers defaultHeaders() { return defaultHeaders; }
    /** The largest header section (status line, fields, line ends) accepted; also bounds trailers. */
    public int maxHeaderBytes() { return maxHeaderBytes; }
    public int maxHeaderCount() { return maxHeaderCount; }
    /** How long to wait for {@code 100 Continue} before sending the body anyway. */
    public Duration expectContinueTimeout() { return expectContinueTimeout; }
    /** TLS for https routes. */
    public TlsSettings tls() { return tls; }
    public Resolver resolver() { return resolver; }
    /** The socket settings derived from the timeouts (TCP keepalive on, short timers). */
    public SocketConfig socketConfig() { return socketConfig; }
    /** A response held open longer than this is reported as a likely leak; ZERO: never. */
    public Duration leakDetectionThreshold() { return leakDetectionThreshold; }

    @Override
    public String toString() {
        return "HttpClientConfig{name=" + name + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", requestTimeout=" + requestTimeout + ", acquireTimeout=" + acquireTimeout + ", maxPerRoute=" + maxPerRoute
                + ", maxTotal=" + maxTotal + ", maxIdleTime=" + maxIdleTime + ", maxLifetime=" + maxLifetime
                + ", keepAliveMargin=" + keepAliveMargin + ", keepAliveMarginRatio=" + keepAliveMarginRatio
                + ", learnIdleTimeout=" + learnIdleTimeout + ", followRedirects=" + followRedirects
                + ", maxRedirects=" + maxRedirects + ", decompress=" + decompress + ", userAgent=" + userAgent + '}';
    }

    public static final class Builder {
        private String name = "http";
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ZERO;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private int maxPerRoute = 64;
        private int maxTotal = 256;
        // Below the common load-balancer idle timeouts (AWS ALB 60 s, nginx 75 s).
        private Duration maxIdleTime = Duration.ofSeconds(50);
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration lifetimeJitter = Duration.ofMinutes(1);
        private Duration keepAliveMargin = Duration.ofMillis(250);
        private double keepAliveMarginRatio = 0.10;
        private boolean learnIdleTimeout = true;
        private Duration learnedIdleTimeoutTtl = Duration.ofMinutes(10);
        private boolean followRedirects = true;
        private int maxRedirects = 5;
        private boolean decompress = true;
        private String userAgent = "tether-http/0.1";
        private Headers defaultHeaders = Headers.EMPTY;
        private int maxHeaderBytes = 64 * 1024;
        private int maxHeaderCount = 128;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private TlsSettings tls = TlsSettings.DEFAULT;
        private Resolver resolver = Resolver.SYSTEM;
        private Duration leakDetectionThreshold = Duration.ZERO;

        private Builder() {
        }

        private Builder(HttpClientConfig c) {
            name = c.name;
            connectTimeout = c.connectTimeout;
            readTimeout = c.readTimeout;
            requestTimeout = c.requestTimeout;
            acquireTimeout = c.acquireTimeout;
            maxPerRoute = c.maxPerRoute;
            maxTotal = c.maxTotal;
            maxIdleTime = c.maxIdleTime;
            maxLifetime = c.maxLifetime;
            lifetimeJitter = c.lifetimeJitter;
            keepAliveMargin = c.keepAliveMargin;
            keepAliveMarginRatio = c.keepAliveMarginRatio;
            learnIdleTimeout = c.learnIdleTimeout;
            learnedIdleTimeoutTtl = c.learnedIdleTimeoutTtl;
            followRedirects = c.followRedirects;
            maxRedirects = c.maxRedirects;
            decompress = c.decompress;
            userAgent = c.userAgent;
            defaultHeaders = c.defaultHeaders;
            maxHeaderBytes = c.maxHeaderBytes;
            maxHeaderCount = c.maxHeaderCount;
            expectContinueTimeout = c.expectContinueTimeout;
            tls = c.tls;
            resolver = c.resolver;
            leakDetectionThreshold = c.leakDetectionThreshold;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder acquireTimeout(Duration v) { acquireTimeout = v; return this; }
        public Builder maxPerRoute(int v) { maxPerRoute = v; return this; }
        public Builder maxTotal(int v) { maxTotal = v; return this; }
        public Builder maxIdleTime(Duration v) { maxIdleTime = v; return this; }
        public Builder maxLifetime(Duration v) { maxLifetime = v; return this; }
        public Builder lifetimeJitter(Duration v) { lifetimeJitter = v; return this; }
        public Builder keepAliveMargin(Duration v) { keepAliveMargin = v; return this; }
        public Builder keepAliveMarginRatio(double v) { keepAliveMarginRatio = v; return this; }
        public Builder learnIdleTimeout(boolean v) { learnIdleTimeout = v; return this; }
        public Builder learnedIdleTimeoutTtl(Duration v) { learnedIdleTimeoutTtl = v; return this; }
        public Builder followRedirects(boolean v) { followRedirects = v; return this; }
        public Builder maxRedirects(int v) { maxRedirects = v; return this; }
        public Builder decompress(boolean v) { decompress = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        public Builder defaultHeaders(Headers v) { defaultHeaders = v; return this; }
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder expectContinueTimeout(Duration v) { expectContinueTimeout = v; return this; }
        public Builder tls(TlsSettings v) { tls = v; return this; }
        public Builder resolver(Resolver v) { resolver = v; return this; }
        public Builder leakDetectionThreshold(Duration v) { leakDetectionThreshold = v; return this; }

        public HttpClientConfig build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: " + (name == null ? "null" : "\"" + name + "\"") + " (expected: not blank)");
            }
            atLeastMillis("connectTimeout", connectTimeout);
            atLeastMillis("readTimeout", readTimeout);
            notNegative("requestTimeout", requestTimeout);
            notNegative("acquireTimeout", acquireTimeout);
            notNegative("maxIdleTime", maxIdleTime);
            notNegative("maxLifetime", maxLifetime);
            notNegative("lifetimeJitter", lifetimeJitter);
            notNegative("keepAliveMargin", keepAliveMargin);
            notNegative("learnedIdleTimeoutTtl", learnedIdleTimeoutTtl);
            atLeastMillis("expectContinueTimeout", expectContinueTimeout);
            notNegative("leakDetectionThreshold", leakDetectionThreshold);
            if (!(keepAliveMarginRatio >= 0 && keepAliveMarginRatio < 1)) {
                throw new IllegalArgumentException("keepAliveMarginRatio: " + keepAliveMarginRatio + " (expected: >= 0 and < 1)");
            }
            if (maxPerRoute < 1) {
                throw new IllegalArgumentException("maxPerRoute: " + maxPerRoute + " (expected: >= 1)");
            }
            if (maxTotal < maxPerRoute) {
                throw new IllegalArgumentException("maxTotal: " + maxTotal + " (expected: >= maxPerRoute " + maxPerRoute + ")");
            }
            if (maxRedirects < 0 || maxRedirects > 20) {
                throw new IllegalArgumentException("maxRedirects: " + maxRedirects + " (expected: 0..20)");
            }
            if (maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
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
            if (!maxLifetime.isZero() && lifetimeJitter.compareTo(maxLifetime.dividedBy(2)) > 0) {
                throw new IllegalArgumentException("lifetimeJitter: " + lifetimeJitter + " (expected: <= half of maxLifetime " + maxLifetime + ")");
            }
            return new HttpClientConfig(this);
        }

        private static void notNegative(String field, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: a Duration >= 0)");
            }
        }

        private static void atLeastMillis(String field, Duration d) {
            if (d == null || d.compareTo(Duration.ofMillis(1)) < 0 || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: >= 1 ms and <= " + Integer.MAX_VALUE + " ms)");
            }
        }
    }
}
