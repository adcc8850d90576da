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
    private final ConnectionFailure failure;
    private final boolean mayHaveBeenApplied;
    private final transient Replies received;

    public RedisConnectionException(String message, Throwable cause, ConnectionFailure failure,
                                    boolean mayHaveBeenApplied, Replies received) {
        super(message, cause);
        this.failure = failure;
        this.mayHaveBeenApplied = mayHaveBeenApplied;
        this.received = received == null ? Replies.EMPTY : received;
    }

    /** The connection's failure, or null when no connection could be had (see the cause). */
    public ConnectionFailure failure() { return failure; }

    /** What went wrong on the connection, or null when no connection could be had. */
    public ConnectionFailure.Kind kind() { return failure == null ? null : failure.kind(); }

    /**
     * Whether the server may have applied the command (or, for a batch, a command that has no
     * reply in {@link #received()}): some of its bytes were written and its reply did not arrive.
     */
    public boolean mayHaveBeenApplied() { return mayHaveBeenApplied; }

    /** The replies that arrived before the failure, in command order (empty for a single command). */
    public Replies received() { return received; }
}
