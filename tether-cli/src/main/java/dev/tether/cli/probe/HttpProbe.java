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

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *   <li>Idle timeout, in rounds: hold {@code parallel} connections idle at once, each for a
 *       different time spread over the interval still in question (at first 0 to
 *       {@code maxIdle}). Each one watches for the server's FIN or RST while it waits, by reading
 *       with a read timeout that ends at its hold time (which gives the timeout to the
 *       millisecond), and sends a GET when its time is up (which shows a silent
 *       drop: alive before, dead after). The next round narrows the interval to the longest
 *       survivor and the shortest casualty, until it is known within 250 ms.</li>
 * </ol>
 */
public final class HttpProbe implements Probe {
    private static final long PRECISION_MS = 250;

    /** Everything the probe found. Durations in ms; null where unknown. */
    public record Result(String target, String tls, String httpVersion, boolean persistent, String keepAliveHeader, Long advertisedTimeoutS,
                         Long advertisedMax, Integer maxRequests, boolean maxRequestsIsBound, Long idleTimeoutMs,
                         Long idleTimeoutLowMs, Long idleTimeoutHighMs, String idleCloseSignal, boolean idleTimeoutAboveMax,
                         long maxIdleMs, int rounds, int connections, long durationMs, Long suggestedIdleTimeoutMs,
                         List<String> suggestions) implements ProbeResult {

        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("tether probe ").append(target).append(String.format(" (%.1f s, %d connections)%n", durationMs / 1e3, connections));
            if (tls != null) {
                row(sb, "TLS", tls);
            }
            row(sb, "connections persist", persistent ? "yes (" + httpVersion + ")" : "no: the server closes after each response");
            row(sb, "advertised Keep-Alive", keepAliveHeader == null ? "none" : keepAliveHeader);
            if (persistent) {
                row(sb, "requests per connection", maxRequests == null ? "unknown"
                        : maxRequestsIsBound ? "at least " + maxRequests + " (the bound, --max-requests)"
                        : maxRequests + " (then the server closes)");
                String idle;
                if (idleTimeoutMs != null) {
                    idle = seconds(idleTimeoutMs) + " (the server " + idleCloseSignal + " connections idle that long)";
                } else if (idleTimeoutAboveMax) {
                    idle = "more than " + seconds(maxIdleMs) + " (the bound, --max-idle)";
                } else if (idleTimeoutLowMs != null) {
                    idle = "between " + seconds(idleTimeoutLowMs) + " and " + seconds(idleTimeoutHighMs)
                            + " (closed without a FIN or RST: found by sending)";
                } else {
                    idle = "unknown";
                }
                row(sb, "idle timeout (measured)", idle + ", " + rounds + (rounds == 1 ? " round" : " rounds"));
            }
            sb.append(String.format("%nSuggested tether settings:%n"));
            for (String s : suggestions) {
                sb.append("  ").append(s).append(System.lineSeparator());
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, String name, String value) {
            sb.append(String.format("  %-26s %s%n", name + ":", value));
        }
    }

    @Override
    public List<String> schemes() {
        return List.of("http", "https");
    }

