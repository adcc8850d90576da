package dev.tether.jdbc;

import dev.tether.pool.Redact;

import dev.tether.net.ClientLayers;
import dev.tether.net.SocketConfig;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Ticker;

import java.sql.Connection;
import java.sql.Driver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The policy of a {@link JdbcPool}. Immutable; build one with {@link #builder()} or change a copy
 * with {@link #toBuilder()}.
 *
 * <p>The pool's limits and expiry are tether-pool's {@link PoolConfig}, held here whole and set
 * with its own builder: {@code .pool(p -> p.maxPerKey(20).idleTimeout(Duration.ofMinutes(5)))}.
 * A JDBC pool has one key, its database (URL and user), so <b>{@code maxPerKey} is the pool's
 * size</b>; {@code maxTotal} only has to be at least that. What is JDBC's own (URL, credentials,
 * driver properties, init SQL, the session defaults a lease starts from, how idle sessions are
 * checked) lives on this class. {@link Builder#build()} validates each layer once and names the
 * first bad field (a pool field prefixed {@code pool.}); nothing is corrected quietly.
 *
 * <p>The password never appears in {@link #toString()}, in a message or a log line; neither do
 * secrets inside the URL ({@code password=...}, {@code user:secret@}).
 */
public final class JdbcPoolConfig {

    /** The pool JDBC starts from: {@link PoolConfig#DEFAULT} named "jdbc", 10 connections, 10 min idle. */
    public static final PoolConfig DEFAULT_POOL = PoolConfig.builder()
            .name("jdbc")
            .maxPerKey(10)
            // A database session costs a TLS handshake and an authentication to open again: keep
            // idle ones longer than HTTP does. The idle watcher removes any the server closes.
            .idleTimeout(Duration.ofMinutes(10))
            .build();

    private final String url;
    private final String user;
    private final String password;
    private final Map<String, String> properties;
    private final Driver driver;
    private final List<String> initSql;
    private final PoolConfig pool;
    private final Ticker ticker;
    private final Boolean autoCommit;
    private final Integer transactionIsolation;
    private final Boolean readOnly;
    private final String catalog;
    private final String schema;
    private final boolean watchIdle;
    private final Duration validateAfterIdle;
    private final Duration validationTimeout;
    private final SocketConfig keepAlive;
    private final boolean followServerIdleTimeout;
    private final Duration serverIdleMargin;
    private final Duration failFastTimeout;

    private JdbcPoolConfig(Builder b, PoolConfig pool, SocketConfig keepAlive) {
        url = b.url;
        user = b.user;
        password = b.password;
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
        driver = b.driver;
        initSql = List.copyOf(b.initSql);
        this.pool = pool;
        ticker = b.ticker;
        autoCommit = b.autoCommit;
        transactionIsolation = b.transactionIsolation;
        readOnly = b.readOnly;
        catalog = b.catalog;
        schema = b.schema;
        watchIdle = b.watchIdle;
        validateAfterIdle = b.validateAfterIdle;
        validationTimeout = b.validationTimeout;
        this.keepAlive = keepAlive;
        followServerIdleTimeout = b.followServerIdleTimeout;
        serverIdleMargin = b.serverIdleMargin;
        failFastTimeout = b.failFastTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The JDBC URL given to the driver (it may hold secrets: see {@link #redactedUrl()} for messages). */
    public String url() { return url; }
    /** The URL with any password in it replaced by {@code ***}: what messages and logs show. */
    public String redactedUrl() { return Redact.jdbcUrl(url); }
    /** The user, or null to leave it to the URL or the properties. */
    public String user() { return user; }
    /** The password, or null. Never printed. */
    public String password() { return password; }
    /** Properties passed to the driver with every connect (besides user and password). */
    public Map<String, String> properties() { return properties; }
    /** The driver to use, or null to find one with {@link java.sql.DriverManager#getDriver(String)}. */
    public Driver driver() { return driver; }
    /** Statements run once on every new connection, in order, before it is first lent. */
    public List<String> initSql() { return initSql; }
    /** The pool: its size ({@code maxPerKey}), waiting, idle timeout, lifetime and jitter, leak detection. */
    public PoolConfig pool() { return pool; }
    /** The one clock of the pool: idle times, lifetimes, deadlines and waits read it. */
    public Ticker ticker() { return ticker; }
    /** The auto-commit mode every lease starts in, or null for the driver's (true by JDBC's rule). */
    public Boolean autoCommit() { return autoCommit; }
    /** The isolation level every lease starts with ({@link Connection#TRANSACTION_READ_COMMITTED}...), or null for the server's. */
    public Integer transactionIsolation() { return transactionIsolation; }
    /** Whether every lease starts read-only, or null for the driver's default. */
    public Boolean readOnly() { return readOnly; }
    /** The catalog every lease starts in, or null for the URL's. */
    public String catalog() { return catalog; }
    /** The schema every lease starts in, or null for the server's default. */
    public String schema() { return schema; }
    /**
     * Whether idle sessions are watched through the driver's socket (PostgreSQL's pgjdbc and MariaDB
     * Connector/J, through their {@code socketFactory} property): a session the server ends is
     * removed the moment its FIN arrives, and a lease checks the socket without a round trip.
     */
    public boolean watchIdle() { return watchIdle; }
    /**
     * For a session tether cannot watch (another driver, or watching off): a lease of one idle at
     * least this long first asks the driver {@link Connection#isValid(int)} (a round trip). ZERO:
     * every reuse is validated.
     */
    public Duration validateAfterIdle() { return validateAfterIdle; }
    /** How long {@link Connection#isValid(int)} may take (whole seconds, as JDBC counts them). */
    public Duration validationTimeout() { return validationTimeout; }
    /** Whether TCP keepalive is set on the sessions tether watches (it owns their sockets). */
    public boolean keepAlive() { return keepAlive.keepAlive(); }
    /** TCP_KEEPIDLE of a watched session's socket. */
    public Duration keepAliveIdle() { return keepAlive.keepAliveIdle(); }
    /** TCP_KEEPINTERVAL of a watched session's socket. */
    public Duration keepAliveInterval() { return keepAlive.keepAliveInterval(); }
    /** TCP_KEEPCOUNT of a watched session's socket. */
    public int keepAliveCount() { return keepAlive.keepAliveCount(); }
    /**
     * Whether each new session reads the server's idle cut ({@code idle_session_timeout} on
     * PostgreSQL, {@code wait_timeout} on MariaDB/MySQL) and is not lent once it has been idle
     * for that long less {@link #serverIdleMargin()}.
     */
    public boolean followServerIdleTimeout() { return followServerIdleTimeout; }
    /** How long before the server's idle cut a session stops being lent (at most half the cut). */
    public Duration serverIdleMargin() { return serverIdleMargin; }
    /**
     * {@link JdbcPool#create} opens one connection within this and fails if it cannot, so a wrong
     * URL or an unreachable database stops the application at start; ZERO: start without trying.
     */
    public Duration failFastTimeout() { return failFastTimeout; }

    /** The socket settings tether applies to a watched session's socket (only the keepalive ones). */
    SocketConfig keepAliveSocket() { return keepAlive; }

    /** The driver properties with every secret-looking value masked. */
    private static java.util.Map<String, String> redactProperties(java.util.Map<String, String> properties) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, Redact.isSecretName(k) ? Redact.MASK : v));
        return out;
    }

    @Override
    public String toString() {
        return "JdbcPoolConfig{url=" + redactedUrl() + ", user=" + user + ", password=" + (password == null ? "null" : Redact.MASK)
                + ", properties=" + redactProperties(properties) + ", driver=" + (driver == null ? "from DriverManager" : driver.getClass().getName())
                + ", initSql=" + initSql + ", pool=" + pool + ", autoCommit=" + autoCommit
                + ", transactionIsolation=" + transactionIsolation + ", readOnly=" + readOnly + ", catalog=" + catalog
                + ", schema=" + schema + ", watchIdle=" + watchIdle + ", validateAfterIdle=" + validateAfterIdle
                + ", validationTimeout=" + validationTimeout + ", keepAlive=" + keepAlive()
                + (keepAlive() ? " (idle " + keepAliveIdle() + ", interval " + keepAliveInterval() + ", count " + keepAliveCount() + ")" : "")
                + ", followServerIdleTimeout=" + followServerIdleTimeout + ", serverIdleMargin=" + serverIdleMargin
                + ", failFastTimeout=" + failFastTimeout + '}';
    }

    /** Collects values; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Driver driver;
        private final List<String> initSql = new ArrayList<>();
        private PoolConfig.Builder pool = DEFAULT_POOL.toBuilder();
        private Ticker ticker = Ticker.SYSTEM;
        private Boolean autoCommit;
        private Integer transactionIsolation;
        private Boolean readOnly;
        private String catalog;
        private String schema;
        private boolean watchIdle = true;
        private Duration validateAfterIdle = Duration.ZERO;
        private Duration validationTimeout = Duration.ofSeconds(5);
        private SocketConfig.Builder keepAlive = SocketConfig.DEFAULT.toBuilder();
        private boolean followServerIdleTimeout = true;
        private Duration serverIdleMargin = Duration.ofSeconds(1);
        private Duration failFastTimeout = Duration.ZERO;

        private Builder() {
        }

        private Builder(JdbcPoolConfig c) {
            url = c.url;
            user = c.user;
            password = c.password;
            properties.putAll(c.properties);
            driver = c.driver;
            initSql.addAll(c.initSql);
            pool = c.pool.toBuilder();
            ticker = c.ticker;
            autoCommit = c.autoCommit;
            transactionIsolation = c.transactionIsolation;
            readOnly = c.readOnly;
            catalog = c.catalog;
            schema = c.schema;
            watchIdle = c.watchIdle;
            validateAfterIdle = c.validateAfterIdle;
            validationTimeout = c.validationTimeout;
            keepAlive = c.keepAlive.toBuilder();
            followServerIdleTimeout = c.followServerIdleTimeout;
            serverIdleMargin = c.serverIdleMargin;
            failFastTimeout = c.failFastTimeout;
        }

        public Builder url(String v) { url = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder password(String v) { password = v; return this; }
        /** Adds a driver property (for example {@code ApplicationName}, {@code sslmode}); null removes it. */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "property name");
            if (value == null) {
                properties.remove(name);
            } else {
                properties.put(name, value);
            }
            return this;
        }
        public Builder driver(Driver v) { driver = v; return this; }
        /** Adds a statement run on every new connection (after the session defaults are applied). */
        public Builder initSql(String sql) { initSql.add(Objects.requireNonNull(sql, "initSql")); return this; }

        /** Replaces the pool settings with {@code config} (later {@link #pool(Consumer)} calls change it further). */
        public Builder pool(PoolConfig config) {
            pool = Objects.requireNonNull(config, "pool").toBuilder();
            return this;
        }

        /** Changes pool settings with the pool's own builder: {@code .pool(p -> p.maxPerKey(20).idleTimeout(...))}. */
        public Builder pool(Consumer<PoolConfig.Builder> change) {
            change.accept(pool);
            return this;
        }

        /** The pool's clock (default {@link Ticker#SYSTEM}); tests pass a fake one and move it. */
        public Builder ticker(Ticker v) { ticker = v; return this; }
        public Builder autoCommit(Boolean v) { autoCommit = v; return this; }
        public Builder transactionIsolation(Integer v) { transactionIsolation = v; return this; }
        public Builder readOnly(Boolean v) { readOnly = v; return this; }
        public Builder catalog(String v) { catalog = v; return this; }
        public Builder schema(String v) { schema = v; return this; }
        public Builder watchIdle(boolean v) { watchIdle = v; return this; }
        public Builder validateAfterIdle(Duration v) { validateAfterIdle = v; return this; }
        public Builder validationTimeout(Duration v) { validationTimeout = v; return this; }
        public Builder keepAlive(boolean on) { keepAlive.keepAlive(on); return this; }
        public Builder keepAliveIdle(Duration d) { keepAlive.keepAliveIdle(d); return this; }
        public Builder keepAliveInterval(Duration d) { keepAlive.keepAliveInterval(d); return this; }
        public Builder keepAliveCount(int n) { keepAlive.keepAliveCount(n); return this; }
        public Builder followServerIdleTimeout(boolean v) { followServerIdleTimeout = v; return this; }
        public Builder serverIdleMargin(Duration v) { serverIdleMargin = v; return this; }
        public Builder failFastTimeout(Duration v) { failFastTimeout = v; return this; }

        public JdbcPoolConfig build() {
            if (url == null || !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("url: " + (url == null ? "null" : '"' + Redact.jdbcUrl(url) + '"')
                        + " (expected: a JDBC URL, jdbc:<driver>:...)");
            }
            PoolConfig p = ClientLayers.pool(pool);
            // Whole seconds, 1..32767, count 1..127: the kernel's rules, checked by tether-net's SocketConfig.
            SocketConfig k = keepAlive.build(); // its keepAlive* rules, named as this config names them
            Objects.requireNonNull(ticker, "ticker: null (expected: a Ticker, Ticker.SYSTEM by default)");
            if (transactionIsolation != null && !List.of(Connection.TRANSACTION_NONE, Connection.TRANSACTION_READ_UNCOMMITTED,
                    Connection.TRANSACTION_READ_COMMITTED, Connection.TRANSACTION_REPEATABLE_READ,
                    Connection.TRANSACTION_SERIALIZABLE).contains(transactionIsolation)) {
                throw new IllegalArgumentException("transactionIsolation: " + transactionIsolation
                        + " (expected: one of Connection.TRANSACTION_*: 0, 1, 2, 4, 8)");
            }
            notNegative("validateAfterIdle", validateAfterIdle);
            notNegative("serverIdleMargin", serverIdleMargin);
            notNegative("failFastTimeout", failFastTimeout);
            if (validationTimeout == null || validationTimeout.getNano() != 0 || validationTimeout.getSeconds() < 1
                    || validationTimeout.getSeconds() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("validationTimeout: " + validationTimeout
                        + " (expected: whole seconds >= 1 s; Connection.isValid counts in seconds)");
            }
            for (String sql : initSql) {
                if (sql.isBlank()) {
                    throw new IllegalArgumentException("initSql: \"" + sql + "\" (expected: a statement, not blank)");
                }
            }
            return new JdbcPoolConfig(this, p, k);
        }

        private static void notNegative(String field, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: a Duration >= 0)");
            }
        }
    }
}
