package dev.tether.http.internal;

import dev.tether.http.HttpClientConfig;
import dev.tether.http.Route;
import dev.tether.net.Endpoint;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The client's routes: for each (scheme, host, port) the pool key ({@link Endpoint}) and what the
 * route knows ({@link RouteState}). Looked up by route on the way out, and by endpoint when the
 * pool or the idle watcher reports about a connection.
 *
 * <p>It holds exactly the routes the pool holds keys for: when the pool forgets a key unused for
 * its idle timeout, {@link #forget} drops the route too, so a client that talks to many hosts
 * over time does not keep them all. A request that still holds a forgotten state finishes with it;
 * the next one starts afresh.
 */
public final class RouteTable {
    private final HttpClientConfig config;
    private final ConcurrentHashMap<Route, RouteState> byRoute = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Endpoint, RouteState> byEndpoint = new ConcurrentHashMap<>();
    private final Function<Route, RouteState> create = this::create;

    public RouteTable(HttpClientConfig config) {
        this.config = config;
    }

    /** The last route looked up and its state: requests mostly go where the previous one went. */
    private record Last(Route route, RouteState state) {
    }

    private volatile Last last;

    /** The state of {@code route}, created on first use. */
    public RouteState get(Route route) {
        Last l = last;
        // The same Route object (requests to one URI share theirs), and not forgotten since.
        if (l != null && l.route() == route && !l.state().forgotten) {
            return l.state();
        }
        RouteState rs = byRoute.get(route);
        if (rs == null) {
            rs = byRoute.computeIfAbsent(route, create);
        }
        last = new Last(route, rs);
        return rs;
    }

    /** The state of the route whose pool key is {@code endpoint}, or null if there is none (any more). */
    public RouteState get(Endpoint endpoint) {
        return byEndpoint.get(endpoint);
    }

    /** The pool dropped {@code endpoint}: forget its route. */
    public void forget(Endpoint endpoint) {
        RouteState rs = byEndpoint.remove(endpoint);
        if (rs != null) {
            rs.forgotten = true; // before it leaves the map: a lookup that finds it cached then skips it
            byRoute.values().remove(rs);
        }
    }

    /** The routes known now. */
    public java.util.Set<Route> routes() {
        return java.util.Set.copyOf(byRoute.keySet());
    }

    private RouteState create(Route r) {
        Endpoint ep = Endpoint.builder().host(r.host()).port(r.port()).tls(r.isTls() ? config.tls() : null).build();
        RouteState s = new RouteState(ep, config.learnedIdleTimeoutTtl(), config.keepAliveMargin(), config.keepAliveMarginRatio());
        byEndpoint.put(ep, s);
        return s;
    }
}
