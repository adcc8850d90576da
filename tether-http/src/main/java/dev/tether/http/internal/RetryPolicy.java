package dev.tether.http.internal;

import dev.tether.http.HttpRequest;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;

/**
 * Whether a failed request is sent again, decided from the failure's facts only, never from
 * exception types or messages. The same {@link Decision} that makes the choice writes the
 * sentence that explains it, so the rule and its explanation cannot drift apart.
 *
 * <p>A request is retried once, on a fresh connection, only when all of these hold:
 * <ol>
 *   <li>it has not been retried already, and the connection was open (the failure did not happen
 *       while opening it); no read timeout ran out (the server may still be working on it) and the
 *       response was not malformed;</li>
 *   <li>either no response byte had arrived, the connection had been reused (a stale pooled
 *       connection is the failure a retry cures; a new one failing says something about the
 *       server), and no request byte had been written (no server can have seen it) or the request
 *       may be repeated;</li>
 *   <li>or the response had begun but was cut before the whole of it was read inside the call
 *       ({@code HttpClient.sendAndRead}: nothing of it reached the application), and the request
 *       may be repeated. A streamed response is the application's once it has it.</li>
 * </ol>
 * "May be repeated": an idempotent method, an {@code Idempotency-Key} header or the caller's flag,
 * and a body that can be sent again.
 */
public final class RetryPolicy {

    /**
     * The verdict and its reasons.
     *
     * @param retry   whether to send the request again now
     * @param outcome what became of the request: not sent, not applied, possibly applied
     * @param reason  why tether did or did not send it again
     */
    public record Decision(boolean retry, String outcome, String reason) {
    }

    private RetryPolicy() {
    }

    /**
     * @param earlier       the failure that caused the retry whose attempt failed now; null on a first attempt
     * @param wholeResponse whether the response is read inside the call, so that a body cut before
     *                      its end has reached nothing of the application
     */
    public static Decision decide(HttpRequest req, ConnectionFailure f, ConnectionFailure earlier, boolean wholeResponse) {
        String outcome = outcome(f);
        if (earlier != null) {
            return no(outcome, "it had already been retried once on a fresh connection after: " + earlier.getMessage());
        }
        if (f.duringOpen()) {
            return no(outcome, "tether did not retry it");
        }
        if (f.responseStarted()) {
            return decideCutResponse(req, f, outcome, wholeResponse);
        }
        if (!f.wasReused()) {
            return no(outcome, f.requestBytesWritten() == 0 ? "tether did not retry it"
                    : "tether did not retry it because the connection was new (not a stale pooled one)");
        }
        if (f.kind() == Kind.READ_TIMEOUT) {
            return no(outcome, "tether did not retry it because the server may still be working on it");
        }
        if (f.kind() == Kind.WRITE_TIMEOUT) {
            return no(outcome, "tether did not retry it because the server stopped reading it");
        }
        if (f.kind() == Kind.PROTOCOL) {
            return no(outcome, "tether did not retry it because the server broke the protocol");
        }
        if (f.requestBytesWritten() == 0) {
            return new Decision(true, outcome, "retried once on a fresh connection: none of its bytes had left this client");
        }
        String notRepeatable = notRepeatable(req);
        if (notRepeatable != null) {
            return no(outcome, notRepeatable);
        }
        return new Decision(true, outcome, "retried once on a fresh connection: " + req.method()
                + " may be repeated and the stale pooled connection failed before any response byte");
    }

    /** The response had begun: only a cut inside the call, of a request that may be repeated, is retried. */
    private static Decision decideCutResponse(HttpRequest req, ConnectionFailure f, String outcome, boolean wholeResponse) {
        if (f.kind() == Kind.READ_TIMEOUT) {
            return no(outcome, "tether did not retry it because the server stalled in the middle of the response");
        }
        if (f.kind() == Kind.PROTOCOL) {
            return no(outcome, "tether did not retry it because the server broke the protocol");
        }
        if (!wholeResponse) {
            return no(outcome, "tether did not retry it because the response had begun and the application reads it as it"
                    + " arrives; HttpClient.sendAndRead reads the whole response inside the call and retries a request"
                    + " that may be repeated when the response is cut");
        }
        String notRepeatable = notRepeatable(req);
        if (notRepeatable != null) {
            return no(outcome, notRepeatable);
        }
        return new Decision(true, outcome, "retried once on a fresh connection: the response was cut before any of it"
                + " reached the application, and " + req.method() + " may be repeated");
    }

    /** Why {@code req} may not be sent twice, or null if it may. */
    private static String notRepeatable(HttpRequest req) {
        if (!req.retryable()) {
            return "tether did not re-send it because " + req.method() + " is not idempotent; to let tether retry it,"
                    + " send an Idempotency-Key header that the server honours, or set HttpRequest.Builder.idempotent(true)";
        }
        if (req.body() != null && !req.body().replayable()) {
            return "tether did not re-send it because its body can be read only once; use RequestBody.of or ofSupplier";
        }
        return null;
    }

    /** The failure as the caller sees it: what happened on the wire, to the request, and why it was (not) retried. */
    public static ConnectionFailure explain(HttpRequest req, ConnectionFailure f, Decision d, ConnectionFailure earlier) {
        ConnectionFailure e = new ConnectionFailure(f.kind(), req + " failed: " + f.getMessage()
                + "; " + d.outcome() + "; " + d.reason(), f.facts(), f);
        if (earlier != null) {
            e.addSuppressed(earlier);
        }
        return e;
    }

    /**
     * Whether the failure shows the server's idle close: a reused connection that was reset, found
     * at its end or gone before any response byte. Its idle age is then evidence of the server's
     * idle timeout, as a close the watcher saw would have been.
     */
    public static boolean metIdleClose(ConnectionFailure f) {
        return !f.duringOpen() && f.wasReused() && !f.responseStarted()
                && (f.kind() == Kind.RESET || f.kind() == Kind.PEER_CLOSED || f.kind() == Kind.BROKEN_PIPE);
    }

    /** Whether the server may have applied a request that failed so: some of its bytes were written. */
    public static boolean mayHaveBeenApplied(ConnectionFailure f) {
        return !f.duringOpen() && f.requestBytesWritten() > 0;
    }

    private static String outcome(ConnectionFailure f) {
        if (f.duringOpen()) {
            return "the request was not sent (no connection could be opened)";
        }
        if (f.requestBytesWritten() == 0) {
            return "the request was not applied: none of its bytes had been written";
        }
        if (f.responseStarted()) {
            return "the server had begun to answer, so it has probably applied the request";
        }
        return "the request may have been applied: " + f.requestBytesWritten()
                + " of its bytes had been written and no response byte had arrived";
    }

    private static Decision no(String outcome, String reason) {
        return new Decision(false, outcome, reason);
    }
}