    @Override
    public Result run(URI target, Options o, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        Target t = new Target(target, o.timeout(), o.tls());
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
                    } catch (IOException e) {
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
        Long idleMs = null;
        Long low = null;
        Long high = null;
        String signal = null;
        boolean above = false;
        int rounds = 0;
        if (persistent) {
            long lo = 0;
            long hi = o.maxIdle().toMillis();
            boolean silentDeath = false;
            ExecutorService pool = Executors.newFixedThreadPool(o.parallel(), r -> {
                Thread th = new Thread(r, "probe-idle");
                th.setDaemon(true);
                return th;
            });
            try {
                while (hi - lo > PRECISION_MS && idleMs == null && rounds < 12) {
                    rounds++;
                    long from = lo;
                    long span = hi - lo;
                    progress.accept(String.format("idle timeout, round %d: %d connections idle for %s to %s", rounds,
                            o.parallel(), seconds(from + span / o.parallel()), seconds(hi)));
                    List<Future<long[]>> futures = new ArrayList<>();
                    for (int i = 0; i < o.parallel(); i++) {
                        long hold = from + span * (i + 1) / o.parallel();
                        futures.add(pool.submit(() -> holdIdle(t, opened, hold)));
                    }
                    for (Future<long[]> f : futures) {
                        long[] r = get(f);
                        switch ((int) r[0]) {
                            case ALIVE -> lo = Math.max(lo, r[1]);
                            case DEAD -> {
                                hi = Math.min(hi, r[1]);
                                silentDeath = true;
                            }
                            default -> { // closed by the server while we watched
                                if (idleMs == null || r[1] < idleMs) {
                                    idleMs = r[1];
                                    signal = r[0] == CLOSED_FIN ? "closed (FIN)" : "reset (RST)";
                                }
                            }
                        }
                    }
                    if (idleMs != null) {
                        hi = Math.min(hi, idleMs);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            if (idleMs == null) {
                if (!silentDeath && lo >= o.maxIdle().toMillis() - PRECISION_MS) {
                    above = true;
                } else {
                    low = lo;
                    high = hi;
                }
            }
        }
        List<String> suggestions = new ArrayList<>();
        Long suggested = suggest(persistent, idleMs, high, above, advertisedS, suggestions, o);
        return new Result(target.toString(), tls, version, persistent, kaHeader, advertisedS < 0 ? null : advertisedS,
                ka.max() < 0 ? null : ka.max(),
                maxRequests, bound, idleMs, low, high, signal, above, o.maxIdle().toMillis(), rounds, opened.get(),
                (System.nanoTime() - start) / 1_000_000, suggested, suggestions);
    }

    private static Long suggest(boolean persistent, Long idleMs, Long high, boolean above, long advertisedS, List<String> out,
                                Options o) {
        if (!persistent) {
            out.add("The server closes every connection after one response, so no pool setting helps: each request pays a");
            out.add("connect (and a TLS handshake). Turn keep-alive on at the server (nginx: keepalive_timeout > 0) if you can.");
            return null;
        }
        Long basis = idleMs != null ? idleMs : high;
        if (basis == null) {
            out.add("The server kept idle connections for more than " + seconds(o.maxIdle().toMillis())
                    + "; tether's defaults fit (the pool's idleTimeout, 50 s, is below common load balancers' 60 s).");
            if (advertisedS >= 0) {
                out.add("tether honours the advertised Keep-Alive: timeout=" + advertisedS + " by itself.");
            }
            return null;
        }
        long margin = Math.max(250, basis / 10);
        long suggested = Math.max(100, (basis - margin) / 100 * 100);
        out.add("HttpClientConfig.builder()");
        out.add(String.format("    .pool(p -> p.idleTimeout(Duration.ofMillis(%d)))   // a margin below the server's %s", suggested,
                seconds(basis)));
        out.add("    .build();");
        if (advertisedS >= 0 && advertisedS * 1000 > basis + PRECISION_MS) {
            out.add("The server advertises Keep-Alive: timeout=" + advertisedS + " but closed sooner: something in between (a");
            out.add("load balancer or proxy) has the shorter timeout. tether learns it from the closes too, once two agree.");
        } else if (advertisedS >= 0) {
            out.add("tether also honours the advertised Keep-Alive: timeout=" + advertisedS + " by itself.");
        } else {
            out.add("Without this setting tether learns the timeout once two idle closes agree (an idle close costs no request).");
        }
        return suggested;
    }

    private static final int ALIVE = 0;
    private static final int DEAD = 1;
    private static final int CLOSED_FIN = 2;
    private static final int CLOSED_RST = 3;

    /** One connection: a GET, then idle until {@code holdMs}, watching for a close; then a GET. Returns [outcome, ms]. */
    private static long[] holdIdle(Target t, Counter opened, long holdMs) throws IOException {
        try (Conn c = t.open(opened)) {
            MiniHttp.Response r = c.get();
            if (!r.keepAlive()) {
                return new long[] {CLOSED_FIN, 0};
            }
            long idleSince = System.nanoTime();
            while (true) {
                long idle = (System.nanoTime() - idleSince) / 1_000_000;
                long left = holdMs - idle;
                if (left <= 0) {
                    break;
                }
                // A read that ends at the hold time at the latest: the server's FIN or RST ends it at once.
                c.connection.readTimeout(Duration.ofMillis(Math.min(Integer.MAX_VALUE, Math.max(1, left))));
                try {
                    c.in.read();
                    // End of stream (FIN), or a stray byte that no next response would survive: the end either way.
                    return new long[] {CLOSED_FIN, (System.nanoTime() - idleSince) / 1_000_000};
                } catch (IOException e) {
                    if (!(e instanceof ConnectionFailure f && f.kind() == Kind.READ_TIMEOUT)) {
                        return new long[] {CLOSED_RST, (System.nanoTime() - idleSince) / 1_000_000};
                    }
                    // still open; loop to check the time
                }
            }
            c.connection.readTimeout(t.timeout);
            try {
                c.get();
                return new long[] {ALIVE, holdMs};
            } catch (IOException e) {
                return new long[] {DEAD, holdMs};
            }
        }
    }

    private static long[] get(Future<long[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
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
        final String host;
        final int port;
        final boolean tls;
        final String path;
        final Duration timeout;
        final TcpConnector connector;
        final Endpoint endpoint;

        Target(URI uri, Duration timeout, ProbeTls tlsChecks) {
            this.host = uri.getHost();
            this.tls = uri.getScheme().equalsIgnoreCase("https");
            this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            String p = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            this.path = uri.getRawQuery() == null ? p : p + "?" + uri.getRawQuery();
            this.timeout = timeout;
            // Opened directly, never pooled, and no idle watcher: each holdIdle watches its own
            // connection to time the server's close. No TCP keepalive either: its probes would
            // reset the idle timer of a load balancer that counts packets, and hide the timeout
            // the probe measures.
            this.connector = TcpConnector.builder()
                    .socketConfig(SocketConfig.builder().connectTimeout(timeout).readTimeout(timeout).keepAlive(false).build())
                    .watchIdle(false)
                    .build();
            boolean literal = host.startsWith("[") && host.endsWith("]"); // an IPv6 literal in a URI
            this.endpoint = Endpoint.builder().host(literal ? host.substring(1, host.length() - 1) : host).port(port)
                    .tls(tls ? tlsChecks.settings() : null).build();
        }

        String authority() {
            boolean defaultPort = port == (tls ? 443 : 80);
            return defaultPort ? host : host + ":" + port;
        }

        Conn open(Counter opened) throws IOException {
            Connection c;
            try {
                c = connector.open(endpoint);
            } catch (ConnectionFailure f) {
                if (f.kind() != Kind.TLS_HANDSHAKE) {
                    throw f;
                }
                // tether's message names TlsSettings' SSLContext; the command line's way to it is a flag.
                throw new ConnectionFailure(f.kind(), f.getMessage() + "; with tether probe: --cacert FILE for a"
                        + " self-signed or private-CA certificate, or --insecure to skip the check", f.facts(), f);
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

        /** A GET; a response that ends early or breaks HTTP is a {@link ConnectionFailure} with this connection's facts. */
        MiniHttp.Response get() throws IOException {
            connection.beginExchange();
            try {
                MiniHttp.writeRequest(connection.output(), "GET", target.path, target.authority(),
                        List.<String[]>of(new String[] {"User-Agent", "tether-probe/0.1"}, new String[] {"Accept", "*/*"}), null);
                return MiniHttp.readResponse(in, "GET");
            } catch (ConnectionFailure f) {
                throw f;
            } catch (EOFException e) {
                throw connection.failure(Kind.PEER_CLOSED, e.getMessage(), e);
            } catch (IOException e) {
                throw connection.failure(Kind.PROTOCOL, e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            // No pool owns it: its owner is done with it, the nearest of the pool's reasons.
            target.connector.close(connection, Reason.POOL_CLOSED);
        }
    }
}
