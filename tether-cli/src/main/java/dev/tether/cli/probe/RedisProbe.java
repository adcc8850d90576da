package dev.tether.cli.probe;

import dev.tether.cli.wire.MiniHttp;
import dev.tether.cli.wire.MiniResp;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The Redis probe ({@code redis://}, {@code rediss://}). Its connections are tether-net's, opened
 * directly (no pool, no idle watcher, no TCP keepalive), each set up as the URL says (AUTH,
 * SELECT), speaking RESP through {@link MiniResp}:
 *
 * <ol>
 *   <li>On one connection: the server's version and mode ({@code INFO server}), its clients
 *       ({@code INFO clients}), its {@code timeout}, {@code tcp-keepalive} and {@code maxclients}
 *       ({@code CONFIG GET}), and last whether it speaks RESP3 ({@code HELLO 3}).</li>
 *   <li>Where CONFIG is refused (a managed service renames it, an ACL user lacks it), the idle cut
 *       is measured instead, as the HTTP probe measures it ({@link IdleSearch}): connections held
 *       idle for different times after a PING, each watching for the close, then a PING.</li>
 *   <li>The advice ({@link #advise}): a pool idleTimeout a margin below the server's timeout (read
 *       or measured), or tether's defaults where the server keeps idle connections.</li>
 * </ol>
 * The password goes to the server in AUTH and nowhere else: outputs name the URL redacted and a
 * command by its name.
 */
public final class RedisProbe implements Probe {
    private final RedisUrl url;

    public RedisProbe() {
        this(null);
    }

    private RedisProbe(RedisUrl url) {
        this.url = url;
    }

    /**
     * Everything the probe found. Durations in ms, settings in the server's units (seconds); null
     * where unknown. {@code configRefused} is the server's answer to CONFIG GET when it refused it
     * (then the idle fields are measured); {@code suggestedSettings} is Java code or null,
     * {@code suggestions} whole sentences.
     */
    public record Result(String target, String tls, String version, String mode, Boolean resp3, String helloError,
                         Long connectedClients, Long maxClients, Long timeoutS, Long tcpKeepaliveS, String configRefused,
                         Long idleTimeoutMs, Long idleTimeoutLowMs, Long idleTimeoutHighMs, String idleCloseSignal,
                         boolean idleTimeoutAboveMax, long maxIdleMs, int rounds, int connections, long durationMs,
                         Long suggestedIdleTimeoutMs, String suggestedSettings, List<String> suggestions) implements ProbeResult {

        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            ProbeText.header(sb, target, durationMs, connections);
            ProbeText.row(sb, "server", version == null ? "unknown (INFO refused)" : "Redis " + version
                    + (mode == null ? "" : " (" + mode + ")"));
            if (tls != null) {
                ProbeText.row(sb, "TLS", tls);
            }
            ProbeText.row(sb, "RESP3 (HELLO 3)", Boolean.TRUE.equals(resp3) ? "yes" : "no (" + helloError + ")");
            ProbeText.row(sb, "clients", (connectedClients == null ? "unknown" : connectedClients + " connected")
                    + (maxClients == null ? "" : ", maxclients " + maxClients));
            if (configRefused == null) {
                ProbeText.row(sb, "idle timeout (timeout)", timeoutS == null ? "unknown" : timeoutS == 0
                        ? "0 (the server never closes idle connections)"
                        : timeoutS + " s (the server closes connections idle longer)");
                ProbeText.row(sb, "tcp-keepalive", tcpKeepaliveS == null ? "unknown" : tcpKeepaliveS == 0 ? "0 (off)"
                        : tcpKeepaliveS + " s");
            } else {
                ProbeText.row(sb, "CONFIG GET", "refused (" + configRefused + "): the idle timeout was measured");
                ProbeText.measuredIdle(sb, new IdleSearch.Result(idleTimeoutMs, idleCloseSignal, idleTimeoutLowMs,
                        idleTimeoutHighMs, idleTimeoutAboveMax, rounds), maxIdleMs);
            }
            ProbeText.advice(sb, suggestedSettings, suggestions);
            return sb.toString();
        }
    }

    @Override
    public List<String> schemes() {
        return List.of("redis", "rediss");
    }

    @Override
    public Probe bind(String text) {
        return new RedisProbe(RedisUrl.parse(text));
    }

    @Override
    public Result run(ProbeTarget target, Options o, Consumer<String> progress) throws IOException {
        if (url == null) {
            throw new IllegalStateException("a Redis probe runs bound to its URL: Probes.forTarget(target).bind(url)");
        }
        RedisUrl u = url;
        long start = System.nanoTime();
        Target t = new Target(u, o);
        progress.accept("server, clients and settings");
        String tls = null;
        String version;
        String mode;
        Long clients;
        Long timeout = null;
        Long keepalive = null;
        Long maxClients = null;
        String configRefused = null;
        Object hello;
        try (Conn c = t.open()) {
            if (c.connection.isTls()) {
                tls = c.connection.sslSession().getProtocol() + ", " + o.tls().description();
            }
            Object server = c.call("INFO", "server");
            version = MiniResp.info(server, "redis_version");
            mode = MiniResp.info(server, "redis_mode");
            clients = number(MiniResp.info(c.call("INFO", "clients"), "connected_clients"));
            Object config = c.call("CONFIG", "GET", "timeout");
            if (config instanceof MiniResp.Err e) {
                configRefused = u.mask(e.text());
            } else {
                timeout = setting(config);
                keepalive = setting(c.call("CONFIG", "GET", "tcp-keepalive"));
                maxClients = setting(c.call("CONFIG", "GET", "maxclients"));
            }
            hello = c.call("HELLO", "3"); // last: the connection speaks RESP3 after it
        }
        IdleSearch.Result idle = new IdleSearch.Result(null, null, null, null, false, 0);
        if (configRefused != null) {
            idle = IdleSearch.run(o.parallel(), o.maxIdle().toMillis(), progress, hold -> holdIdle(t, hold));
        }
        boolean resp3 = hello instanceof Map<?, ?>;
        String helloError = hello instanceof MiniResp.Err e ? u.mask(e.text()) : resp3 ? null : "an unexpected reply";
        Advice a = advise(u, timeout, keepalive, maxClients, clients, configRefused != null, idle, o.maxIdle().toMillis(), helloError);
        return new Result(target.shown(), tls, version, mode, resp3, helloError, clients, maxClients, timeout, keepalive,
                configRefused, idle.idleMs(), idle.lowMs(), idle.highMs(), idle.signal(), idle.aboveMax(), o.maxIdle().toMillis(),
                idle.rounds(), t.opened.get(), (System.nanoTime() - start) / 1_000_000, a.idleTimeoutMs(), a.code(), a.sentences());
    }

    /** One connection: opened (its PING answered), then idle until {@code holdMs}, watching for a close; then a PING. */
    private static IdleSearch.Held holdIdle(Target t, long holdMs) throws IOException {
        try (Conn c = t.open()) {
            IdleSearch.Held closed = IdleSearch.watch(c.connection, c.in, System.nanoTime(), holdMs, b -> {
                throw new ProbeFailure(t.url + ": the server sent data on an idle connection, unasked (it starts with "
                        + MiniHttp.quote(String.valueOf((char) b)) + "); the probe cannot tell its idle timeout");
            });
            if (closed != null) {
                return closed;
            }
            c.connection.readTimeout(t.timeout);
            try {
                c.call("PING");
                return new IdleSearch.Held(IdleSearch.Outcome.ALIVE, holdMs);
            } catch (IOException e) {
                return new IdleSearch.Held(IdleSearch.Outcome.DEAD, holdMs);
            }
        }
    }

    /** The suggested setting and the sentences that say why; {@code idleTimeoutMs} and {@code code} null where the defaults fit. */
    record Advice(Long idleTimeoutMs, String code, List<String> sentences) {
    }

    /**
     * What fits the server, each case with its own advice:
     *
     * <ol>
     *   <li>A {@code timeout} read or measured: the pool's idleTimeout a margin below it, and why tether
     *       needs it only to keep commands from racing the close (its watcher sees the close).</li>
     *   <li>Connections dropped silently: the same setting, and TCP keepalive, since no watcher sees such a drop.</li>
     *   <li>None: tether's defaults.</li>
     * </ol>
     * Then what the server's own keepalive, its client limit and its protocol mean for the client.
     */
    static Advice advise(RedisUrl u, Long timeoutS, Long keepaliveS, Long maxClients, Long clients, boolean measured,
                         IdleSearch.Result idle, long maxIdleMs, String helloError) {
        List<String> out = new ArrayList<>();
        Long basis = measured ? idle.basisMs() : timeoutS != null && timeoutS > 0 ? timeoutS * 1000 : null;
        Long suggested = null;
        String code = null;
        if (basis != null) {
            // Redis counts its timeout in whole seconds: a cut measured at 2.5 s may come at 2.01 s for another
            // connection, so a measured one gets a margin of a second at least.
            suggested = IdleSearch.below(basis, measured && idle.idleMs() != null ? 1000 : 250);
            String what = measured ? "the idle cut measured, " + IdleSearch.seconds(basis) : "the server's timeout of " + timeoutS + " s";
            code = String.join(System.lineSeparator(), "RedisClientConfig.builder(\"" + u + "\")",
                    String.format(Locale.ROOT, "    .pool(p -> p.idleTimeout(Duration.ofMillis(%d)))   // a margin below %s",
                            suggested, what),
                    "    .build();");
        }
        if (measured) {
            out.add("CONFIG is refused here (as on managed services, which rename or forbid it), so the probe measured the"
                    + " idle cut instead, by holding idle connections for different times; where it saw a close, the setting"
                    + " keeps a second's margin, since Redis counts its timeout in whole seconds.");
        }
        if (basis != null && (!measured || idle.idleMs() != null)) {
            out.add("The server closes connections idle for " + (measured ? "about " + IdleSearch.seconds(basis) : "more than "
                    + timeoutS + " s (it counts whole seconds, so after " + timeoutS + " to " + (timeoutS + 1) + " s)")
                    + ". tether's idle watcher drops such a connection the moment its close arrives, so no command meets a"
                    + " closed connection even without this setting; with it, tether retires connections before the server's"
                    + " timer fires, so no command races the close (a race that can end an INCR with \"may have been applied\").");
        } else if (basis != null) {
            out.add("The idle connections died without a FIN or an RST (a firewall, NAT or load balancer that drops idle"
                    + " connections silently): tether's idle watcher cannot see such a drop, so set this idle timeout, and keep"
                    + " TCP keepalive on (SocketConfig keepAlive, the default) to find a dropped connection that is still in the pool.");
        } else if (measured) {
            out.add("Idle connections lived past " + IdleSearch.seconds(maxIdleMs) + " (--max-idle), so tether's defaults fit:"
                    + " the pool retires connections idle for 50 s (idleTimeout), below the 60 s after which many load balancers"
                    + " and NAT gateways drop them.");
        } else if (timeoutS != null) {
            out.add("The server never closes idle connections (timeout 0), so tether's defaults fit: the pool retires"
                    + " connections idle for 50 s (idleTimeout), below the 60 s after which many load balancers and NAT"
                    + " gateways drop them; if something between you and the server cuts sooner, the lab's redis-load-balancer"
                    + " scenario shows what tether does about it.");
        }
        if (keepaliveS != null && keepaliveS == 0) {
            out.add("The server's tcp-keepalive is 0: it never probes its clients, so a client that vanished keeps its"
                    + " connection and a maxclients slot" + (timeoutS != null && timeoutS > 0 ? " until the timeout" : " for ever")
                    + "; tether's own TCP keepalive (SocketConfig, on by default) guards its side only.");
        }
        if (maxClients != null) {
            long per = 32;
            out.add("The server accepts " + maxClients + " clients" + (clients == null ? "" : " (" + clients + " connected now,"
                    + " the probe's included)")
                    + "; each RedisClient holds at most pool maxPerKey connections (" + per + " by default), so about "
                    + Math.max(1, maxClients / per) + " of them fit: lower maxPerKey if more applications share this server.");
        }
        if (helloError != null) {
            out.add("The server refused HELLO 3 (" + helloError + "; Redis before 6 does not know it), so keep protocol RESP2,"
                    + " tether's default.");
        }
        return new Advice(suggested, code, out);
    }

    private static Long setting(Object configGet) {
        if (configGet instanceof List<?> l && l.size() == 2) {
            return number(String.valueOf(l.get(1)));
        }
        if (configGet instanceof Map<?, ?> m && m.size() == 1) {
            return number(String.valueOf(m.values().iterator().next()));
        }
        return null;
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How the probe's connections are opened and set up. */
    private static final class Target {
        final RedisUrl url;
        final Duration timeout;
        final TcpConnector connector;
        final Endpoint endpoint;
        final AtomicInteger opened = new AtomicInteger();

        Target(RedisUrl url, Options o) {
            this.url = url;
            this.timeout = o.timeout();
            // As the HTTP probe's: opened directly, no idle watcher, no TCP keepalive (its probes would reset the
            // idle timer of a load balancer that counts packets, and hide the cut the probe measures).
            this.connector = TcpConnector.builder()
                    .socketConfig(SocketConfig.builder().connectTimeout(timeout).readTimeout(timeout).keepAlive(false).build())
                    .resolver(o.resolver())
                    .watchIdle(false)
                    .build();
            ProbeTarget t = url.target();
            this.endpoint = Endpoint.builder().host(t.host()).port(t.port()).tls(t.tls() ? o.tls().settings() : null).build();
        }

        /** A connection set up as the URL says: AUTH, SELECT; a refusal is a {@link ProbeFailure} that says what to change. */
        Conn open() throws IOException {
            Connection c;
            try {
                c = connector.open(endpoint);
            } catch (ConnectionFailure f) {
                throw url.target().tls() ? ProbeTls.explain(f, url.target(), timeout) : f;
            }
            opened.incrementAndGet();
            Conn conn = new Conn(this, c);
            try {
                for (List<String> command : url.setup(null)) {
                    Object r = conn.call(command.toArray(String[]::new));
                    if (r instanceof MiniResp.Err e) {
                        throw refused(command.get(0), e);
                    }
                }
                Object pong = conn.call("PING");
                if (pong instanceof MiniResp.Err e) {
                    throw refused("PING", e);
                }
                return conn;
            } catch (ConnectionFailure f) {
                conn.close();
                if (f.kind() == Kind.READ_TIMEOUT && !f.responseStarted()) {
                    // Connected, then silence: an HTTP server, for one, waits for the end of a request that never comes.
                    throw new ProbeFailure(url + ": the server at " + url.target().authority() + " accepted the connection but"
                            + " did not answer " + (url.password() != null ? "AUTH" : "PING") + " within " + timeout.toMillis()
                            + " ms: is it a Redis server?", f);
                }
                if (!url.target().tls() && speaksTls(f)) {
                    // A TLS port takes the first plain command for a broken handshake and hangs up,
                    // or answers with a TLS alert; the reset alone would read as a crashed server.
                    throw new ProbeFailure(url + ": the server at " + url.target().authority() + " hung up on the first"
                            + " command without a RESP reply: if this port speaks TLS, probe " + url.target().asTls() + " instead"
                            + (url.password() != null ? " (the URL's password went out unencrypted: change it if this network is"
                            + " not yours)" : ""), f);
                }
                throw f;
            } catch (IOException | RuntimeException e) {
                conn.close();
                throw e;
            }
        }

        /**
         * Whether a failure on a fresh connection's first command looks like a TLS server's answer
         * to plain text: a close or reset before any reply byte, or a reply that starts with a TLS
         * record (0x15 an alert, 0x16 a handshake).
         */
        private static boolean speaksTls(ConnectionFailure f) {
            if ((f.kind() == Kind.RESET || f.kind() == Kind.PEER_CLOSED) && !f.responseStarted()) {
                return true;
            }
            return f.kind() == Kind.PROTOCOL && (f.getMessage().contains("\"\\x15\\x03") || f.getMessage().contains("\"\\x16\\x03"));
        }

        private ProbeFailure refused(String command, MiniResp.Err e) {
            String why = switch (e.prefix()) {
                case "NOAUTH" -> "the server requires a password: give it in the URL, redis://:PASSWORD@" + url.target().authority()
                        + " (or redis://USER:PASSWORD@... for an ACL user); the probe never prints it";
                case "WRONGPASS" -> "the server refused the user or password of the URL";
                case "NOPERM" -> "the URL's user may not run " + command + "; the probe needs PING, INFO and, if allowed, CONFIG GET";
                default -> command.equals("AUTH") && e.text().contains("without any password")
                        ? "the server has no password set, but the URL gives one: leave it out"
                        : command.equals("SELECT") ? "the server has no database " + url.database() : command + " was refused";
            };
            return new ProbeFailure(url + ": " + why + " (the server said: " + url.mask(e.text()) + ")");
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
         * One command and its reply (an error reply is a {@link MiniResp.Err}); a reply that ends
         * early or breaks RESP is a {@link ConnectionFailure} with this connection's facts.
         */
        Object call(String... command) throws IOException {
            connection.beginExchange();
            try {
                MiniResp.write(connection.output(), List.of(command));
                return MiniResp.read(in);
            } catch (ConnectionFailure f) {
                throw f;
            } catch (EOFException e) {
                throw connection.failure(Kind.PEER_CLOSED, e.getMessage(), e);
            } catch (IOException e) {
                throw connection.failure(Kind.PROTOCOL, e.getMessage() + " (answering " + command[0] + ")", e);
            }
        }

        @Override
        public void close() {
            // No pool owns it: its owner is done with it, the nearest of the pool's reasons.
            target.connector.close(connection, Reason.POOL_CLOSED);
        }
    }
}
