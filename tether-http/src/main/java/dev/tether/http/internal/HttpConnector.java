package dev.tether.http.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.Endpoint;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;

/**
 * tether-net's {@link TcpConnector} with HTTP's per-connection buffers around each connection.
 * Every lifecycle call goes straight to the TCP connector, so idle watching, the lease-time check
 * and the one close with a reason stay where tether-net put them.
 */
public final class HttpConnector implements Connector<Endpoint, HttpConnection> {
    private final TcpConnector tcp;

    public HttpConnector(TcpConnector tcp) {
        this.tcp = tcp;
    }

    @Override
    public HttpConnection open(Endpoint key, Deadline deadline) throws ConnectionFailure {
        return new HttpConnection(tcp.open(key, deadline));
    }

    /** Opens a connection outside the pool (the one retry after a stale pooled connection failed). */
    public HttpConnection openFresh(Endpoint key, Deadline deadline) throws ConnectionFailure {
        return new HttpConnection(tcp.open(key, deadline));
    }

    /**
     * The lease-time check of tether-net, and for its route's canary the learned budget: past it
     * the canary is not lent (no request ever races the server's timer on it), and that it is
     * still alive is evidence about the learned value.
     */
    @Override
    public boolean isReusable(HttpConnection c, long idleNanos) {
        if (!tcp.isReusable(c.conn, idleNanos)) {
            return false;
        }
        if (idleNanos > c.reuseBudgetNanos) {
            c.route.aliveAfter(idleNanos, tcp.ticker().nanoTime());
            return false;
        }
        return true;
    }

    @Override
    public void onIdle(HttpConnection c, IdleHandle handle) {
        tcp.onIdle(c.conn, handle);
    }

    @Override
    public void onLease(HttpConnection c) {
        tcp.onLease(c.conn);
    }

    /**
     * Closes through tether-net, the one place. A canary that the pool closes at its horizon while
     * the server never did was alive all that idle time: the learned value it tested was wrong.
     */
    @Override
    public int localPort(HttpConnection c) {
        return tcp.localPort(c.connection());
    }

    @Override
    public void close(HttpConnection c, Reason reason) {
        RouteState route = c.route;
        if (route != null && c.reuseBudgetNanos != Long.MAX_VALUE) {
            route.closed(c);
            if (reason == Reason.DEADLINE && c.conn.isOpen() && c.conn.idleClose() == null) {
                route.aliveAfter(c.conn.idleTime().toNanos(), tcp.ticker().nanoTime());
            }
        }
        tcp.close(c.conn, reason);
    }
}
