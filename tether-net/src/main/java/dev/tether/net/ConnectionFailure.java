package dev.tether.net;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Every I/O failure of a tether connection: one exception type with a {@link Kind}, the
 * connection's history ({@link #facts()}) and the original exception as its cause. The message
 * says what most likely happened and what to change; tools may grep it.
 *
 * <p>The kind is decided from exception types and from where the failure happened (resolving,
 * connecting, handshaking, writing, reading), never from message text, whose language depends on
 * the platform's locale. See {@code Classifier} for the rules and their limits.
 */
public final class ConnectionFailure extends IOException {

    /** What went wrong, as far as the socket can tell. */
    public enum Kind {
        /** Nothing listens on the port (or a firewall rejects): the peer answered the SYN with RST. */
        REFUSED,
        /** The connect (or TLS handshake) did not finish within the connect timeout. */
        CONNECT_TIMEOUT,
        /** No route to the host or network, or the kernel gave up on an established connection. */
        UNREACHABLE,
        /** The host name did not resolve. */
        UNKNOWN_HOST,
        /** The peer aborted the connection (RST). */
        RESET,
        /** The peer closed the connection (FIN) when a response was still expected. */
        PEER_CLOSED,
        /** Writing failed because the peer had already gone. */
        BROKEN_PIPE,
        /** No byte arrived within the read timeout. */
        READ_TIMEOUT,
        /** A write waited longer than the write timeout for the peer to take more bytes: it stopped reading. */
        WRITE_TIMEOUT,
        /** TLS could not be established: certificate, host name, protocol or cipher mismatch. */
        TLS_HANDSHAKE,
        /** The peer sent something the protocol does not allow. */
        PROTOCOL
    }

    private final Kind kind;
    private final ConnectionFacts facts;

    public ConnectionFailure(Kind kind, String message, ConnectionFacts facts, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    public Kind kind() { return kind; }

    /** The connection's history when it failed. */
    public ConnectionFacts facts() { return facts; }

    public Endpoint endpoint() { return facts.endpoint(); }

    public long connectionId() { return facts.connectionId(); }

    public Duration age() { return facts.age(); }

    public Duration idleBeforeUse() { return facts.idleBeforeUse(); }

    public int useCount() { return facts.useCount(); }

    /** Whether the connection had served an earlier exchange (a stale pooled connection can fail this way). */
    public boolean wasReused() { return facts.reused(); }

    public long requestBytesWritten() { return facts.requestBytesWritten(); }

    public boolean responseStarted() { return facts.responseStarted(); }

    /** True when the connection was never established (the request cannot have reached the server). */
    public boolean duringOpen() { return !facts.opened(); }
}
