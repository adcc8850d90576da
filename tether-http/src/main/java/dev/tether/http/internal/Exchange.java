package dev.tether.http.internal;

import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.KeepAlive;
import dev.tether.http.RequestBody;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.pool.Deadline;
import dev.tether.pool.DeadlineSource;
import dev.tether.pool.Lease;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One request and its response on one connection, and the decision of what becomes of that
 * connection afterwards.
 *
 * <ol>
 *   <li>Begin the exchange on the connection (so it counts request bytes and notes the first
 *       response byte: the facts a retry decision needs), write the head and, unless waiting for
 *       {@code 100 Continue}, the body; flush once.</li>
 *   <li>Read heads, skipping interim 1xx ones, until the final one; derive its framing
 *       ({@link Http1#framing}) and whether the connection may carry another exchange: HTTP/1.1
 *       unless {@code Connection: close} from either side, HTTP/1.0 only with
 *       {@code Connection: keep-alive}, never after a close-delimited body, a withheld request body,
 *       or {@code Keep-Alive: max} uses.</li>
 *   <li>The body (possibly empty) ends in one of three ways, each releasing the connection exactly
 *       once: read to its end (returned to the pool with a deadline from {@link RouteState}), failed
 *       (retired as BROKEN), or abandoned (a small remainder already received is drained, else the
 *       connection is discarded).</li>
 * </ol>
 * Any failure before the body retires the connection and is rethrown for the client to judge.
 */
public final class Exchange implements BodyInput.Owner {
    private static final long DRAIN_LIMIT = 16 * 1024;
    private static final int MAX_INTERIM = 16;
    private static final InputStream EMPTY = InputStream.nullInputStream();

    private final HttpClientConfig config;
    private final RouteState route;
    private final Lease<HttpConnection> lease;     // null for a connection opened outside the pool
    private final HttpConnection hc;
    private final HttpConnector connector;
    private final Ticker ticker;
    private final HttpRequest request;
    private final boolean wholeResponse;
    private boolean released;
    private boolean reusable;
    private long keepAliveTimeoutNanos = -1;
    private BodyInput body;

    /**
     * @param wholeResponse whether the client reads the whole response inside the call (then a body
     *                      failure goes back to it as is, for its retry decision); otherwise a body
     *                      failure is explained here, as the application sees it
     */
    public Exchange(HttpClientConfig config, HttpRequest request, boolean wholeResponse, RouteState route,
                    Lease<HttpConnection> lease, HttpConnection hc, HttpConnector connector) {
        this.config = config;
        this.request = request;
        this.wholeResponse = wholeResponse;
        this.ticker = config.ticker();
        hc.route = route;
        this.route = route;
        this.lease = lease;
        this.hc = hc;
        this.connector = connector;
    }

    /**
     * Sends the request and reads the final response head. On failure the connection has been
     * retired and the failure (a {@link ConnectionFailure} for anything the connection did) rethrown.
     *
     * @param own the fields the client adds before the request's own ({@link RequestBridge#ownFields})
     */
    public ResponseHead execute(String target, RequestBridge.OwnFields own, Deadline deadline, Duration requestTimeout)
            throws IOException {
        String method = request.method();
        RequestBody requestBody = request.body();
        boolean expectContinue = request.expectContinue();
        hc.conn.beginExchange();
        hc.startExchange(deadline, requestTimeout);
        try {
            Out out = hc.out;
            out.ascii(method);
            out.write(' ');
            out.ascii(target);
            out.ascii(" HTTP/1.1");
            out.crlf();
            out.write(own.bytes, 0, own.bytes.length);
            RequestBridge.writeRest(out, request);
            out.crlf();
            ResponseHead head = null;
            boolean bodyWithheld = false;
            if (requestBody != null && expectContinue) {
                out.flush();
                head = awaitContinue();
                bodyWithheld = head != null;
            }
            if (requestBody != null && !bodyWithheld) {
                writeBody(out, requestBody);
            }
            out.flush();
            if (head == null) {
                head = readFinalHead();
            }
            if (hc.conn.wasReused() && route.contradicts(hc.conn.idleBeforeUseNanos())) {
                // It answered after that long idle: the server's timeout is longer than thought.
                route.aliveAfter(hc.conn.idleBeforeUseNanos(), ticker.nanoTime());
            }
            long framing = Http1.framing(hc.wire, head, method.equals("HEAD"));
            reusable = decideReuse(head, RequestBridge.asksClose(request, own), framing) && !bodyWithheld;
            if (framing == 0) {
                body = null;
                bodyEnded(true);
            } else {
                body = new BodyInput(hc.wire, this, framing, config.maxHeaderBytes(), config.maxHeaderCount());
            }
            return head;
        } catch (ConnectionFailure f) {
            boolean byDeadline = hc.causedByDeadline(f); // asked first: the release below clears the deadline
            release(false, Reason.BROKEN);
            throw byDeadline ? hc.deadlinePassed(f) : f;
        } catch (IOException | RuntimeException | Error e) {
            release(false, Reason.BROKEN);
            throw e;
        }
    }

    private void writeBody(Out out, RequestBody requestBody) throws IOException {
        if (requestBody.length() >= 0) {
            requestBody.writeTo(out);
        } else {
            OutputStream chunked = out.chunked();
            requestBody.writeTo(chunked);
            chunked.close();
        }
    }

    /** Waits for 100 Continue: null to send the body (100 came, or nothing within the timeout), else the final head. */
    private ResponseHead awaitContinue() throws IOException {
        hc.shortenReadTimeout(config.expectContinueTimeout());
        try {
            if (!hc.wire.fill()) {
                throw hc.closed("the server closed the connection instead of answering Expect: 100-continue");
            }
        } catch (ConnectionFailure f) {
            if (f.kind() == Kind.READ_TIMEOUT && !hc.conn.responseStarted()) {
                hc.restoreReadTimeout();
                return null; // a server that ignores Expect: send the body anyway (RFC 9110 10.1.1)
            }
            throw f;
        }
        hc.restoreReadTimeout();
        ResponseHead h = Http1.readHead(hc.wire, config.maxHeaderBytes(), config.maxHeaderCount());
        if (h.status() == 100) {
            return null;
        }
        if (h.status() < 200) {
            return readFinalHead();
        }
        return h;
    }

    private ResponseHead readFinalHead() throws IOException {
        for (int i = 0; ; i++) {
            ResponseHead h = Http1.readHead(hc.wire, config.maxHeaderBytes(), config.maxHeaderCount());
            if (h.status() >= 200 || h.status() == 101) {
                return h;
            }
            if (i >= MAX_INTERIM) {
                throw hc.protocol("more than " + MAX_INTERIM + " interim (1xx) responses, the last "
                        + Escape.quote(h.status() + " " + h.reason()));
            }
        }
    }

    private boolean decideReuse(ResponseHead head, boolean requestAsksClose, long framing) {
        if (framing == Http1.UNTIL_CLOSE || head.status() == 101 || requestAsksClose) {
            return false;
        }
        boolean keep = head.minorVersion() >= 1 ? !head.connectionHas("close") : head.connectionHas("keep-alive");
        if (!keep) {
            return false;
        }
        KeepAlive ka = KeepAlive.parse(head.keepAlive);
        if (ka.hasTimeout()) {
            keepAliveTimeoutNanos = ka.timeoutNanos();
            route.advertised(keepAliveTimeoutNanos);
        }
        // max=M: retired after M exchanges. Read as a total it is also safe for servers that
        // count down (Apache sends the requests left), which then merely retire it early.
        if (ka.max() >= 0 && hc.conn.useCount() >= ka.max()) {
            return false;
        }
        return true;
    }

    /** The body to hand to the caller (empty when the response has none). */
    public InputStream body() {
        return body != null ? body : EMPTY;
    }

    /** The raw body stream, or null when the response has none. */
    public BodyInput rawBody() {
        return body;
    }

    /** Whether the body was read to its end and the connection handed back. */
    public boolean complete() {
        return body == null || body.ended();
    }

    public HttpClientConfig config() {
        return config;
    }

    /** The response was refused (too large): the connection goes, whatever of the body is left unread. */
    public void discard() {
        release(false, Reason.NOT_REUSABLE);
    }

    /** The caller closed the response: finish a small received remainder, else discard the connection. */
    public void close() {
        if (body != null && !body.ended() && !released) {
            body.close();
        }
    }

    @Override
    public void bodyEnded(boolean reusableAfterBody) {
        release(reusable && reusableAfterBody, Reason.NOT_REUSABLE);
    }

    @Override
    public IOException bodyFailed(IOException e) {
        IOException out = e;
        if (e instanceof ConnectionFailure && hc.causedByDeadline((ConnectionFailure) e)) {
            out = hc.deadlinePassed((ConnectionFailure) e);
        }
        release(false, hc.draining ? Reason.NOT_REUSABLE : Reason.BROKEN);
        if (out instanceof ConnectionFailure && !wholeResponse && !hc.draining) {
            // The application reads the body: it gets the same verdict a failure of send() carries.
            ConnectionFailure f = (ConnectionFailure) out;
            out = RetryPolicy.explain(request, f, RetryPolicy.decide(request, f, null, false), null);
        }
        return out;
    }

    @Override
    public void bodyAbandoned() {
        hc.draining = true;
        boolean done;
        try {
            done = body.drain(DRAIN_LIMIT);
        } finally {
            hc.draining = false;
        }
        if (!done) {
            release(false, Reason.NOT_REUSABLE);
        }
    }

    /** Gives the connection back exactly once: to the pool with an idle deadline, or closed with {@code reason}. */
    private void release(boolean keep, Reason reason) {
        if (released) {
            return;
        }
        released = true;
        hc.endExchange();
        if (keep && hc.wire.buffered() > 0) {
            // Bytes after the end of the response: framing is in doubt, so is the connection.
            keep = false;
            reason = Reason.NOT_REUSABLE;
        }
        if (lease == null) {
            // Opened outside the pool for a retry: it cannot join the pool, so it ends here.
            connector.close(hc, keep ? Reason.NOT_REUSABLE : reason);
            return;
        }
        if (!keep) {
            lease.close(reason);
            return;
        }
        long now = ticker.nanoTime();
        long advertisedBudget = route.advertisedBudgetNanos(keepAliveTimeoutNanos);
        if (advertisedBudget <= 0) {
            lease.close(Reason.DEADLINE);
            return;
        }
        long budget = advertisedBudget; // how long it may stay idle before the pool closes it
        DeadlineSource setBy = DeadlineSource.KEEP_ALIVE;
        long learned = route.learnedIdleNanos(now);
        boolean canary = false;
        if (learned >= 0 && learned - route.marginFor(learned) < advertisedBudget) {
            long learnedBudget = learned - route.marginFor(learned);
            setBy = DeadlineSource.LEARNED;
            canary = route.canaryFor(hc);
            if (canary) {
                // Never lent past the learned budget, but left open to test the learned value.
                hc.reuseBudgetNanos = learnedBudget;
                budget = Math.min(advertisedBudget, RouteState.canaryHorizonNanos(learned));
            } else {
                budget = learnedBudget;
            }
        }
        if (!canary && hc.reuseBudgetNanos != Long.MAX_VALUE) {
            hc.reuseBudgetNanos = Long.MAX_VALUE;
            route.closed(hc); // no longer the canary: another connection may be
        }
        if (budget != Long.MAX_VALUE) {
            lease.deadlineAt(now + budget, setBy);
            hc.leaseDeadlineSet = true;
        } else if (hc.leaseDeadlineSet) {
            // An earlier response set a deadline that this one no longer asks for.
            lease.clearDeadline();
            hc.leaseDeadlineSet = false;
        }
        lease.close();
    }
}
