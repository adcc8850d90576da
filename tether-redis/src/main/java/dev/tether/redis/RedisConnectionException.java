package dev.tether.redis;

import dev.tether.net.ConnectionFailure;

/**
 * A command could not be sent, or its reply did not arrive: the connection failed (its
 * {@link ConnectionFailure}, with a {@link ConnectionFailure.Kind} and the connection's history,
 * is {@link #failure()}), or no connection could be had (the pool's exception is the cause).
 *
 * <p>The message says what happened on the wire, whether the command may have been applied, and
 * why tether did or did not send it again; {@link #mayHaveBeenApplied()} gives the same answer as
 * a boolean. For a pipeline or a transaction, {@link #received()} holds the replies that arrived
 * before the failure, one per command from the first, so the caller knows which commands were
 * answered.
 */
public final class RedisConnectionException extends RedisException {
    /** The connection's failure, or null. */
    private final ConnectionFailure failure;
    /** Whether the server may have applied the command. */
    private final boolean mayHaveBeenApplied;
    /** The replies that arrived; transient, as replies need not be serializable. */
    private final transient Replies received;

    /**
     * Creates the exception; tether-redis does, a test may too.
     *
     * @param message what happened, whether the command may have been applied, and why it was or was not retried
     * @param cause the underlying exception
     * @param failure the connection's failure, or null when no connection could be had
     * @param mayHaveBeenApplied whether the server may have applied the command
     * @param received the replies that arrived before the failure, or null for none
     */
    public RedisConnectionException(String message, Throwable cause, ConnectionFailure failure,
                                    boolean mayHaveBeenApplied, Replies received) {
        super(message, cause);
        this.failure = failure;
        this.mayHaveBeenApplied = mayHaveBeenApplied;
        this.received = received == null ? Replies.EMPTY : received;
    }

    /**
     * The connection's failure.
     *
     * @return the failure, or null when no connection could be had (see the cause)
     */
    public ConnectionFailure failure() { return failure; }

    /**
     * What went wrong on the connection.
     *
     * @return the kind, or null when no connection could be had
     */
    public ConnectionFailure.Kind kind() { return failure == null ? null : failure.kind(); }

    /**
     * Whether the server may have applied the command (or, for a batch, a command that has no
     * reply in {@link #received()}): some of its bytes were written and its reply did not arrive.
     *
     * @return false only when the server cannot have seen the command
     */
    public boolean mayHaveBeenApplied() { return mayHaveBeenApplied; }

    /**
     * The replies that arrived before the failure, in command order.
     *
     * @return the replies; empty for a single command, and after deserialization
     */
    public Replies received() { return received; }
}
