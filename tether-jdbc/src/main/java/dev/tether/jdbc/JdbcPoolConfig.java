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
 * secrets inside the URL ({@code password=...}, {@code user:secret@}). Immutable and thread-safe.
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

    /**
     * Starts a configuration; the URL is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
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
     * The JDBC URL given to the driver (it may hold secrets: see {@link #redactedUrl()} for messages).
     *
     * @return the URL, as given
     */
    public String url() { return url; }
    /**
     * The URL with any password in it replaced by {@code ***}: what messages and logs show.
     *
     * @return the URL without secrets
     */
    public String redactedUrl() { return Redact.jdbcUrl(url); }
    /**
     * The user, or null to leave it to the URL or the properties.
     *
     * @return the user, or null (the default)
     */
    public String user() { return user; }
    /**
     * The password, or null. Never printed.
     *
     * @return the password, or null (the default)
     */
    public String password() { return password; }
    /**
     * Properties passed to the driver with every connect (besides user and password).
     *
     * @return an unmodifiable map, in the order added (default empty)
     */
    public Map<String, String> properties() { return properties; }
    /**
     * The driver to use, or null to find one with {@link java.sql.DriverManager#getDriver(String)}.
     *
     * @return the driver, or null (the default)
     */
    public Driver driver() { return driver; }
    /**
     * Statements run once on every new connection, in order, before it is first lent.
     *
     * @return an unmodifiable list (default empty)
     */
    public List<String> initSql() { return initSql; }
    /**
     * The pool: its size ({@code maxPerKey}), waiting, idle timeout, lifetime and jitter, leak detection.
     *
     * @return the pool's policy (default {@link #DEFAULT_POOL})
     */
    public PoolConfig pool() { return pool; }
    /**
     * The one clock of the pool: idle times, lifetimes, deadlines and waits read it.
     *
     * @return the ticker (default {@link Ticker#SYSTEM})
     */
    public Ticker ticker() { return ticker; }
    /**
     * The auto-commit mode every lease starts in, or null for the driver's (true by JDBC's rule).
     *
     * @return the mode, or null (the default)
     */
    public Boolean autoCommit() { return autoCommit; }
    /**
     * The isolation level every lease starts with ({@link Connection#TRANSACTION_READ_COMMITTED}...), or null for the server's.
     *
     * @return a {@code Connection.TRANSACTION_*} level, or null (the default)
     */
    public Integer transactionIsolation() { return transactionIsolation; }
    /**
     * Whether every lease starts read-only, or null for the driver's default.
     *
     * @return the flag, or null (the default)
     */
    public Boolean readOnly() { return readOnly; }
    /**
     * The catalog every lease starts in, or null for the URL's.
     *
     * @return the catalog, or null (the default)
     */
    public String catalog() { return catalog; }
    /**
     * The schema every lease starts in, or null for the server's default.
     *
     * @return the schema, or null (the default)
     */
    public String schema() { return schema; }
    /**
     * Whether idle sessions are watched through the driver's socket (PostgreSQL's pgjdbc and MariaDB
     * Connector/J, through their {@code socketFactory} property): a session the server ends is
     * removed the moment its FIN arrives, and a lease checks the socket without a round trip.
     *
     * @return whether they are (default true)
     */
    public boolean watchIdle() { return watchIdle; }
    /**
     * For a session tether cannot watch (another driver, or watching off): a lease of one idle at
     * least this long first asks the driver {@link Connection#isValid(int)} (a round trip). ZERO:
     * every reuse is validated.
     *
     * @return the idle time (default ZERO: every reuse)
     */
    public Duration validateAfterIdle() { return validateAfterIdle; }
    /**
     * How long {@link Connection#isValid(int)} may take (whole seconds, as JDBC counts them).
     *
     * @return whole seconds, at least 1 s (default 5 s)
     */
    public Duration validationTimeout() { return validationTimeout; }
    /**
     * Whether TCP keepalive is set on the sessions tether watches (it owns their sockets).
     *
     * @return whether it is (default true)
     */
    public boolean keepAlive() { return keepAlive.keepAlive(); }
    /**
     * TCP_KEEPIDLE of a watched session's socket.
     *
     * @return whole seconds, 1..32767 s (default 15 s)
     */
    public Duration keepAliveIdle() { return keepAlive.keepAliveIdle(); }
    /**
     * TCP_KEEPINTERVAL of a watched session's socket.
     *
     * @return whole seconds, 1..32767 s (default 5 s)
     */
    public Duration keepAliveInterval() { return keepAlive.keepAliveInterval(); }
    /**
     * TCP_KEEPCOUNT of a watched session's socket.
     *
     * @return 1..127 (default 3)
     */
    public int keepAliveCount() { return keepAlive.keepAliveCount(); }
    /**
     * Whether each new session reads the server's idle cut ({@code idle_session_timeout} on
     * PostgreSQL, {@code wait_timeout} on MariaDB/MySQL) and is not lent once it has been idle
     * for that long less {@link #serverIdleMargin()}.
     *
     * @return whether it is (default true)
     */
    public boolean followServerIdleTimeout() { return followServerIdleTimeout; }
    /**
     * How long before the server's idle cut a session stops being lent (at most half the cut).
     *
     * @return the margin (default 1 s)
     */
    public Duration serverIdleMargin() { return serverIdleMargin; }
    /**
     * {@link JdbcPool#create} opens one connection within this and fails if it cannot, so a wrong
     * URL or an unreachable database stops the application at start; ZERO: start without trying.
     *
     * @return the timeout (default ZERO)
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

        /**
         * The JDBC URL (required); secrets in it are never shown.
         *
         * @param v a URL starting {@code jdbc:}
         * @return this builder
         */
        public Builder url(String v) { url = v; return this; }
        /**
         * See {@link JdbcPoolConfig#user()}.
         *
         * @param v the user; null (the default) leaves it to the URL or the properties
         * @return this builder
         */
        public Builder user(String v) { user = v; return this; }
        /**
         * See {@link JdbcPoolConfig#password()}. Never printed.
         *
         * @param v the password; null (the default) for none
         * @return this builder
         */
        public Builder password(String v) { password = v; return this; }
        /**
         * Adds a driver property (for example {@code ApplicationName}, {@code sslmode}); a secret-looking
         * name's value is masked wherever the config is shown.
         *
         * @param name the property's name
         * @param value its value; null removes it
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "property name");
            if (value == null) {
                properties.remove(name);
            } else {
                properties.put(name, value);
            }
            return this;
        }
        /**
         * See {@link JdbcPoolConfig#driver()}.
         *
         * @param v the driver; null (the default) asks {@link java.sql.DriverManager}
         * @return this builder
         */
        public Builder driver(Driver v) { driver = v; return this; }
        /**
         * Adds a statement run on every new connection (after the session defaults are applied).
         *
         * @param sql the statement, not blank
         * @return this builder
         * @throws NullPointerException if {@code sql} is null
         */
        public Builder initSql(String sql) { initSql.add(Objects.requireNonNull(sql, "initSql")); return this; }

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
         * Changes pool settings with the pool's own builder: {@code .pool(p -> p.maxPerKey(20).idleTimeout(...))}.
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
         * The pool's clock; tests pass a fake one and move it.
         *
         * @param v the clock (default {@link Ticker#SYSTEM})
         * @return this builder
         */
        public Builder ticker(Ticker v) { ticker = v; return this; }
        /**
         * See {@link JdbcPoolConfig#autoCommit()}.
         *
         * @param v the mode; null (the default) for the driver's
         * @return this builder
         */
        public Builder autoCommit(Boolean v) { autoCommit = v; return this; }
        /**
         * See {@link JdbcPoolConfig#transactionIsolation()}.
         *
         * @param v one of {@code Connection.TRANSACTION_*}; null (the default) for the server's
         * @return this builder
         */
        public Builder transactionIsolation(Integer v) { transactionIsolation = v; return this; }
        /**
         * See {@link JdbcPoolConfig#readOnly()}.
         *
         * @param v the flag; null (the default) for the driver's
         * @return this builder
         */
        public Builder readOnly(Boolean v) { readOnly = v; return this; }
        /**
         * See {@link JdbcPoolConfig#catalog()}.
         *
         * @param v the catalog; null (the default) for the URL's
         * @return this builder
         */
        public Builder catalog(String v) { catalog = v; return this; }
        /**
         * See {@link JdbcPoolConfig#schema()}.
         *
         * @param v the schema; null (the default) for the server's
         * @return this builder
         */
        public Builder schema(String v) { schema = v; return this; }
        /**
         * See {@link JdbcPoolConfig#watchIdle()}.
         *
         * @param v whether to watch (default true)
         * @return this builder
         */
        public Builder watchIdle(boolean v) { watchIdle = v; return this; }
        /**
         * See {@link JdbcPoolConfig#validateAfterIdle()}.
         *
         * @param v not negative (default ZERO)
         * @return this builder
         */
        public Builder validateAfterIdle(Duration v) { validateAfterIdle = v; return this; }
        /**
         * See {@link JdbcPoolConfig#validationTimeout()}.
         *
         * @param v whole seconds, at least 1 s (default 5 s)
         * @return this builder
         */
        public Builder validationTimeout(Duration v) { validationTimeout = v; return this; }
        /**
         * See {@link JdbcPoolConfig#keepAlive()}.
         *
         * @param on whether to set it (default true)
         * @return this builder
         */
        public Builder keepAlive(boolean on) { keepAlive.keepAlive(on); return this; }
        /**
         * See {@link JdbcPoolConfig#keepAliveIdle()}.
         *
         * @param d whole seconds, 1..32767 s (default 15 s)
         * @return this builder
         */
        public Builder keepAliveIdle(Duration d) { keepAlive.keepAliveIdle(d); return this; }
        /**
         * See {@link JdbcPoolConfig#keepAliveInterval()}.
         *
         * @param d whole seconds, 1..32767 s (default 5 s)
         * @return this builder
         */
        public Builder keepAliveInterval(Duration d) { keepAlive.keepAliveInterval(d); return this; }
        /**
         * See {@link JdbcPoolConfig#keepAliveCount()}.
         *
         * @param n 1..127 (default 3)
         * @return this builder
         */
        public Builder keepAliveCount(int n) { keepAlive.keepAliveCount(n); return this; }
        /**
         * See {@link JdbcPoolConfig#followServerIdleTimeout()}.
         *
         * @param v whether to follow it (default true)
         * @return this builder
         */
        public Builder followServerIdleTimeout(boolean v) { followServerIdleTimeout = v; return this; }
        /**
         * See {@link JdbcPoolConfig#serverIdleMargin()}.
         *
         * @param v not negative (default 1 s)
         * @return this builder
         */
        public Builder serverIdleMargin(Duration v) { serverIdleMargin = v; return this; }
        /**
         * See {@link JdbcPoolConfig#failFastTimeout()}.
         *
         * @param v not negative (default ZERO: start without trying)
         * @return this builder
         */
        public Builder failFastTimeout(Duration v) { failFastTimeout = v; return this; }

        /**
         * Checks every value, the pool's included, and builds the configuration.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the first bad field (a pool field prefixed {@code pool.}), its value (never a secret) and the rule
         * @throws NullPointerException if the ticker is null
         */
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
