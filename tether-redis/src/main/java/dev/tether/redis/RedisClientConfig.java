package dev.tether.redis;

import dev.tether.pool.Redact;

import dev.tether.net.Resolver;
import dev.tether.net.ClientLayers;
import dev.tether.net.SocketConfig;
import dev.tether.net.TlsSettings;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Ticker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The client's policy. Immutable; build one with {@link #builder()} (or {@link #builder(String)}
 * from a {@code redis://} URI) or change a copy with {@link #toBuilder()}.
 *
 * <p>The layers below Redis keep their own configuration, held here whole: the pool's limits and
 * expiry ({@link PoolConfig}: {@code maxPerKey} connections, {@code acquireTimeout},
 * {@code idleTimeout}, {@code maxWaiters}, {@code openBackoff}, lifetimes...) and the socket's
 * ({@link SocketConfig}: {@code connectTimeout}, {@code readTimeout}, TCP keepalive timers,
 * buffers). Each is set with the lower layer's own builder and names:
 *
 * <pre>{@code
 * RedisClientConfig.builder("redis://:secret@127.0.0.1:6379/2")
 *         .pool(p -> p.maxPerKey(16).acquireTimeout(Duration.ofSeconds(1)))
 *         .socket(s -> s.readTimeout(Duration.ofSeconds(2)))
 *         .clientName("orders")
 *         .build();
 * }</pre>
 *
 * Only what is Redis's own lives on this class: the server and its credentials, the protocol, the
 * limits on what a server can make the client allocate, the margin of blocking commands.
 * {@link Builder#build()} validates each layer once, with that layer's rules, and names the field,
 * the value and the rule of the first bad one (a pool or socket field prefixed {@code pool.} or
 * {@code socket.}); nothing is corrected quietly. The password never appears in {@link #toString()}
 * or in any message. Immutable and thread-safe.
 */
public final class RedisClientConfig {

    /**
     * The pool Redis starts from: {@link PoolConfig#DEFAULT} with Redis's name, up to 32 connections
     * (one per concurrent caller: a Redis command is short, the server is one thread) and a 2 s
     * acquire timeout, so that during an outage a command fails within seconds instead of queueing.
     */
    public static final PoolConfig DEFAULT_POOL = PoolConfig.builder()
            .name("redis")
            .maxPerKey(32)
            .maxTotal(32)
            .acquireTimeout(Duration.ofSeconds(2))
            .build();

    /**
     * The socket Redis starts from: {@link SocketConfig#DEFAULT} with a 2 s connect timeout (a Redis
     * server answers a connect at once or not at all) and a 10 s read timeout (Redis answers in
     * microseconds; a command that takes seconds is a stalled server; blocking commands get their
     * own timeout).
     */
    public static final SocketConfig DEFAULT_SOCKET = SocketConfig.DEFAULT.toBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(10))
            .build();

    /**
     * Every setting at its default: {@code redis://127.0.0.1:6379}, no credentials (see each accessor).
     */
    public static final RedisClientConfig DEFAULT = builder().build();

    private final PoolConfig pool;
    private final SocketConfig socket;
    private final Ticker ticker;
    private final String host;
    private final int port;
    private final TlsSettings tls;
    private final Resolver resolver;
    private final String user;
    private final String password;
    private final int database;
    private final String clientName;
    private final Protocol protocol;
    private final int maxBulkBytes;
    private final int maxArrayLength;
    private final int maxNestingDepth;
    private final long maxReplyBytes;
    private final Duration blockingMargin;
    private final int autoPipelining;

    private RedisClientConfig(Builder b, PoolConfig pool, SocketConfig socket) {
        this.pool = pool;
        this.socket = socket;
        ticker = b.ticker;
        host = b.host;
        port = b.port;
        tls = b.tls;
        resolver = b.resolver;
        user = b.user;
        password = b.password;
        database = b.database;
        clientName = b.clientName;
        protocol = b.protocol;
        maxBulkBytes = b.maxBulkBytes;
        maxArrayLength = b.maxArrayLength;
        maxNestingDepth = b.maxNestingDepth;
        maxReplyBytes = b.maxReplyBytes;
        blockingMargin = b.blockingMargin;
        autoPipelining = b.autoPipelining;
    }

    /**
     * Starts a configuration from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder for the server of a URI, as {@link Builder#uri(String)}.
     *
     * @param uri {@code redis[s]://[user[:password]@]host[:port][/database]}
     * @return a new builder
     * @throws IllegalArgumentException if the URI does not parse (see {@link RedisUri#parse})
     */
    public static Builder builder(String uri) {
        return new Builder().uri(uri);
    }

    /**
     * Starts a configuration from this one, password included.
     *
     * @return a builder holding this configuration's values
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The pool: limits, waiting, expiry, open backoff. Its {@code name} is the client's name in messages.
     *
     * @return the pool's policy (default {@link #DEFAULT_POOL})
     */
    public PoolConfig pool() { return pool; }
    /**
     * How sockets are opened and tuned: connect and read timeouts, TCP keepalive, buffers.
     *
     * @return the socket configuration (default {@link #DEFAULT_SOCKET})
     */
    public SocketConfig socket() { return socket; }
    /**
     * The one clock of the client: the pool, connections' ages and idle times read it.
     *
     * @return the ticker (default {@link Ticker#SYSTEM})
     */
    public Ticker ticker() { return ticker; }
    /**
     * The server's host.
     *
     * @return the host name or IP literal (default {@code 127.0.0.1})
     */
    public String host() { return host; }
    /**
     * The server's port.
     *
     * @return 1..65535 (default 6379)
     */
    public int port() { return port; }
    /**
     * TLS settings ({@code rediss://}).
     *
     * @return the settings, or null (the default) for plain TCP
     */
    public TlsSettings tls() { return tls; }
    /**
     * How the host name becomes addresses.
     *
     * @return the resolver (default {@link Resolver#SYSTEM})
     */
    public Resolver resolver() { return resolver; }
    /**
     * The ACL user (AUTH user password).
     *
     * @return the user, or null (the default) for the default user
     */
    public String user() { return user; }
    /**
     * Whether a password is set (the password itself is not readable from the config).
     *
     * @return true when AUTH is sent
     */
    public boolean hasPassword() { return password != null; }
    String password() { return password; }
    /**
     * The database every connection SELECTs.
     *
     * @return the number, at least 0 (default 0: no SELECT is sent)
     */
    public int database() { return database; }
    /**
     * The name every connection gives itself (CLIENT SETNAME).
     *
     * @return the name, or null (the default) for none
     */
    public String clientName() { return clientName; }
    /**
     * The protocol every connection speaks.
     *
     * @return the protocol (default {@link Protocol#RESP2})
     */
    public Protocol protocol() { return protocol; }
    /**
     * The largest bulk string (value) accepted from the server; a larger one is a PROTOCOL failure.
     *
     * @return the size in bytes, at least 1,024 (default 64 MiB)
     */
    public int maxBulkBytes() { return maxBulkBytes; }
    /**
     * The most elements accepted in one array, map or set reply; more is a PROTOCOL failure.
     *
     * @return the count, at least 16 (default 4 Mi)
     */
    public int maxArrayLength() { return maxArrayLength; }
    /**
     * How deeply aggregates (arrays in arrays) may nest in a reply; deeper is a PROTOCOL failure.
     *
     * @return the depth, 2..1000 (default 32)
     */
    public int maxNestingDepth() { return maxNestingDepth; }
    /**
     * The most bytes one reply may take on the wire, all of its parts together; more is a PROTOCOL
     * failure. {@link #maxBulkBytes()} and {@link #maxArrayLength()} bound one value and one
     * aggregate, this bounds their product: without it a server could send an array of millions of
     * large strings within both. A reply of small values costs several times its wire size in the heap.
     *
     * @return the size in bytes, at least 1,024 (default 256 MiB)
     */
    public long maxReplyBytes() { return maxReplyBytes; }
    /**
     * Added to a blocking command's own timeout (BLPOP, XREAD BLOCK, WAIT...) to get its read
     * timeout: the server answers at its timeout, the margin covers the way back.
     *
     * @return the margin, 1 ms to 1 h (default 2 s)
     */
    public Duration blockingMargin() { return blockingMargin; }
    /**
     * How many of the pool's connections concurrent single commands share (auto-pipelining). A
     * command that finds fewer round trips than this in flight leads one on a pooled connection;
     * one that finds them all busy waits, and goes in the next round trip together with every
     * other command that waited meanwhile: one write and one read for all of them, on the client
     * and on the server. Alone, a command is sent at once as without sharing. Only commands of the
     * retry table that do not block share (not BLPOP, XREAD BLOCK, WAIT, nor a command with its
     * own {@link Command#readTimeout}, nor one the table does not know, such as SELECT or CLIENT);
     * pipelines, transactions, sessions and subscriptions keep a connection of their own. Each
     * command's retry is decided as if it had been alone: a reply that had begun is its own.
     * 0 turns sharing off (a connection per command in flight, as Jedis does).
     *
     * @return 0 (off) up to the pool's connections ({@code maxPerKey}, {@code maxTotal}); default 1
     */
    public int autoPipelining() { return autoPipelining; }

    @Override
    public String toString() {
        return "RedisClientConfig{" + (tls != null ? "rediss://" : "redis://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + ":" + port + (database != 0 ? "/" + database : "") + ", user=" + user + ", password=" + (password != null ? Redact.MASK : "none")
                + ", clientName=" + clientName + ", protocol=" + protocol + ", pool=" + pool + ", socket=" + socket
                + ", maxBulkBytes=" + maxBulkBytes + ", maxArrayLength=" + maxArrayLength + ", maxNestingDepth=" + maxNestingDepth
                + ", maxReplyBytes=" + maxReplyBytes + ", blockingMargin=" + blockingMargin + ", autoPipelining=" + autoPipelining + (tls != null ? ", tls=" + tls : "") + '}';
    }

    /** Collects values; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private PoolConfig.Builder pool = DEFAULT_POOL.toBuilder();
        private SocketConfig.Builder socket = DEFAULT_SOCKET.toBuilder();
        private Ticker ticker = Ticker.SYSTEM;
        private String host = "127.0.0.1";
        private int port = RedisUri.DEFAULT_PORT;
        private TlsSettings tls;
        private Resolver resolver = Resolver.SYSTEM;
        private String user;
        private String password;
        private int database;
        private String clientName;
        private Protocol protocol = Protocol.RESP2;
        private int maxBulkBytes = 64 * 1024 * 1024;
        private int maxArrayLength = 4 * 1024 * 1024;
        private int maxNestingDepth = 32;
        private long maxReplyBytes = 256L * 1024 * 1024;
        private Duration blockingMargin = Duration.ofSeconds(2);
        private int autoPipelining = 1;

        private Builder() {
        }

        private Builder(RedisClientConfig c) {
            pool = c.pool.toBuilder();
            socket = c.socket.toBuilder();
            ticker = c.ticker;
            host = c.host;
            port = c.port;
            tls = c.tls;
            resolver = c.resolver;
            user = c.user;
            password = c.password;
            database = c.database;
            clientName = c.clientName;
            protocol = c.protocol;
            maxBulkBytes = c.maxBulkBytes;
            maxArrayLength = c.maxArrayLength;
            maxNestingDepth = c.maxNestingDepth;
            maxReplyBytes = c.maxReplyBytes;
            blockingMargin = c.blockingMargin;
            autoPipelining = c.autoPipelining;
        }

        /**
         * Server, credentials, database and TLS from a {@code redis://} or {@code rediss://} URI
         * ({@link RedisUri}); {@code rediss} turns TLS on with {@link TlsSettings#DEFAULT} unless
         * TLS settings were given already. Replaces the user and password (none in the URI: none).
         *
         * @param uri {@code redis[s]://[user[:password]@]host[:port][/database]}
         * @return this builder
         * @throws IllegalArgumentException if the URI does not parse (see {@link RedisUri#parse})
         */
        public Builder uri(String uri) {
            RedisUri u = RedisUri.parse(uri);
            host = u.host();
            port = u.port();
            user = u.user();
            password = u.password();
            database = u.database();
            tls = u.tls() ? (tls != null ? tls : TlsSettings.DEFAULT) : null;
            return this;
        }

        /**
         * Replaces the pool settings (later {@link #pool(Consumer)} calls change them further).
         *
         * @param config the pool's policy
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder pool(PoolConfig config) {
            pool = Objects.requireNonNull(config, "pool").toBuilder();
            return this;
        }

        /**
         * Changes pool settings with the pool's own builder: {@code .pool(p -> p.maxPerKey(16).idleTimeout(...))}.
         * The values are checked in {@link #build()}.
         *
         * @param change edits the pool's builder
         * @return this builder
         */
        public Builder pool(Consumer<PoolConfig.Builder> change) {
            change.accept(pool);
            return this;
        }

        /**
         * Replaces the socket settings (later {@link #socket(Consumer)} calls change them further).
         *
         * @param config the socket configuration
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder socket(SocketConfig config) {
            socket = Objects.requireNonNull(config, "socket").toBuilder();
            return this;
        }

        /**
         * Changes socket settings with the socket's own builder: {@code .socket(s -> s.readTimeout(...))}.
         * The values are checked in {@link #build()}.
         *
         * @param change edits the socket's builder
         * @return this builder
         */
        public Builder socket(Consumer<SocketConfig.Builder> change) {
            change.accept(socket);
            return this;
        }

        /**
         * The client's clock; tests pass a fake one and move it.
         *
         * @param v the clock (default {@link Ticker#SYSTEM})
         * @return this builder
         */
        public Builder ticker(Ticker v) { ticker = v; return this; }
        /**
         * See {@link RedisClientConfig#host()}.
         *
         * @param v a host name or IP literal, not blank (default {@code 127.0.0.1})
         * @return this builder
         */
        public Builder host(String v) { host = v; return this; }
        /**
         * See {@link RedisClientConfig#port()}.
         *
         * @param v 1..65535 (default 6379)
         * @return this builder
         */
        public Builder port(int v) { port = v; return this; }
        /**
         * TLS with these settings.
         *
         * @param v the settings; null (the default) for plain TCP
         * @return this builder
         */
        public Builder tls(TlsSettings v) { tls = v; return this; }
        /**
         * See {@link RedisClientConfig#resolver()}.
         *
         * @param v not null (default {@link Resolver#SYSTEM})
         * @return this builder
         */
        public Builder resolver(Resolver v) { resolver = v; return this; }
        /**
         * The ACL user for AUTH (Redis 6 and later); needs a password.
         *
         * @param v a name without spaces or control characters; null (the default) for the default user
         * @return this builder
         */
        public Builder user(String v) { user = v; return this; }
        /**
         * The password for AUTH. Never shown in toString() or messages.
         *
         * @param v the password; null (the default) for none
         * @return this builder
         */
        public Builder password(String v) { password = v; return this; }
        /**
         * See {@link RedisClientConfig#database()}.
         *
         * @param v at least 0 (default 0)
         * @return this builder
         */
        public Builder database(int v) { database = v; return this; }
        /**
         * A name each connection gives itself with CLIENT SETNAME (visible in CLIENT LIST).
         *
         * @param v a name without spaces or control characters; null (the default) for none
         * @return this builder
         */
        public Builder clientName(String v) { clientName = v; return this; }
        /**
         * See {@link RedisClientConfig#protocol()}.
         *
         * @param v not null (default {@link Protocol#RESP2})
         * @return this builder
         */
        public Builder protocol(Protocol v) { protocol = v; return this; }
        /**
         * See {@link RedisClientConfig#maxBulkBytes()}.
         *
         * @param v bytes, at least 1,024 (default 64 MiB)
         * @return this builder
         */
        public Builder maxBulkBytes(int v) { maxBulkBytes = v; return this; }
        /**
         * See {@link RedisClientConfig#maxArrayLength()}.
         *
         * @param v at least 16 (default 4 Mi)
         * @return this builder
         */
        public Builder maxArrayLength(int v) { maxArrayLength = v; return this; }
        /**
         * See {@link RedisClientConfig#maxNestingDepth()}.
         *
         * @param v 2..1000 (default 32)
         * @return this builder
         */
        public Builder maxNestingDepth(int v) { maxNestingDepth = v; return this; }
        /**
         * See {@link RedisClientConfig#maxReplyBytes()}.
         *
         * @param v bytes, at least 1,024 (default 256 MiB)
         * @return this builder
         */
        public Builder maxReplyBytes(long v) { maxReplyBytes = v; return this; }
        /**
         * See {@link RedisClientConfig#blockingMargin()}.
         *
         * @param v 1 ms to 1 h (default 2 s)
         * @return this builder
         */
        public Builder blockingMargin(Duration v) { blockingMargin = v; return this; }
        /**
         * See {@link RedisClientConfig#autoPipelining()}.
         *
         * @param v 0 (off) up to the pool's connections ({@code maxPerKey}, {@code maxTotal}); default 1
         * @return this builder
         */
        public Builder autoPipelining(int v) { autoPipelining = v; return this; }

        /**
         * Checks every value, the pool's and the socket's included, and builds the configuration.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the first bad field (prefixed {@code pool.} or {@code socket.} for those layers), its value and the rule; a user without a password is refused
         * @throws NullPointerException if the ticker, resolver or protocol is null, naming it
         */
        public RedisClientConfig build() {
            ClientLayers layers = ClientLayers.build(pool, socket);
            PoolConfig p = layers.pool();
            SocketConfig s = layers.socket();
            Objects.requireNonNull(ticker, "ticker: null (expected: a Ticker, Ticker.SYSTEM by default)");
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host: " + (host == null ? "null" : '"' + host + '"') + " (expected: a host name or IP literal)");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
            }
            Objects.requireNonNull(resolver, "resolver: null (expected: a Resolver)");
            Objects.requireNonNull(protocol, "protocol: null (expected: RESP2 or RESP3)");
            if (user != null && (user.isEmpty() || hasSpaceOrControl(user))) {
                throw new IllegalArgumentException("user: \"" + user + "\" (expected: null, or a name without spaces or control characters)");
            }
            if (user != null && password == null) {
                throw new IllegalArgumentException("password: none for user \"" + user + "\" (expected: a password; AUTH needs one with a user)");
            }
            if (database < 0) {
                throw new IllegalArgumentException("database: " + database + " (expected: >= 0)");
            }
            if (clientName != null && (clientName.isEmpty() || hasSpaceOrControl(clientName))) {
                // CLIENT SETNAME refuses spaces: better to fail here than on every connection.
                throw new IllegalArgumentException("clientName: \"" + clientName + "\" (expected: null, or a name without spaces or control characters)");
            }
            if (maxBulkBytes < 1024) {
                throw new IllegalArgumentException("maxBulkBytes: " + maxBulkBytes + " (expected: >= 1024)");
            }
            if (maxArrayLength < 16) {
                throw new IllegalArgumentException("maxArrayLength: " + maxArrayLength + " (expected: >= 16)");
            }
            if (maxReplyBytes < 1024) {
                throw new IllegalArgumentException("maxReplyBytes: " + maxReplyBytes + " (expected: >= 1024)");
            }
            if (maxNestingDepth < 2 || maxNestingDepth > 1000) {
                throw new IllegalArgumentException("maxNestingDepth: " + maxNestingDepth + " (expected: 2..1000)");
            }
            if (blockingMargin == null || blockingMargin.compareTo(Duration.ofMillis(1)) < 0 || blockingMargin.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("blockingMargin: " + blockingMargin + " (expected: >= 1 ms and <= 1 h)");
            }
            int connections = Math.min(p.maxPerKey(), p.maxTotal());
            if (autoPipelining < 0 || autoPipelining > connections) {
                throw new IllegalArgumentException("autoPipelining: " + autoPipelining + " (expected: 0 (off) up to the pool's connections,"
                        + " pool.maxPerKey and pool.maxTotal: " + connections + ")");
            }
            return new RedisClientConfig(this, p, s);
        }

        private static boolean hasSpaceOrControl(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) <= ' ' || s.charAt(i) == 0x7f) {
                    return true;
                }
            }
            return false;
        }
    }
}
