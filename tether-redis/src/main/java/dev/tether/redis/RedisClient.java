package dev.tether.redis;

import dev.tether.net.Endpoint;
import dev.tether.net.SettingNames;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Inspectable;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolView;
import dev.tether.pool.RetryOutcome;
import dev.tether.pool.PoolStats;
import dev.tether.pool.Ticker;
import dev.tether.redis.internal.Dispatch;
import dev.tether.redis.internal.RedisConnection;
import dev.tether.redis.internal.RedisConnector;
import dev.tether.redis.internal.RespLimits;
import dev.tether.redis.internal.Subscriber;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Redis client on a pool of connections to one server. Build one per server and share it; it is
 * thread-safe. Each command (or each shared round trip, see below) leases a connection, runs, and
 * gives it back:
 *
 * <ol>
 *   <li>A new connection is opened by tether-net within the connect timeout and set up by the
 *       handshake the config asks for ({@code HELLO 3}, {@code AUTH}, {@code CLIENT SETNAME},
 *       {@code SELECT}), replayed on every new connection, so every connection is in the same state.</li>
 *   <li>An idle connection is watched by tether-net's idle watcher: one the server closed
 *       ({@code CLIENT KILL}, its {@code timeout}, a restart) is dropped the moment its FIN or RST
 *       arrives, before anyone leases it; a zero-wait check at lease time covers the gap, for
 *       every connection back in the pool for {@link #LEASE_CHECK_AFTER_IDLE} or more. One
 *       returned a moment ago was read from then, and Redis closes a connection only when told
 *       to or after its own idle timeout (a second at least): a close in that moment is found by
 *       the command, as a close during the command would be, under the retry rule below.</li>
 *   <li>A command whose reused connection fails before any reply byte is sent again once on a fresh
 *       connection when the command table says it is safe to repeat (reads, and writes whose
 *       repetition changes nothing); any other is never re-sent, and its
 *       {@link RedisConnectionException} says that it may have been applied. {@link Command#retry}
 *       overrides the table for one call.</li>
 *   <li>A blocking command (BLPOP, XREAD BLOCK, WAIT...) reads with its own timeout plus
 *       {@link RedisClientConfig#blockingMargin()}, never the socket's default.</li>
 *   <li>When no connection can be had (the server is down), a command fails after at most the
 *       pool's acquire timeout, with the endpoint and the last connect error in its message;
 *       reconnects follow the pool's backoff, and nothing queues beyond its bounded waiters.</li>
 * </ol>
 * Pipelines and transactions ({@link #pipeline()}, {@link #transaction()}) use one connection for
 * one round trip; {@link #session()} keeps one connection for WATCH and hand-written MULTI;
 * {@link #subscribe} gives pub/sub a connection and a thread of its own that resubscribe after a
 * reconnect. Single commands of concurrent callers share round trips
 * ({@link RedisClientConfig#autoPipelining()}): what arrives while a round trip is in flight goes
 * together in the next one, each command still judged on its own by the rules above. Time comes
 * from the config's {@link Ticker} only.
 */
public final class RedisClient implements RedisCommands, Inspectable, AutoCloseable {
    /**
     * A connection returned to the pool less than this long ago is leased without the zero-wait
     * check (a system call: about a tenth of the calling thread's CPU time per command for a
     * client in a loop). Far below any idle timeout Redis can be given, and above a busy client's gap
     * between commands on one connection.
     */
    public static final Duration LEASE_CHECK_AFTER_IDLE = Duration.ofNanos(250_000);

    /** How failure messages name the settings a Redis user can change. */
    static final SettingNames SETTING_NAMES = new SettingNames("RedisClientConfig.socket(s -> s.%s(...))",
            "RedisClientConfig.pool(p -> p.%s(...))", "the SSLContext in RedisClientConfig.tls(...)");

    private final RedisClientConfig config;
    private final Endpoint endpoint;
    private final RedisConnector connector;
    private final Pool<RedisConnection> pool;
    private final Dispatch dispatch;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    private RedisClient(RedisClientConfig config) {
        this.config = config;
        this.endpoint = Endpoint.builder().host(config.host()).port(config.port()).tls(config.tls()).build();
        TcpConnector tcp = TcpConnector.builder()
                .socketConfig(config.socket())
                .resolver(config.resolver())
                .ticker(config.ticker())
                .settingNames(SETTING_NAMES)
                .leaseCheckAfterIdle(LEASE_CHECK_AFTER_IDLE)
                .build();
        this.connector = new RedisConnector(tcp, new RespLimits(config.maxBulkBytes(), config.maxArrayLength(),
                config.maxNestingDepth(), config.maxReplyBytes()), handshake(config), config.user(), config.password());
        this.pool = Pool.builder(endpoint, connector).config(config.pool()).ticker(config.ticker())
                .describedAs("redis", this::withFigures).build();
        this.dispatch = new Dispatch(pool, connector, endpoint, config.ticker(), config.pool().openTimeout(),
                config.pool().acquireTimeout(), config.blockingMargin(), config.pool().name(), config.autoPipelining());
    }

    /**
     * A client for {@code uri} ({@code redis[s]://[user[:password]@]host[:port][/database]}) with the default settings.
     *
     * @param uri the server's URI; user and password in it are kept secret in every message
     * @return the client; close it when the application stops
     * @throws IllegalArgumentException if the URI is not a redis or rediss URI, or a setting it carries is out of range
     */
    public static RedisClient create(String uri) {
        return new RedisClient(RedisClientConfig.builder(uri).build());
    }

    /**
     * A client with a configuration.
     *
     * @param config the configuration
     * @return the client; close it when the application stops
     */
    public static RedisClient create(RedisClientConfig config) {
        return new RedisClient(config);
    }

    /**
     * The configuration the client was created with.
     *
     * @return the configuration
     */
    public RedisClientConfig config() {
        return config;
    }

    /**
     * The server, as every message names it.
     *
     * @return host, port and TLS of the server
     */
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public Object send(Command command) {
        return dispatch.call(command);
    }

    /**
     * Commands to send in one round trip, each with its own reply.
     *
     * @return an empty pipeline; {@link Pipeline#execute()} sends it on one pooled connection
     */
    public Pipeline pipeline() {
        return new Pipeline(cmds -> dispatch.batch(cmds, false));
    }

    /**
     * Commands to send as MULTI ... EXEC in one round trip: all applied, or none.
     *
     * @return an empty transaction; {@link Pipeline#execute()} sends it on one pooled connection
     */
    public Pipeline transaction() {
        return new Pipeline(cmds -> dispatch.batch(cmds, true));
    }

    /**
     * A connection of the pool for this caller until the session is closed (WATCH, hand-written MULTI).
     *
     * @return the session; close it to give the connection back
     * @throws RedisConnectionException if no connection could be had within the pool's acquire timeout
     */
    public RedisSession session() {
        return new RedisSession(dispatch, dispatch.leaseForSession());
    }

    /**
     * Subscribes {@code listener} to {@code channels} on a connection of its own; returns once the
     * server confirmed. Fails at once (a {@link RedisConnectionException}) if no connection can be
     * opened; later connection failures are survived (see {@link Subscription}).
     *
     * @param listener receives the messages on the subscription's thread
     * @param channels the channels; none to subscribe later with {@link Subscription#subscribe}
     * @return the subscription; close it to end it
     * @throws RedisConnectionException if no connection can be opened, or the server refused the subscription
     */
    public Subscription subscribe(MessageListener listener, String... channels) {
        return subscription(listener, channels, false);
    }

    /**
     * Subscribes {@code listener} to glob-style {@code patterns} (PSUBSCRIBE) on a connection of its own.
     *
     * @param listener receives the messages on the subscription's thread
     * @param patterns glob-style channel patterns
     * @return the subscription; close it to end it
     * @throws RedisConnectionException if no connection can be opened, or the server refused the subscription
     */
    public Subscription psubscribe(MessageListener listener, String... patterns) {
        return subscription(listener, patterns, true);
    }

    private Subscription subscription(MessageListener listener, String[] names, boolean patterns) {
        Subscriber sub = new Subscriber(connector, endpoint, config.ticker(), config.pool().openTimeout(),
                config.pool().openBackoff(), listener);
        sub.start();
        Subscription s = new Subscription(sub, config.socket().readTimeout().plus(config.socket().connectTimeout()),
                subscriptions::remove);
        subscriptions.add(s);
        try {
            if (names.length > 0 && patterns) {
                s.psubscribe(names);
            } else if (names.length > 0) {
                s.subscribe(names);
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The pool's counts: idle, leased, opening, waiting, and closes by reason.
     *
     * @return a snapshot of the pool
     */
    public PoolStats poolStats() {
        return pool.stats();
    }

    /**
     * The pool's connections, each with its age, idle time, uses and deadline, and the commands
     * whose connection failed by what became of them ({@link RetryOutcome}). Kind {@code redis};
     * Redis announces no idle timeout, so none is learned. Pub/sub connections are not pooled and
     * not shown.
     */
    @Override
    public PoolView poolView() {
        return withFigures(pool.poolView());
    }

    private PoolView withFigures(PoolView v) {
        Map<RetryOutcome, Long> r = new EnumMap<>(RetryOutcome.class);
        for (RetryOutcome o : RetryOutcome.values()) {
            r.put(o, dispatch == null ? 0L : dispatch.retries(o));
        }
        return v.forClient("redis", key -> null, r);
    }

    /** Closes every idle connection now ({@link dev.tether.pool.Reason#EVICTED}); the next commands open fresh ones. */
    @Override
    public int evictIdle() {
        return pool.evictIdle();
    }

    @Override
    public ListenerHandle addPoolListener(PoolListener<Object, Object> listener) {
        return pool.addPoolListener(listener);
    }

    /** Closes subscriptions and idle connections now, leased ones when they come back. */
    @Override
    public void close() {
        for (Subscription s : List.copyOf(subscriptions)) {
            s.close();
        }
        pool.close();
        dispatch.flushLog();
    }

    @Override
    public String toString() {
        return "RedisClient[" + config.pool().name() + " " + endpoint + ", " + pool.stats() + "]";
    }

    /** The commands that put every new connection in the configured state, in one round trip. */
    private static List<Command> handshake(RedisClientConfig c) {
        List<Command> h = new ArrayList<>(4);
        if (c.protocol() == Protocol.RESP3) {
            List<Object> hello = new ArrayList<>(List.of("3"));
            if (c.hasPassword()) {
                hello.addAll(List.of("AUTH", c.user() != null ? c.user() : "default", c.password()));
            }
            if (c.clientName() != null) {
                hello.addAll(List.of("SETNAME", c.clientName()));
            }
            h.add(Command.of("HELLO", hello.toArray()));
        } else {
            if (c.hasPassword()) {
                h.add(c.user() != null ? Command.of("AUTH", c.user(), c.password()) : Command.of("AUTH", c.password()));
            }
            if (c.clientName() != null) {
                h.add(Command.of("CLIENT", "SETNAME", c.clientName()));
            }
        }
        if (c.database() != 0) {
            h.add(Command.of("SELECT", c.database()));
        }
        return h;
    }
}
