package dev.tether.http;

import dev.tether.http.internal.Exchange;
import dev.tether.http.internal.HttpConnection;
import dev.tether.http.internal.HttpConnector;
import dev.tether.http.internal.Redirects;
import dev.tether.http.internal.RequestBridge;
import dev.tether.http.internal.ResponseHead;
import dev.tether.http.internal.RetryPolicy;
import dev.tether.http.internal.RouteState;
import dev.tether.http.internal.RouteTable;
import dev.tether.net.Connection;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.Endpoint;
import dev.tether.net.IdleClose;
import dev.tether.net.PeerSignal;
import dev.tether.net.SettingNames;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Deadline;
import dev.tether.pool.EventLog;
import dev.tether.pool.Inspectable;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolClosedException;
import dev.tether.pool.PoolInterruptedException;
import dev.tether.pool.PoolOpenException;
import dev.tether.pool.PoolRejectedException;
import dev.tether.pool.PoolStats;
import dev.tether.pool.PoolTimeoutException;
import dev.tether.pool.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A blocking HTTP/1.1 client with one keep-alive pool per route. Build one per application and
 * share it; it is thread-safe. {@link #send} follows these steps, each in a class of its own:
 *
 * <ol>
 *   <li>Bridge the request to the wire ({@code RequestBridge}): Host, User-Agent, Accept-Encoding
 *       (when decoding is on and the caller set none), the default headers, the body's framing.</li>
 *   <li>Lease a connection for the route ({@code RouteTable} holds each route's pool key and what it
 *       learned): a pooled one that the idle watcher and the lease-time check consider alive and
 *       whose idle deadline (advertised or learned timeout, less a margin) has not passed, or a new one.</li>
 *   <li>Run the exchange ({@code Exchange}). If it fails, the retry policy ({@code RetryPolicy})
 *       decides from the failure's facts alone whether to send it again, once, on a fresh connection
 *       outside the pool; its decision also writes what the caller is told: what happened on the
 *       wire, whether the request may have been applied, and why it was or was not retried.</li>
 *   <li>Follow redirects of GET and HEAD (and a 303 as a GET) up to the limit ({@code Redirects});
 *       a POST is never sent again by a redirect.</li>
 * </ol>
 * Time comes from the config's {@link Ticker} only: request deadlines, keep-alive deadlines, idle
 * ages and learning, so a test moves it instead of sleeping.
 */
public final class HttpClient implements Inspectable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpClient.class);
    /** After a retry is logged, retries of the same route are counted, not logged, for this long. */
    private static final Duration RETRY_LOG_WINDOW = Duration.ofSeconds(10);

    /** How failure messages name the settings an HTTP user can change. */
    static final SettingNames SETTING_NAMES = new SettingNames("HttpClientConfig.socket(s -> s.%s(...))",
            "HttpClientConfig.pool(p -> p.%s(...))", "the SSLContext in HttpClientConfig.tls(...)");

    private final HttpClientConfig config;
    private final Ticker ticker;
    private final HttpConnector connector;
    private final KeyedPool<Endpoint, HttpConnection> pool;
    private final RouteTable routes;
    private final RequestBridge bridge;
    private final Redirects redirects;
    /** Connection failures of requests by what became of them (RetryOutcome's ordinals). */
    private final AtomicLongArray retries = new AtomicLongArray(RetryOutcome.values().length);
    private final EventLog events;

    private HttpClient(HttpClientConfig config) {
        this.config = config;
        this.ticker = config.ticker();
        this.routes = new RouteTable(config);
        this.bridge = new RequestBridge(config);
        this.redirects = new Redirects(config, bridge);
        this.events = new EventLog(log, ticker, RETRY_LOG_WINDOW);
        TcpConnector tcp = TcpConnector.builder()
                .socketConfig(config.socket())
                .resolver(config.resolver())
                .ticker(ticker)
                .settingNames(SETTING_NAMES)
                .idleCloseListener(this::peerClosedIdle)
                .build();
        this.connector = new HttpConnector(tcp);
        this.pool = KeyedPool.builder(connector).config(config.pool()).ticker(ticker).listener(new Listener())
                .describedAs("http", this::withFigures).build();
    }

    /**
     * A client with {@link HttpClientConfig#DEFAULT}.
     *
     * @return the client; close it when the application stops
     */
    public static HttpClient create() {
        return new HttpClient(HttpClientConfig.DEFAULT);
    }

    /**
     * A client with a configuration.
     *
     * @param config the configuration
     * @return the client; close it when the application stops
     */
    public static HttpClient create(HttpClientConfig config) {
        return new HttpClient(config);
    }

    /**
     * The configuration the client was created with.
     *
     * @return the configuration
     */
    public HttpClientConfig config() {
        return config;
    }

    /**
     * Sends {@code request} and returns the response once its head has arrived; read or close its
     * body. Failures of the connection are {@link ConnectionFailure}s whose message says what
     * happened on the wire, whether the request may have been applied, and why tether did or did
     * not retry; {@link #mayHaveBeenApplied} gives the same answer as a boolean. Waiting for a
     * pooled connection can also end in the pool's own exceptions (timeout, too many waiters).
     *
     * @param request the request
     * @return the response, with its body still to read; close it (or read the body to the end) to
     *         give the connection back
     * @throws ConnectionFailure     if the connection failed and no retry was made or it failed too
     * @throws PoolExhaustedException if no connection of the route became free in time
     * @throws RedirectException     if a redirect's Location is not a URI tether can send to, or leads
     *                               from https to plain http (see {@link HttpClientConfig#allowInsecureRedirects()})
     * @throws InterruptedIOException if the thread was interrupted while it waited for a connection
     * @throws IOException           for any other I/O failure, or when the client is closed
     */
    public HttpResponse send(HttpRequest request) throws IOException {
        return send(request, false);
    }

    /**
     * Sends {@code request} and reads the whole response, body included, inside the call: the
     * returned response holds its body in memory ({@link HttpResponse#isBuffered()}) and no
     * connection. Because nothing of the response reaches the application before it is complete,
     * a request that may be repeated (idempotent, or opted in) is also retried, once, on a fresh
     * connection when the connection fails in the middle of the response, not only before it.
     * Use it for bodies that fit in memory; {@link #send} streams them.
     *
     * @param request the request
     * @return the response with its whole body in memory, holding no connection
     * @throws ResponseTooLargeException if the body is larger than the configured limit
     * @throws ConnectionFailure     if the connection failed and no retry was made or it failed too
     * @throws PoolExhaustedException if no connection of the route became free in time
     * @throws RedirectException     if a redirect's Location cannot be followed (as for {@link #send})
     * @throws IOException           for any other I/O failure, or when the client is closed
     */
    public HttpResponse sendAndRead(HttpRequest request) throws IOException {
        return send(request, true);
    }

    private HttpResponse send(HttpRequest request, boolean whole) throws IOException {
        Duration timeout = request.timeout() != null ? request.timeout()
                : config.requestTimeout().isZero() ? null : config.requestTimeout();
        Deadline deadline = timeout == null ? Deadline.none() : Deadline.after(ticker, timeout);
        HttpRequest current = request;
        Route origin = request.route();
        Route route = origin;
        for (int hops = 0; ; hops++) {
            boolean mayFollow = redirects.mayFollow(hops);
            HttpResponse r = sendOnce(current, route, deadline, timeout, whole, mayFollow, origin);
            HttpRequest next;
            try {
                next = mayFollow ? redirects.followUp(current, r) : null;
            } catch (RedirectException refused) {
                r.close(); // its connection goes back (or is discarded) before the caller hears
                throw refused;
            }
            if (next == null) {
                return r;
            }
            r.close();
            current = next;
            route = next.route();
        }
    }

    /**
     * Whether the server may have applied a request that failed so: some of its bytes were written.
     *
     * @param failure the failure thrown by {@link #send} or {@link #sendAndRead}
     * @return false only when the request cannot have reached the server
     */
    public static boolean mayHaveBeenApplied(ConnectionFailure failure) {
        return RetryPolicy.mayHaveBeenApplied(failure);
    }

    /**
     * One request and its retry. With {@code whole}, the body of a final response (not one of a
     * redirect that will be followed) is read here, inside the retry scope.
     */
    private HttpResponse sendOnce(HttpRequest req, Route route, Deadline deadline, Duration timeout, boolean whole,
                                  boolean mayFollow, Route origin) throws IOException {
        RouteState rs = routes.get(route);
        boolean decode = bridge.decodes(req);
        RequestBridge.OwnFields own = bridge.ownFields(req, route, decode, route.equals(origin));
        String target = req.target();
        ConnectionFailure first = null;
        while (true) {
            Lease<HttpConnection> lease = null;
            HttpConnection hc;
            if (first == null) {
                lease = acquire(rs, deadline);
                hc = lease.get();
            } else {
                try {
                    hc = connector.openFresh(rs.endpoint(), deadline);
                } catch (ConnectionFailure f) {
                    f.addSuppressed(first);
                    count(RetryOutcome.FAILED);
                    throw f;
                }
            }
            Exchange ex = new Exchange(config, req, whole, rs, lease, hc, connector);
            try {
                ResponseHead head = ex.execute(target, own, deadline, timeout);
                HttpResponse r = new HttpResponse(req, head.minorVersion(), head.status(), head.reason(), head.headers(),
                        head.contentEncoding(), ex, decode);
                if (whole && !(mayFollow && redirects.wouldFollow(req, r))) {
                    r = r.readWhole();
                }
                rs.requestSent();
                if (first != null) {
                    count(RetryOutcome.SUCCEEDED);
                }
                return r;
            } catch (ConnectionFailure f) {
                if (RetryPolicy.metIdleClose(f)) {
                    rs.observeFailure(f.idleBeforeUse().toNanos(), ticker.nanoTime());
                }
                RetryPolicy.Decision d = RetryPolicy.decide(req, f, first, whole);
                if (!d.retry()) {
                    count(first != null ? RetryOutcome.FAILED : RetryOutcome.NOT_RETRIED);
                    throw RetryPolicy.explain(req, f, d, first);
                }
                rs.retried();
                // One line per route per window: a restart that kills every pooled connection retries them all.
                events.storm(Level.INFO, "request.retried", rs.endpoint().toString(), "client", config.pool().name(),
                        "route", rs.endpoint(), "method", req.method(), "failure", f.kind(), "why", d.reason());
                first = f;
            }
        }
    }

    private Lease<HttpConnection> acquire(RouteState rs, Deadline deadline) throws IOException {
        Duration wait = config.pool().acquireTimeout();
        if (!deadline.isNone()) {
            wait = Duration.ofNanos(Math.max(0, Math.min(deadline.remainingNanos(), wait.toNanos())));
        }
        try {
            return pool.acquire(rs.endpoint(), wait);
        } catch (PoolOpenException e) {
            // The connect failure itself, with its own message (refused, timed out, unknown host...).
            if (e.getCause() instanceof ConnectionFailure) {
                throw (ConnectionFailure) e.getCause();
            }
            throw new IOException("opening a connection to " + rs.endpoint().authority() + " failed: " + e.getCause(), e);
        } catch (PoolTimeoutException | PoolRejectedException e) {
            throw new PoolExhaustedException(e.getMessage() + "; nothing was sent (HttpClientConfig.pool(p -> p.maxPerKey(...))"
                    + " sets the route's limit, acquireTimeout and maxWaiters how long and how many may wait)", e);
        } catch (PoolInterruptedException e) {
            InterruptedIOException i = new InterruptedIOException("interrupted while waiting for a connection to "
                    + rs.endpoint().authority() + "; nothing was sent");
            i.initCause(e);
            throw i;
        } catch (PoolClosedException e) {
            throw new IOException("http client \"" + config.pool().name() + "\" is closed; nothing was sent", e);
        }
    }

    private void peerClosedIdle(Connection c, IdleClose close) {
        RouteState rs = routes.get(c.endpoint());
        if (rs == null || !config.learnIdleTimeout()) {
            return;
        }
        if (close.signal() == PeerSignal.FIN || close.signal() == PeerSignal.RESET) {
            rs.observeIdleClose(close.idleFor().toNanos(), ticker.nanoTime());
        }
    }

    /**
     * The pool's and the learned figures for the route of a URI.
     *
     * @param uri an http or https URI
     * @return a snapshot of the route's figures
     * @throws IllegalArgumentException if the URI is not http or https or has no host
     */
    public RouteStats routeStats(URI uri) {
        RouteState rs = routes.get(Route.of(uri));
        long learned = rs.learnedIdleNanos(ticker.nanoTime());
        long adv = rs.advertisedNanos();
        return new RouteStats(Route.of(uri), pool.stats().forKey(rs.endpoint()), learned < 0 ? null : Duration.ofNanos(learned),
                adv < 0 ? null : Duration.ofNanos(adv), rs.requests(), rs.retries(), rs.idleCloses(), rs.leaks());
    }

    /**
     * The pool's and the learned figures for the route of a URI.
     *
     * @param uri an http or https URI
     * @return a snapshot of the route's figures
     * @throws IllegalArgumentException if the text is not such a URI
     */
    public RouteStats routeStats(String uri) {
        return routeStats(URI.create(uri));
    }

    /**
     * The routes this client holds a pool and learned state for. A route unused for the pool's
     * idle timeout (with no connection left) is forgotten, so a client that talks to many hosts
     * over time does not keep them all.
     *
     * @return the routes, a snapshot
     */
    public java.util.Set<Route> routes() {
        return routes.routes();
    }

    /**
     * Counts over every route.
     *
     * @return the pool's snapshot, with one entry per route's endpoint
     */
    public PoolStats poolStats() {
        return pool.stats();
    }

    private void count(RetryOutcome outcome) {
        retries.incrementAndGet(outcome.ordinal());
    }

    /**
     * The pool of every route, each connection with its deadline and what set it, and what the
     * client learned: idle timeouts per route, and connection failures by what became of the
     * request ({@link RetryOutcome}). Kind {@code http}.
     */
    @Override
    public PoolView poolView() {
        return withFigures(pool.poolView());
    }

    /** The pool's view with the client's figures: what {@link #poolView()} and the JMX bean show. */
    private PoolView withFigures(PoolView v) {
        long now = ticker.nanoTime();
        Map<RetryOutcome, Long> r = new EnumMap<>(RetryOutcome.class);
        for (RetryOutcome o : RetryOutcome.values()) {
            r.put(o, retries.get(o.ordinal()));
        }
        return v.forClient("http", key -> {
            RouteState rs = key instanceof Endpoint ? routes.get((Endpoint) key) : null;
            long learned = rs == null ? -1 : rs.learnedIdleNanos(now);
            return learned < 0 ? null : Duration.ofNanos(learned);
        }, r);
    }

    /** Closes every idle connection now ({@link Reason#EVICTED}); the next requests open fresh ones. */
    @Override
    public int evictIdle() {
        return pool.evictIdle();
    }

    @Override
    public ListenerHandle addPoolListener(PoolListener<Object, Object> listener) {
        return pool.addPoolListener(listener);
    }

    /** Closes idle connections now and the others as their responses are closed. */
    @Override
    public void close() {
        pool.close();
        events.flush();
    }

    @Override
    public String toString() {
        return "HttpClient[" + config.pool().name() + ", " + pool.stats() + "]";
    }

    private final class Listener implements PoolListener<Endpoint, HttpConnection> {
        @Override
        public void leakSuspected(Endpoint key, HttpConnection connection, long heldNanos, Throwable acquiredAt) {
            RouteState rs = routes.get(key);
            if (rs != null) {
                rs.leakSuspected();
            }
            // The pool has logged where the lease was taken; this adds what it means for HTTP.
            events.storm(Level.WARN, "response.leaked", key.toString(), "client", config.pool().name(), "route", key,
                    "connection", connection, "held_ms", heldNanos / 1_000_000,
                    "hint", "did you forget to close an HttpResponse (or read its body to the end)?");
        }

        /** The pool forgot a key unused for its idle timeout: the route goes with it. */
        @Override
        public void forgotten(Endpoint key) {
            routes.forget(key);
        }
    }
}
