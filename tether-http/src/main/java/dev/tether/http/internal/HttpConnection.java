package dev.tether.http.internal;

import dev.tether.net.Connection;
import dev.tether.net.ConnectionFacts;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.pool.Deadline;

import java.io.IOException;
import java.time.Duration;

/**
 * A tether-net {@link Connection} with what HTTP keeps per connection: its read buffer
 * ({@link Wire}), its write buffer ({@link Out}), and the current exchange's request deadline.
 * Owned by one exchange at a time (the pool's lease), so nothing here is shared between threads.
 */
public final class HttpConnection implements Wire.Hooks {
    private static final int BUFFER = 16 * 1024;

    final Connection conn;
    final Wire wire;
    final Out out;
    private Deadline deadline = Deadline.none();
    private Duration requestTimeout;
    private boolean timeoutShortened;
    private boolean shortenedByDeadline;
    private final Duration normalReadTimeout;
    boolean draining;
    boolean leaseDeadlineSet;
    /** The route it serves, known from its first exchange (the pool keys connections by route). */
    RouteState route;
    /**
     * As its route's canary (see {@link RouteState#canaryFor}): the idle time after which it is not
     * lent any more although it stays open; Long.MAX_VALUE when it is not the canary.
     */
    long reuseBudgetNanos = Long.MAX_VALUE;

    public HttpConnection(Connection conn) {
        this.conn = conn;
        this.wire = new Wire(conn.input(), this, BUFFER);
        this.out = new Out(conn.output(), 8 * 1024);
        this.normalReadTimeout = conn.readTimeout();
    }

    public Connection connection() {
        return conn;
    }

    void startExchange(Deadline deadline, Duration requestTimeout) {
        this.deadline = deadline;
        conn.writeDeadline(deadline);
        this.requestTimeout = requestTimeout;
        this.draining = false;
        out.reset();
    }

    /** Puts the read timeout back after a deadline or an expect-continue wait shortened it. */
    void endExchange() {
        deadline = Deadline.none();
        conn.writeDeadline(Deadline.none());
        draining = false;
        restoreReadTimeout();
    }

    /** Waits for the next byte at most {@code timeout} (expect-continue), until {@link #restoreReadTimeout()}. */
    void shortenReadTimeout(Duration timeout) throws IOException {
        timeoutShortened = true;
        conn.readTimeout(timeout);
    }

    void restoreReadTimeout() {
        shortenedByDeadline = false;
        if (timeoutShortened) {
            timeoutShortened = false;
            try {
                conn.readTimeout(normalReadTimeout);
            } catch (IOException | RuntimeException ignored) {
                // a broken socket: the pool's lease check will see it
            }
        }
    }

    @Override
    public void beforeRead() throws IOException {
        if (draining && conn.input().available() <= 0) {
            throw new IOException("draining stops here: the rest of the body has not arrived");
        }
        if (!deadline.isNone()) {
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw deadlinePassed(null);
            }
            if (left < normalReadTimeout.toNanos()) {
                timeoutShortened = true;
                shortenedByDeadline = true;
                conn.readTimeout(Duration.ofNanos(Math.max(1_000_000, left)));
            }
        }
    }

    /** A read or write timeout that the request deadline caused, said as such (the kind stays). */
    ConnectionFailure deadlinePassed(ConnectionFailure cause) {
        ConnectionFacts f = cause != null ? cause.facts() : conn.facts();
        Kind kind = cause != null ? cause.kind() : Kind.READ_TIMEOUT;
        // Said in its own words: the advice of the timeout it cut short (raise the read timeout)
        // would be the wrong knob.
        String message = "connection #" + f.connectionId() + " to " + f.endpoint().authority() + ": the request deadline of "
                + (requestTimeout == null ? "?" : requestTimeout.toMillis()) + " ms passed "
                + (kind == Kind.WRITE_TIMEOUT ? "while the request was being sent" : "while waiting for the response")
                + " (" + f.requestBytesWritten() + " request bytes written, "
                + (f.responseStarted() ? "response started" : "no response byte yet") + "); if the server is known to be"
                + " slow, give the request more time (HttpRequest.Builder.timeout, or HttpClientConfig.requestTimeout)";
        return new ConnectionFailure(kind, message, f, cause);
    }

    /** Whether a timeout that just ran out was the request deadline's. Ask before the exchange ends (it clears the deadline). */
    boolean deadlineReached() {
        return !deadline.isNone() && (shortenedByDeadline || deadline.isExpired());
    }

    /** Whether {@code f} is a timeout that the request deadline caused. */
    boolean causedByDeadline(ConnectionFailure f) {
        return (f.kind() == Kind.READ_TIMEOUT || f.kind() == Kind.WRITE_TIMEOUT) && deadlineReached();
    }

    @Override
    public ConnectionFailure protocol(String detail) {
        return conn.failure(Kind.PROTOCOL, detail, null);
    }

    @Override
    public ConnectionFailure closed(String detail) {
        return conn.failure(Kind.PEER_CLOSED, detail, null);
    }

    @Override
    public String toString() {
        return conn.toString();
    }
}
