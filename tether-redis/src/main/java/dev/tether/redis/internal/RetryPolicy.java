package dev.tether.redis.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.redis.Command;
import dev.tether.redis.RedisConnectionException;
import dev.tether.redis.Replies;

import java.util.List;

/**
 * Whether a command (or a pipeline, or a transaction) whose connection failed is sent again,
 * decided from the failure's facts and the {@link CommandTable}, never from exception types or
 * messages. The {@link Decision} that makes the choice also writes the sentences the caller
 * reads, so the rule and its explanation cannot drift apart.
 *
 * <p>It is sent again once, on a fresh connection, only when all of these hold:
 * <ol>
 *   <li>it has not been retried already, and it does not run in a session (a session's connection
 *       carries WATCH, MULTI or SELECT state that a fresh one would not have);</li>
 *   <li>the connection was open and had served an earlier command: a stale pooled connection (a
 *       {@code CLIENT KILL}, a server {@code timeout}, a restart) is what a retry cures, while a
 *       new one failing says something about the server;</li>
 *   <li>no reply byte had arrived (a server that began to answer has acted), no read timeout ran
 *       out (the server may still be working on it), the reply was not malformed;</li>
 *   <li>the call did not ask for {@link Command.Retry#NEVER}, and either none of its bytes had been
 *       written (no server can have seen it) or every command in it is safe to repeat: the table
 *       says so (reads, idempotent writes) or the caller declared it
 *       ({@link Command.Retry#SAFE_TO_REPEAT}).</li>
 * </ol>
 */
public final class RetryPolicy {

    /**
     * The verdict and its reasons.
     *
     * @param retry   whether to send it again now
     * @param outcome what became of it: not sent, not applied, possibly applied
     * @param reason  why tether did or did not send it again
     */
    public record Decision(boolean retry, String outcome, String reason) {
    }

    private RetryPolicy() {
    }

    /**
     * @param commands the command, or a batch's commands in order
     * @param answered how many of them had their reply when the connection failed; -1 for a
     *                 transaction (MULTI ... EXEC), whose commands are answered together by EXEC
     * @param pinned   whether they ran on a session's connection
     * @param earlier  the failure that caused the retry whose attempt failed now; null on a first attempt
     */
    public static Decision decide(List<Command> commands, int answered, boolean pinned, ConnectionFailure f, ConnectionFailure earlier) {
        return decide(commands, answered, pinned, f, earlier, f.responseStarted());
    }

    /**
     * The decision for one command that shared its round trip with other callers' commands: the
     * connection's facts say whether any reply byte of the round trip arrived, {@code replyStarted}
     * whether a byte of this command's own reply did (the replies before it do not count).
     *
     * @param c            the command
     * @param replyStarted whether a byte of its own reply had arrived
     * @param f            the connection's failure
     */
    public static Decision decideShared(Command c, boolean replyStarted, ConnectionFailure f) {
        return decide(List.of(c), 0, false, f, null, replyStarted);
    }

    private static Decision decide(List<Command> commands, int answered, boolean pinned, ConnectionFailure f, ConnectionFailure earlier,
                                   boolean replyStarted) {
        String outcome = outcome(commands, answered, f, replyStarted);
        if (earlier != null) {
            return no(outcome, "it had already been retried once on a fresh connection after: " + earlier.getMessage());
        }
        if (f.duringOpen()) {
            return no(outcome, "tether did not retry it");
        }
        if (pinned) {
            return no(outcome, "tether did not retry it because a session's connection carries state (WATCH, MULTI, SELECT)"
                    + " that a fresh connection would not have; start the session again");
        }
        if (!f.wasReused()) {
            return no(outcome, f.requestBytesWritten() == 0 ? "tether did not retry it"
                    : "tether did not retry it because the connection was new (not a stale pooled one)");
        }
        if (replyStarted) {
            return no(outcome, "tether did not retry it because the reply had begun");
        }
        if (f.kind() == Kind.READ_TIMEOUT) {
            return no(outcome, "tether did not retry it because the server may still be working on it");
        }
        if (f.kind() == Kind.PROTOCOL) {
            return no(outcome, "tether did not retry it because the server broke the protocol");
        }
        for (Command c : commands) {
            if (c.retry() == Command.Retry.NEVER) {
                return no(outcome, "tether did not retry it because the call asked for Command.Retry.NEVER");
            }
        }
        if (f.requestBytesWritten() == 0) {
            return new Decision(true, outcome, "retried once on a fresh connection: none of its bytes had left this client");
        }
        for (Command c : commands) {
            if (c.retry() != Command.Retry.SAFE_TO_REPEAT && CommandTable.safety(c) == CommandTable.Safety.UNSAFE) {
                return no(outcome, "tether did not re-send it because " + c.name() + " is not safe to repeat ("
                        + CommandTable.whyUnsafe(c) + "); if it is safe for you, send it with Command.retry(Command.Retry.SAFE_TO_REPEAT)");
            }
        }
        return new Decision(true, outcome, "retried once on a fresh connection: " + (commands.size() == 1 ? commands.get(0).name() + " is"
                : "every command in it is") + " safe to repeat and the stale pooled connection failed before any reply byte");
    }

    /** The failure as the caller sees it: what happened on the wire, to the command, and why it was (not) retried. */
    public static RedisConnectionException explain(String what, ConnectionFailure f, Decision d, ConnectionFailure earlier, Replies received) {
        RedisConnectionException e = new RedisConnectionException(what + " failed: " + f.getMessage() + "; " + d.outcome() + "; " + d.reason(),
                f, f, mayHaveBeenApplied(f), received);
        if (earlier != null) {
            e.addSuppressed(earlier);
        }
        return e;
    }

    /** Whether the server may have applied a command that failed so: some of its bytes were written. */
    public static boolean mayHaveBeenApplied(ConnectionFailure f) {
        return !f.duringOpen() && f.requestBytesWritten() > 0;
    }

    private static String outcome(List<Command> commands, int answered, ConnectionFailure f, boolean replyStarted) {
        boolean one = commands.size() == 1;
        if (f.duringOpen()) {
            return "nothing was sent (no connection could be opened)";
        }
        if (f.requestBytesWritten() == 0) {
            return "nothing was applied: none of the bytes had been written";
        }
        if (answered < 0) {
            return "EXEC's reply did not arrive, so the transaction may have been applied (all of it or none: Redis applies"
                    + " a transaction whole)";
        }
        if (answered > 0) {
            return "replies arrived for the first " + answered + " of " + commands.size() + " commands; the other "
                    + (commands.size() - answered) + " may have been applied";
        }
        if (replyStarted) {
            return "the server had begun to reply, so it has probably applied " + (one ? "it" : "them");
        }
        return (one ? "it" : "they") + " may have been applied: " + f.requestBytesWritten()
                + " bytes had been written and no reply byte had arrived";
    }

    private static Decision no(String outcome, String reason) {
        return new Decision(false, outcome, reason);
    }
}
