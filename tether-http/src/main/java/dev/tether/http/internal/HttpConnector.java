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

    @Override
    public boolean isReusable(HttpConnection c, long idleNanos) {
        return tcp.isReusable(c.conn, idleNanos);
    }

    @Override
    public void onIdle(HttpConnection c, IdleHandle handle) {
        tcp.onIdle(c.conn, handle);
    }

    @Override
    public void onLease(HttpConnection c) {
        tcp.onLease(c.conn);
    }

    @Override
    public void close(HttpConnection c, Reason reason) {
        tcp.close(c.conn, reason);
    }
}
