package dev.tether.http;

import dev.tether.http.internal.Exchange;
import dev.tether.http.internal.HttpConnection;
import dev.tether.http.internal.HttpConnector;
import dev.tether.http.internal.ResponseHead;
import dev.tether.http.internal.RouteState;
import dev.tether.net.Connection;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import dev.tether.net.IdleClose;
import dev.tether.net.PeerSignal;
import dev.tether.net.TcpConnector;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolOpenException;
import dev.tether.pool.PoolStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blocking HTTP/1.1 client with one keep-alive pool per route. Build one per application and
 * share it; it is thread-safe. {@link #send} follows these steps:
 *
 * <ol>
 *   <li>Check the request, add Host, User-Agent, Accept-Encoding (when decoding is on and the
 *       caller set none), the default headers and the framing header of the body.</li>
 *   <li>Lease a connection for the route: a pooled one the idle watcher and the lease-time check
 *       consider alive and whose idle deadline (advertised or learned timeout, less a margin) has
 *       not passed, or a new one.</li>
 *   <li>Run the exchange. If it fails, decide from the failure's facts alone whether to send it
 *       again, once, on a fresh connection outside the pool: only when the connection had been
 *       reused, no response byte had arrived, no read timeout ran out, and either no request byte
 *       had been written or the request may be repeated (idempotent method, Idempotency-Key header
 *       or the caller's flag) with a replayable body. Otherwise the failure is rethrown with what
 *       happened to the request: not sent, or possibly applied.</li>
 *   <li>Follow redirects of GET and HEAD (and a 303 as a GET) up to the limit; a POST is never
 *       sent again by a redirect.</li>
 * </ol>
 */
public final class HttpClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpClient.class);

    private final HttpClientConfig config;
    private final HttpConnector connector;
    private final KeyedPool<Endpoint, HttpConnection> pool;
    private final ConcurrentHashMap<Route, RouteState> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Endpoint, RouteState> byEndpoint = new ConcurrentHashMap<>();

    private HttpClient(HttpClientConfig config) {
        this.config = config;
        TcpConnector tcp = TcpConnector.builder()
                .socketConfig(config.socketConfig())
                .resolver(config.resolver())
                .idleCloseListener(this::peerClosedIdle)
                .build();
        this.connector = new HttpConnector(tcp);
        PoolConfig pc = PoolConfig.builder()
                .name(config.name())
                .maxPerKey(config.maxPerRoute())
                .maxTotal(config.maxTotal())
                .acquireTimeout(config.acquireTimeout())
                .maxWaiters(Math.max(1_000, config.maxTotal() * 8))
                .idleTimeout(config.maxIdleTime())
                .maxLifetime(config.maxLifetime())
                .lifetimeJitter(config.lifetimeJitter())
                .openTimeout(config.connectTimeout())
                .leakDetectionThreshold(config.leakDetectionThreshold())
                .build();
        this.pool = KeyedPool.builder(connector).config(pc).listener(new Listener()).build();
    }

    public static HttpClient create() {
        return new HttpClient(HttpClientConfig.DEFAULT);
    }

    public static HttpClient create(HttpClientConfig config) {
        return new HttpClient(config);
    }

    public HttpClientConfig config() {
        return config;
    }

    /**
     * Sends {@code request} and returns the response once its head has arrived; read or close its
     * body. Failures of the connection are {@link ConnectionFailure}s whose message says what
     * happened on the wire, whether the request may have been applied, and why tether did or did
     * not retry; {@link #mayHaveBeenApplied} gives the same answer as a boolean. Waiting for a
     * pooled connection can also end in the pool's own exceptions (timeout, too many waiters).
     */
    public HttpResponse send(HttpRequest request) throws IOException {
        Duration timeout = request.timeout() != null ? request.timeout()
                : config.requestTimeout().isZero() ? null : config.requestTimeout();
        long deadline = 0;
        if (timeout != null) {
            deadline = System.nanoTime() + timeout.toNanos();
            if (deadline == 0) {
                deadline = 1;
            }
        }
        HttpRequest current = request;
        for (int hops = 0; ; hops++) {
            HttpResponse r = sendOnce(current, deadline, timeout);
            HttpRequest next = hops < config.maxRedirects() ? followUp(current, r) : null;
            if (next == null) {
                return r;
            }
            r.close();
            current = next;
        }
    }

    /** Whether the server may have applied a request that failed so: some of its bytes were written. */
    public static boolean mayHaveBeenApplied(ConnectionFailure failure) {
        return !failure.duringOpen() && failure.requestBytesWritten() > 0;
    }

    private HttpResponse sendOnce(HttpRequest req, long deadline, Duration timeout) throws IOException {
        Route route = Route.of(req.uri());
        RouteState rs = routeState(route);
        boolean decode = config.decompress() && !req.headers().contains("Accept-Encoding") && !req.method().equals("HEAD");
        Headers headers = wireHeaders(req, route, decode);
        String target = target(req.uri());
        ConnectionFailure first = null;
        for (int attempt = 0; ; attempt++) {
            Lease<HttpConnection> lease = null;
            HttpConnection hc;
            if (attempt == 0) {
                lease = acquire(rs, deadline);
                hc = lease.get();
            } else {
                try {
                    hc = connector.openFresh(rs.endpoint(), deadline);
                } catch (ConnectionFailure f) {
                    f.addSuppressed(first);
                    throw f;
                }
            }
            Exchange ex = new Exchange(config, rs, lease, hc, connector);
            try {
                ResponseHead head = ex.execute(req.method(), target, headers, req.body(), req.expectContinue(), deadline, timeout);
                rs.requests.incrementAndGet();
                return new HttpResponse(req, head.minorVersion(), head.status(), head.reason(), head.headers(), ex, decode);
            } catch (ConnectionFailure f) {
                if (attempt == 0 && mayRetry(req, f)) {
                    rs.retries.incrementAndGet();
                    log.debug("{} {}: retrying once on a fresh connection after: {}", req.method(), req.uri(), f.getMessage());
                    first = f;
                    continue;
                }
                throw explain(req, f, first);
            }
        }
    }

    /** The retry rule, from the failure's facts only (see the class comment). */
    static boolean mayRetry(HttpRequest req, ConnectionFailure f) {
        if (f.duringOpen() || !f.wasReused() || f.responseStarted() || f.kind() == Kind.READ_TIMEOUT
                || f.kind() == Kind.PROTOCOL) {
            return false;
        }
        if (f.requestBytesWritten() == 0) {
            return true; // nothing left this client: no server can have seen it
        }
        return req.retryable() && (req.body() == null || req.body().replayable());
    }

    private static ConnectionFailure explain(HttpRequest req, ConnectionFailure f, ConnectionFailure first) {
        String what;
        if (f.duringOpen()) {
            what = "the request was not sent (no connection could be opened)";
        } else if (f.requestBytesWritten() == 0) {
            what = "the request was not applied: none of its bytes had been written";
        } else if (f.responseStarted()) {
            what = "the server had begun to answer, so it has probably applied the request";
        } else {
            what = "the request may have been applied: " + f.requestBytesWritten()
                    + " of its bytes had been written and no response byte had arrived";
        }
        String why;
        if (first != null) {
            why = "it had already been retried once on a fresh connection after: " + first.getMessage();
        } else if (f.duringOpen() || f.requestBytesWritten() == 0) {
            why = "tether did not retry it";
        } else if (!f.wasReused()) {
            why = "tether did not retry it because the connection was new (not a stale pooled one)";
        } else if (f.responseStarted()) {
            why = "tether did not retry it because the response had begun";
        } else if (f.kind() == Kind.READ_TIMEOUT) {
            why = "tether did not retry it because the server may still be working on it";
        } else if (!req.retryable()) {
            why = "tether did not re-send it because " + req.method() + " is not idempotent; to let tether retry it,"
                    + " send an Idempotency-Key header that the server honours, or set HttpRequest.Builder.idempotent(true)";
        } else {
            why = "tether did not re-send it because its body can be read only once; use RequestBody.of or ofSupplier";
        }
        ConnectionFailure e = new ConnectionFailure(f.kind(), req.method() + " " + req.uri() + " failed: " + f.getMessage()
                + "; " + what + "; " + why, f.facts(), f);
        if (first != null) {
            e.addSuppressed(first);
        }
        return e;
    }

    private Lease<HttpConnection> acquire(RouteState rs, long deadline) throws IOException {
        Duration wait = config.acquireTimeout();
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            wait = Duration.ofNanos(Math.max(0, Math.min(left, wait.toNanos())));
        }
        try {
            return pool.acquire(rs.endpoint(), wait);
        } catch (PoolOpenException e) {
            // The connect failure itself, with its own message (refused, timed out, unknown host...).
            if (e.getCause() instanceof ConnectionFailure) {
                throw (ConnectionFailure) e.getCause();
            }
            throw e;
        }
    }

    private RouteState routeState(Route route) {
        RouteState rs = routes.get(route);
        if (rs != null) {
            return rs;
        }
        return routes.computeIfAbsent(route, r -> {
            Endpoint ep = Endpoint.builder().host(r.host()).port(r.port()).tls(r.isTls() ? config.tls() : null).build();
            RouteState s = new RouteState(ep, config.learnedIdleTimeoutTtl(), config.keepAliveMargin(), config.keepAliveMarginRatio());
            byEndpoint.put(ep, s);
            return s;
        });
    }

    private Headers wireHeaders(HttpRequest req, Route route, boolean decode) {
        Headers given = req.headers();
        Headers.Builder b = Headers.builder();
        if (!given.contains("Host")) {
            b.add("Host", route.hostHeader());
        }
        if (config.userAgent() != null && !given.contains("User-Agent")) {
            b.add("User-Agent", config.userAgent());
        }
        if (decode) {
            b.add("Accept-Encoding", "gzip, deflate");
        }
        Headers defaults = config.defaultHeaders();
        for (int i = 0; i < defaults.size(); i++) {
            if (!given.contains(defaults.name(i))) {
                b.add(defaults.name(i), defaults.value(i));
            }
        }
        for (int i = 0; i < given.size(); i++) {
            String n = given.name(i);
            // Framing is the client's to state: a caller's value could contradict the body it sends.
            if (!n.equalsIgnoreCase("Content-Length") && !n.equalsIgnoreCase("Transfer-Encoding")
                    && !n.equalsIgnoreCase("Expect")) {
                b.add(n, given.value(i));
            }
        }
        RequestBody body = req.body();
        if (body != null) {
            if (body.length() >= 0) {
                b.add("Content-Length", Long.toString(body.length()));
            } else {
                b.add("Transfer-Encoding", "chunked");
            }
            if (req.expectContinue()) {
                b.add("Expect", "100-continue");
            }
        } else if (req.method().equals("POST") || req.method().equals("PUT")) {
            b.add("Content-Length", "0");
        }
        return b.build();
    }

    private static String target(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        String q = uri.getRawQuery();
        return q == null ? path : path + "?" + q;
    }

    private HttpRequest followUp(HttpRequest req, HttpResponse r) {
        int s = r.status();
        if (!config.followRedirects() || (s != 301 && s != 302 && s != 303 && s != 307 && s != 308)) {
            return null;
        }
        String location = r.header("Location");
        if (location == null) {
            return null;
        }
        String m = req.method();
        boolean safe = m.equals("GET") || m.equals("HEAD");
        if (!safe && s != 303) {
            return null; // never turn a POST into a repeated POST: the caller sees the redirect
        }
        URI next;
        try {
            next = req.uri().resolve(location);
        } catch (IllegalArgumentException bad) {
            return null;
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
            return null;
        }
        HttpRequest.Builder b = req.toBuilder().uri(next);
        if (!safe) {
            b.method("GET", null).removeHeader("Content-Type");
        }
        if (!Route.of(next).equals(Route.of(req.uri()))) {
            // Credentials were meant for the first origin only.
            b.removeHeader("Authorization").removeHeader("Cookie").removeHeader("Proxy-Authorization");
        }
        return b.build();
    }

    private void peerClosedIdle(Connection c, IdleClose close) {
        RouteState rs = byEndpoint.get(c.endpoint());
        if (rs == null || !config.learnIdleTimeout()) {
            return;
        }
        if (close.signal() == PeerSignal.FIN || close.signal() == PeerSignal.RESET) {
            rs.observeIdleClose(close.idleFor().toNanos(), System.nanoTime());
        }
    }

    /** The pool's and the learned figures for the route of {@code uri}. */
    public RouteStats routeStats(URI uri) {
        Route route = Route.of(uri);
        RouteState rs = routeState(route);
        long now = System.nanoTime();
        long learned = rs.learnedIdleNanos(now);
        long adv = rs.advertisedNanos();
        return new RouteStats(route, pool.stats().forKey(rs.endpoint()), learned < 0 ? null : Duration.ofNanos(learned),
                adv < 0 ? null : Duration.ofNanos(adv), rs.requests.get(), rs.retries.get(), rs.idleCloses.get(), rs.leaks.get());
    }

    public RouteStats routeStats(String uri) {
        return routeStats(URI.create(uri));
    }

    /** Counts over every route. */
    public PoolStats poolStats() {
        return pool.stats();
    }

    /** Closes idle connections now and the others as their responses are closed. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "HttpClient[" + config.name() + ", " + pool.stats() + "]";
    }

    private final class Listener implements PoolListener<Endpoint, HttpConnection> {
        @Override
        public void leakSuspected(Endpoint key, HttpConnection connection, long heldNanos, Throwable acquiredAt) {
            RouteState rs = byEndpoint.get(key);
            if (rs != null) {
                rs.leaks.incrementAndGet();
            }
            // The pool has logged where the lease was taken; this adds what it means for HTTP.
            log.warn("http client \"{}\": a response from {} has held {} for {} ms without being closed; did you forget"
                    + " to close an HttpResponse (or read its body to the end)?",
                    config.name(), key.authority(), connection, heldNanos / 1_000_000);
        }
    }
}
