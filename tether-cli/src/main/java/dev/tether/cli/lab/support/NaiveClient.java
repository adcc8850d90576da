package dev.tether.cli.lab.support;

import dev.tether.cli.wire.MiniHttp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Where most applications start: one persistent connection over a plain socket, HTTP/1.1, no
 * check before reuse, no timeouts, no retry. It reconnects only after a failure dropped its socket.
 * With {@code perRequest} it opens a new connection for each request and closes it after the
 * answer (no pool at all). The lab bounds each request by its patience: a request still waiting
 * after that is aborted (its socket closed) and reported as what it is, a hang.
 */
public class NaiveClient implements LabClient {
    private final InetSocketAddress address;
    private final Duration patience;
    private final boolean perRequest;
    private volatile Socket socket;
    private InputStream in;
    private volatile boolean inUse;

    public NaiveClient(int port, Duration patience, boolean perRequest) {
        this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.patience = patience;
        this.perRequest = perRequest;
    }

    @Override
    public Outcome send(Request r) {
        inUse = true;
        Patience watch = Patience.watch(patience, () -> LabServer.closeQuietly(socket));
        try {
            if (socket == null) {
                Socket s = new Socket();
                socket = s;
                s.connect(address); // no connect timeout: the default of most plain clients
                s.setTcpNoDelay(true);
                in = new BufferedInputStream(s.getInputStream());
            }
            byte[] body = r.method().equals("POST") ? ("order " + r.id()).getBytes(StandardCharsets.UTF_8) : null;
            MiniHttp.writeRequest(socket.getOutputStream(), r.method(), r.path(),
                    address.getHostString() + ":" + address.getPort(), List.<String[]>of(new String[] {"X-Request-Id", r.id()}), body);
            MiniHttp.Response resp = MiniHttp.readResponse(in, r.method());
            if (perRequest || !resp.keepAlive()) {
                drop();
            }
            return Outcome.ok(resp.status());
        } catch (IOException | RuntimeException e) {
            drop();
            if (watch.aborted()) {
                return Outcome.failed(watch.hang());
            }
            return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            watch.done();
            inUse = false;
        }
    }

    private void drop() {
        LabServer.closeQuietly(socket);
        socket = null;
    }

    @Override
    public int idle() {
        return socket != null && !inUse ? 1 : 0;
    }

    @Override
    public int leased() {
        return inUse ? 1 : 0;
    }

    @Override
    public void close() {
        drop();
    }

    /** The naive client that re-sends a request once after a failure, whatever the method (what OkHttp does). */
    public static final class Retrying extends NaiveClient {
        private int retries;

        public Retrying(int port, Duration patience) {
            super(port, patience, false);
        }

        @Override
        public Outcome send(Request r) {
            Outcome o = super.send(r);
            if (o.ok()) {
                return o;
            }
            retries++;
            return super.send(r);
        }

        @Override
        public String detail() {
            return retries + (retries == 1 ? " retry" : " retries");
        }
    }
}
