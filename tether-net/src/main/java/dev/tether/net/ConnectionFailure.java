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
 *
 * <p>Immutable once thrown; its accessors are safe from any thread.
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

    /** What went wrong. */
    private final Kind kind;
    /** The connection's history when it failed. */
    private final ConnectionFacts facts;

    /**
     * Creates the failure.
     *
     * @param kind    what went wrong
     * @param message what most likely happened and what to change; with no secret in it
     * @param facts   the connection's history
     * @param cause   the exception the socket threw, or null
     * @throws NullPointerException if {@code kind} or {@code facts} is null
     */
    public ConnectionFailure(Kind kind, String message, ConnectionFacts facts, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /**
     * What went wrong.
     *
     * @return the kind, never null
     */
    public Kind kind() { return kind; }

    /**
     * The connection's history when it failed.
     *
     * @return the facts, never null
     */
    public ConnectionFacts facts() { return facts; }

    /**
     * Where the connection went.
     *
     * @return the endpoint
     */
    public Endpoint endpoint() { return facts.endpoint(); }

    /**
     * The connection's id, as logs and other failures name it.
     *
     * @return the id
     */
    public long connectionId() { return facts.connectionId(); }

    /**
     * How long the connection had been open.
     *
     * @return the age; ZERO when it never opened
     */
    public Duration age() { return facts.age(); }

    /**
     * How long the connection sat unused before the exchange that failed.
     *
     * @return the idle time
     */
    public Duration idleBeforeUse() { return facts.idleBeforeUse(); }

    /**
     * Exchanges begun on the connection, the failed one included.
     *
     * @return the count; 0 when none began
     */
    public int useCount() { return facts.useCount(); }

    /**
     * Whether the connection had served an earlier exchange (a stale pooled connection can fail this way).
     *
     * @return true for a reused connection
     */
    public boolean wasReused() { return facts.reused(); }

    /**
     * Bytes of the failed exchange handed to the socket, a failed write's included.
     *
     * @return the count; 0 means the server cannot have seen the request
     */
    public long requestBytesWritten() { return facts.requestBytesWritten(); }

    /**
     * Whether any byte of a response arrived in the failed exchange.
     *
     * @return true once a byte was read
     */
    public boolean responseStarted() { return facts.responseStarted(); }

    /**
     * Whether the connection was never established (the request cannot have reached the server).
     *
     * @return true for a failure while opening
     */
    public boolean duringOpen() { return !facts.opened(); }
}
