package dev.tether.cli.probe;

import dev.tether.cli.wire.MiniHttp;
import dev.tether.http.KeepAlive;
import dev.tether.net.Connection;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import dev.tether.net.SocketConfig;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Reason;
import dev.tether.pool.Redact;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The HTTP probe. Its connections are tether-net's, opened directly (no pool, no idle watcher, no
 * TCP keepalive) so that nothing between it and the server hides or delays a close, and every
 * connect, TLS and I/O failure is a {@link ConnectionFailure} that says what happened:
 *
 * <ol>
 *   <li>Persistence: two GETs on one connection; the first response's {@code Connection} and
 *       {@code Keep-Alive} headers are what the server advertises.</li>
 *   <li>Requests per connection: GETs on that connection until the server says
 *       {@code Connection: close} or closes, up to {@code maxRequests}.</li>
 *   <li>Idle timeout, in rounds ({@link IdleSearch}): {@code parallel} connections held idle at
 *       once for different times, each watching for the server's FIN or RST and sending a GET
 *       when its time is up, narrowed down until it is known within 250 ms.</li>
 * </ol>
 *
 * <p>What it refuses to measure, with a {@link ProbeFailure} that says why: a response body longer
 * than {@link #MAX_BODY} (a stream never ends: it is not read into memory), and data the server
 * sends without a request (it answers twice, or its Content-Length lies), which would shift every
 * answer by one. A 408 sent just before an idle close is the server's notice of that close, not
 * stray data. What it measures on a non-2xx response it reports as such.
 */
public final class HttpProbe implements Probe {
    /** The most of one response body the probe reads: it needs the framing, not the content. */
    public static final int MAX_BODY = 1 << 20;

    /**
     * Everything the probe found. Durations in ms; null where unknown. {@code target} is the URL with
     * its secrets masked; {@code status} and {@code statusLine} are the first response's;
     * {@code suggestedSettings} is Java code (several lines) or null, {@code suggestions} whole
     * sentences.
     */
    public record Result(String target, String tls, int status, String statusLine, String httpVersion, boolean persistent,
                         String keepAliveHeader, Long advertisedTimeoutS, Long advertisedMax, Integer maxRequests,
                         boolean maxRequestsIsBound, Long idleTimeoutMs, Long idleTimeoutLowMs, Long idleTimeoutHighMs,
                         String idleCloseSignal, boolean idleTimeoutAboveMax, long maxIdleMs, int rounds, int connections,
                         long durationMs, Long suggestedIdleTimeoutMs, String suggestedSettings,
                         List<String> suggestions) implements ProbeResult {

        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            ProbeText.header(sb, target, durationMs, connections);
            ProbeText.row(sb, "response", status / 100 == 2 ? statusLine
                    : statusLine + " (measured on a " + status + " response: see below)");
            if (tls != null) {
                ProbeText.row(sb, "TLS", tls);
            }
            ProbeText.row(sb, "connections persist", persistent ? "yes (" + httpVersion + ")"
                    : "no: the server closes after each response");
            ProbeText.row(sb, "advertised Keep-Alive", keepAliveHeader == null ? "none"
                    : Redact.headerValue("Keep-Alive", keepAliveHeader));
            if (persistent) {
                ProbeText.row(sb, "requests per connection", maxRequests == null ? "unknown"
                        : maxRequestsIsBound ? "at least " + maxRequests + " (the bound, --max-requests)"
                        : maxRequests + " (then the server closes)");
                ProbeText.measuredIdle(sb, new IdleSearch.Result(idleTimeoutMs, idleCloseSignal, idleTimeoutLowMs,
                        idleTimeoutHighMs, idleTimeoutAboveMax, rounds), maxIdleMs);
            }
            ProbeText.advice(sb, suggestedSettings, suggestions);
            return sb.toString();
        }
    }

    @Override
    public List<String> schemes() {
        return List.of("http", "https");
    }

    @Override
    public Result run(ProbeTarget target, Options o, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        Target t = new Target(target, o);
        Counter opened = new Counter();
        progress.accept("persistence and advertised Keep-Alive");
        Integer maxRequests = null;
        boolean bound = false;
        boolean persistent;
        MiniHttp.Response first;
        String version;
        String tls = null;
        try (Conn c = t.open(opened)) {
            if (c.connection.isTls()) {
                tls = c.connection.sslSession().getProtocol() + ", " + o.tls().description();
            }
            first = c.get();
            version = first.head().version();
            persistent = first.keepAlive();
            if (persistent) {
                progress.accept("requests per connection (up to " + o.maxRequests() + ")");
                int n = 1;
                while (n < o.maxRequests()) {
                    MiniHttp.Response r;
                    try {
                        r = c.get();
                    } catch (ConnectionFailure e) {
                        break; // the server closed after n requests
                    }
                    n++;
                    if (!r.keepAlive()) {
                        break;
                    }
                }
                if (n == 1) {
                    persistent = false; // it said keep-alive but the second request failed
                } else {
                    maxRequests = n;
                    bound = n >= o.maxRequests();
                }
            }
        }
        String kaHeader = first.head().header("Keep-Alive");
        KeepAlive ka = KeepAlive.parse(kaHeader);
        long advertisedS = ka.hasTimeout() ? ka.timeout().getSeconds() : -1;
        IdleSearch.Result idle = new IdleSearch.Result(null, null, null, null, false, 0);
        if (persistent) {
            idle = IdleSearch.run(o.parallel(), o.maxIdle().toMillis(), progress, hold -> holdIdle(t, opened, hold));
        }
        HttpAdvice advice = HttpAdvice.of(new HttpAdvice.Facts(first.status(), version, first.head().header("Server"),
                tls != null, persistent, idle.idleMs(), idle.highMs(), idle.aboveMax(), advertisedS, o.maxIdle().toMillis(),
                IdleSearch.PRECISION_MS));
        String firstLine = first.head().firstLine();
        return new Result(target.shown(), tls, first.status(), firstLine.substring(firstLine.indexOf(' ') + 1), version, persistent,
                kaHeader, advertisedS < 0 ? null : advertisedS, ka.max() < 0 ? null : ka.max(),
                maxRequests, bound, idle.idleMs(), idle.lowMs(), idle.highMs(), idle.signal(), idle.aboveMax(), o.maxIdle().toMillis(),
                idle.rounds(), opened.get(),
                (System.nanoTime() - start) / 1_000_000, advice.idleTimeoutMs(), advice.code(), advice.sentences());
    }

    /** One connection: a GET, then idle until {@code holdMs}, watching for a close; then a GET. */
    private static IdleSearch.Held holdIdle(Target t, Counter opened, long holdMs) throws IOException {
        try (Conn c = t.open(opened)) {
            MiniHttp.Response r = c.get();
            if (!r.keepAlive()) {
                return new IdleSearch.Held(IdleSearch.Outcome.CLOSED_FIN, 0);
            }
            // A 408 notice of the close returns; anything else is a ProbeFailure.
            IdleSearch.Held closed = IdleSearch.watch(c.connection, c.in, System.nanoTime(), holdMs, c::unsolicited);
            if (closed != null) {
                return closed;
            }
            c.connection.readTimeout(t.timeout);
            try {
                c.get();
                return new IdleSearch.Held(IdleSearch.Outcome.ALIVE, holdMs);
            } catch (IOException e) {
                return new IdleSearch.Held(IdleSearch.Outcome.DEAD, holdMs);
            }
        }
    }

    /** Connections the probe opened, counted from the threads that hold idle connections in parallel. */
    private static final class Counter {
        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        void inc() {
            n.incrementAndGet();
        }

        int get() {
            return n.get();
        }
    }

    private static final class Target {
        final ProbeTarget target;
        final Duration timeout;
        final TcpConnector connector;
        final Endpoint endpoint;

        Target(ProbeTarget target, Options o) {
            this.target = target;
            this.timeout = o.timeout();
            // Opened directly, never pooled, and no idle watcher: each holdIdle watches its own
            // connection to time the server's close. No TCP keepalive either: its probes would
            // reset the idle timer of a load balancer that counts packets, and hide the timeout
            // the probe measures.
            this.connector = TcpConnector.builder()
                    .socketConfig(SocketConfig.builder().connectTimeout(timeout).readTimeout(timeout).keepAlive(false).build())
                    .resolver(o.resolver())
                    .watchIdle(false)
                    .build();
            this.endpoint = Endpoint.builder().host(target.host()).port(target.port())
                    .tls(target.tls() ? o.tls().settings() : null).build();
        }

        Conn open(Counter opened) throws IOException {
            Connection c;
            try {
                c = connector.open(endpoint);
            } catch (ConnectionFailure f) {
                throw target.tls() ? ProbeTls.explain(f, target, timeout) : f;
            }
            opened.inc();
            return new Conn(this, c);
        }
    }

    private static final class Conn implements AutoCloseable {
        final Target target;
        final Connection connection;
        final InputStream in;

        Conn(Target target, Connection connection) {
            this.target = target;
            this.connection = connection;
            this.in = new BufferedInputStream(connection.input());
        }

        /**
         * A GET; a response that ends early or breaks HTTP is a {@link ConnectionFailure} with this
         * connection's facts, one the probe cannot measure a {@link ProbeFailure}.
         */
        MiniHttp.Response get() throws IOException {
            if (in.available() > 0) {
                unsolicited(in.read());
            }
            connection.beginExchange();
            try {
                MiniHttp.writeRequest(connection.output(), "GET", target.target.requestTarget(), target.target.authority(),
                        List.<String[]>of(new String[] {"User-Agent", "tether-probe/0.1"}, new String[] {"Accept", "*/*"}), null);
                return MiniHttp.readResponse(in, "GET", MAX_BODY);
            } catch (ConnectionFailure f) {
                throw f;
            } catch (MiniHttp.BodyTooLarge e) {
                throw new ProbeFailure(target.target.shown() + ": the response is longer than the probe reads ("
                        + MAX_BODY / 1024 + " KiB)" + (e.closeDelimited() ? ", and has no length: it ends only when the server"
                        + " closes, like a stream" : "") + "; probe an endpoint with a short response, such as a health check", e);
            } catch (EOFException e) {
                throw connection.failure(Kind.PEER_CLOSED, e.getMessage(), e);
            } catch (IOException e) {
                throw connection.failure(Kind.PROTOCOL, e.getMessage(), e);
            }
        }

        /**
         * Data arrived that no request asked for, starting with {@code first}. A {@code 408} status
         * line is the server's notice that it closes the idle connection: it returns. Anything else
         * is a {@link ProbeFailure}: every later answer would be the one before.
         */
        void unsolicited(int first) throws IOException {
            byte[] rest = new byte[Math.min(in.available(), 200)];
            int n = in.read(rest, 0, rest.length);
            String start = ((char) first + new String(rest, 0, Math.max(0, n), StandardCharsets.ISO_8859_1)).lines()
                    .findFirst().orElse("");
            if (start.matches("HTTP/1\\.[01] 408( .*)?")) {
                return;
            }
            throw new ProbeFailure(target.target.shown() + ": the server sent data after a complete response, without a"
                    + " request (it starts with " + MiniHttp.quote(start) + "): it answers twice per request, or its"
                    + " Content-Length is shorter than its body, so every later answer would be to the request before;"
                    + " the probe cannot measure it: fix the server, or probe another endpoint");
        }

        @Override
        public void close() {
            // No pool owns it: its owner is done with it, the nearest of the pool's reasons.
            target.connector.close(connection, Reason.POOL_CLOSED);
        }
    }
}
