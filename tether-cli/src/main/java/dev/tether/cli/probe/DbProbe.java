package dev.tether.cli.probe;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The database probe ({@code postgresql://}, {@code postgres://}, {@code mysql://}, {@code mariadb://}):
 * one session through the JDBC driver (pgjdbc; MariaDB Connector/J for MariaDB and MySQL) that
 * only reads, as the URL's user would see the server:
 *
 * <ul>
 *   <li>PostgreSQL: the version, {@code idle_session_timeout}, {@code idle_in_transaction_session_timeout}
 *       and {@code tcp_keepalives_idle} from {@code pg_settings} (so a value set for the role or the
 *       database counts: the session starts with it), {@code max_connections},
 *       {@code superuser_reserved_connections} and the client sessions in {@code pg_stat_activity}.</li>
 *   <li>MariaDB/MySQL: the version, the session's and the server's {@code wait_timeout} (a
 *       non-interactive session such as a pool's starts with the server's) and {@code interactive_timeout},
 *       {@code max_connections} and {@code Threads_connected}.</li>
 * </ul>
 * The advice ({@link #advise}): a pool idle timeout and lifetime below the server's idle cut, a pool
 * size that fits {@code max_connections}. The URL's query parameters go to the driver as properties
 * (a per-session setting, a TLS mode); the password goes to the driver only: output names the URL
 * redacted, and a driver's message is masked before it is shown.
 */
public final class DbProbe implements Probe {
    private final DbUrl url;
    private final Properties extra;

    /** The probe as {@link Probes} lists it; {@link #bind} gives the one that runs for a URL. */
    public DbProbe() {
        this(null, new Properties());
    }

    private DbProbe(DbUrl url, Properties extra) {
        this.url = url;
        this.extra = extra;
    }

    /**
     * What the probe found. Timeouts in ms (0: off), null where the server does not have the
     * setting or refused to say; {@code suggestedSettings} is Java code or null, {@code suggestions}
     * whole sentences.
     */
    public record Result(String target, String server, String version, Long idleSessionTimeoutMs,
                         Long idleInTransactionTimeoutMs, Long tcpKeepalivesIdleMs, Long waitTimeoutMs, Long globalWaitTimeoutMs,
                         Long interactiveTimeoutMs, Long maxConnections, Long reservedConnections, Long connectionsInUse,
                         long durationMs, Long suggestedIdleTimeoutMs, Integer suggestedPoolSize, String suggestedSettings,
                         List<String> suggestions) implements ProbeResult {

        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            ProbeText.header(sb, target, durationMs, 1);
            ProbeText.row(sb, "server", server + " " + version);
            if (server.equals("PostgreSQL")) {
                ProbeText.row(sb, "idle_session_timeout", timeout(idleSessionTimeoutMs, "the server ends sessions idle longer"));
                ProbeText.row(sb, "idle_in_transaction_...", timeout(idleInTransactionTimeoutMs,
                        "the server ends sessions idle inside a transaction longer"));
                ProbeText.row(sb, "tcp_keepalives_idle", tcpKeepalivesIdleMs == null ? "unknown" : tcpKeepalivesIdleMs == 0
                        ? "0 (the operating system's default)" : ms(tcpKeepalivesIdleMs));
            } else {
                ProbeText.row(sb, "wait_timeout", timeout(waitTimeoutMs, "the server ends sessions idle longer")
                        + (globalWaitTimeoutMs != null && !globalWaitTimeoutMs.equals(waitTimeoutMs)
                        ? "; the server's default " + ms(globalWaitTimeoutMs) : ""));
                ProbeText.row(sb, "interactive_timeout", timeout(interactiveTimeoutMs, "for interactive clients only, not a pool's"));
            }
            ProbeText.row(sb, "connections", (connectionsInUse == null ? "unknown" : connectionsInUse + " in use") + " of max_connections "
                    + (maxConnections == null ? "unknown" : maxConnections)
                    + (reservedConnections == null || reservedConnections == 0 ? "" : " (" + reservedConnections + " reserved for superusers)"));
            ProbeText.advice(sb, suggestedSettings, suggestions);
            return sb.toString();
        }

        private static String timeout(Long v, String meaning) {
            return v == null ? "unknown" : v == 0 ? "0 (off)" : ms(v) + " (" + meaning + ")";
        }
    }

    @Override
    public List<String> schemes() {
        return List.of("postgresql", "postgres", "mysql", "mariadb");
    }

    @Override
    public Probe bind(String text) {
        DbUrl u = DbUrl.parse(text);
        Properties p = new Properties();
        String query = java.net.URI.create(text.strip()).getRawQuery();
        if (query != null) {
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    p.setProperty(decode(part.substring(0, eq)), decode(part.substring(eq + 1)));
                }
            }
        }
        return new DbProbe(u, p);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public Result run(ProbeTarget target, Options o, Consumer<String> progress) throws IOException {
        if (url == null) {
            throw new IllegalStateException("a database probe runs bound to its URL: Probes.forTarget(target).bind(url)");
        }
        long start = System.nanoTime();
        progress.accept("connecting to " + url.kind() + " at " + url.host() + ":" + url.port());
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), properties(o.timeout()))) {
            progress.accept("settings and sessions");
            return url.postgres() ? postgres(c, start) : mysql(c, start);
        } catch (SQLException e) {
            throw new ProbeFailure(url + ": " + url.mask(first(e)) + " (check the URL, the user and the password; the probe"
                    + " only reads, so any user that may connect will do)", null);
        }
    }

    private Properties properties(Duration timeout) {
        Properties p = new Properties();
        p.putAll(extra);
        p.setProperty("user", url.user());
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        long s = Math.max(1, (timeout.toMillis() + 999) / 1000);
        if (url.postgres()) {
            p.putIfAbsent("ApplicationName", "tether-probe");
            p.putIfAbsent("connectTimeout", Long.toString(s));
            p.putIfAbsent("socketTimeout", Long.toString(s));
        } else {
            p.putIfAbsent("connectTimeout", Long.toString(timeout.toMillis()));
            p.putIfAbsent("socketTimeout", Long.toString(timeout.toMillis()));
        }
        return p;
    }

    private Result postgres(Connection c, long start) throws SQLException {
        String version = one(c, "show server_version");
        Long idle = pgSetting(c, "idle_session_timeout");
        Long inTx = pgSetting(c, "idle_in_transaction_session_timeout");
        Long keepalive = pgSetting(c, "tcp_keepalives_idle");
        Long max = pgSetting(c, "max_connections");
        Long reserved = pgSetting(c, "superuser_reserved_connections");
        Long inUse = number(one(c, "select count(*) from pg_stat_activity where backend_type = 'client backend'"));
        Advice a = advise(url.jdbcUrl(), true, idle, inTx, keepalive, max, reserved, inUse);
        return new Result(url.toString(), "PostgreSQL", version, idle, inTx, keepalive, null, null, null, max, reserved, inUse,
                (System.nanoTime() - start) / 1_000_000, a.idleTimeoutMs(), a.poolSize(), a.code(), a.sentences());
    }

    private Result mysql(Connection c, long start) throws SQLException {
        String version = one(c, "select version()");
        boolean mariadb = version != null && version.toLowerCase(Locale.ROOT).contains("mariadb");
        Long wait = seconds(one(c, "select @@session.wait_timeout"));
        Long globalWait = seconds(one(c, "select @@global.wait_timeout"));
        Long interactive = seconds(one(c, "select @@global.interactive_timeout"));
        Long max = number(one(c, "select @@global.max_connections"));
        Long inUse = null;
        try (PreparedStatement ps = c.prepareStatement("show global status like 'Threads_connected'"); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                inUse = number(rs.getString(2));
            }
        }
        Advice a = advise(url.jdbcUrl(), false, wait, null, null, max, null, inUse);
        return new Result(url.toString(), mariadb ? "MariaDB" : "MySQL", version, null, null, null, wait, globalWait, interactive,
                max, null, inUse, (System.nanoTime() - start) / 1_000_000, a.idleTimeoutMs(), a.poolSize(), a.code(), a.sentences());
    }

    /** A setting of this session in ms for a time (PostgreSQL's units: ms or s), else its number; null if there is none. */
    private static Long pgSetting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select setting, unit from pg_settings where name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null; // an older server without it (idle_session_timeout came with PostgreSQL 14)
                }
                Long v = number(rs.getString(1));
                String unit = rs.getString(2);
                if (v == null || unit == null) {
                    return v;
                }
                return switch (unit) {
                    case "ms" -> v;
                    case "s" -> v * 1000;
                    case "min" -> v * 60_000;
                    default -> v;
                };
            }
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long seconds(String s) {
        Long v = number(s);
        return v == null ? null : v * 1000;
    }

    private static String first(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("").strip();
        return (e.getSQLState() == null ? "" : "SQLState " + e.getSQLState() + ": ") + m;
    }

    private static String ms(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** The settings that fit and why; {@code idleTimeoutMs}, {@code poolSize} and {@code code} null where tether's defaults fit. */
    record Advice(Long idleTimeoutMs, Integer poolSize, String code, List<String> sentences) {
    }

    /** tether-jdbc's pool size, idle timeout and lifetime by default (JdbcPoolConfig.DEFAULT_POOL's). */
    private static final int DEFAULT_SIZE = 10;
    private static final long DEFAULT_LIFETIME_MS = Duration.ofMinutes(30).toMillis();
    private static final long DEFAULT_IDLE_MS = Duration.ofMinutes(10).toMillis();

    /** A duration as Java code: {@code Duration.ofSeconds(6)}, {@code Duration.ofMillis(6500)}. */
    private static String duration(long ms) {
        return ms % 1000 == 0 ? "Duration.ofSeconds(" + ms / 1000 + ")" : "Duration.ofMillis(" + ms + ")";
    }

    /**
     * What fits the server:
     *
     * <ol>
     *   <li>An idle cut (idle_session_timeout, wait_timeout): the pool's idleTimeout and maxLifetime a
     *       margin below it (the larger of 1 s and a tenth), with a jitter of a tenth of the lifetime,
     *       so a session is retired before the server ends it; tether's defaults where they are below it already.</li>
     *   <li>Room under max_connections: the free sessions (less the reserved ones and those in use)
     *       shared by four instances of the application at least; tether's default of 10 when that is more.</li>
     *   <li>What idle_in_transaction_session_timeout and tcp_keepalives_idle mean for the application.</li>
     * </ol>
     */
    static Advice advise(String jdbcUrl, boolean postgres, Long idleCutMs, Long inTxMs, Long keepaliveMs, Long max, Long reserved, Long inUse) {
        List<String> out = new ArrayList<>();
        String setting = postgres ? "idle_session_timeout" : "wait_timeout";
        Long idle = null;
        List<String> pool = new ArrayList<>();
        long below = idleCutMs == null || idleCutMs <= 0 ? 0 : IdleSearch.below(idleCutMs, 1000);
        if (below > 0 && below < DEFAULT_IDLE_MS) {
            idle = below;
            pool.add("idleTimeout(" + duration(idle) + ")");
            if (idle < DEFAULT_LIFETIME_MS) {
                pool.add("maxLifetime(" + duration(idle) + ").lifetimeJitter(" + duration(Math.max(1, idle / 10)) + ")");
            }
            out.add("The server ends a session idle for " + ms(idleCutMs) + " (" + setting + "). tether-jdbc reads it on each new"
                    + " session (followServerIdleTimeout, on by default) and stops lending a session a second before, and its idle"
                    + " watcher drops a session the server ended the moment the close arrives; the settings above retire sessions"
                    + " before the cut in any case, so no query races it.");
        } else if (below > 0) {
            out.add("The server ends a session idle for " + ms(idleCutMs) + " (" + setting + "), longer than tether's defaults"
                    + " keep one (an idle timeout of 10 min, a lifetime of 30 min), so they fit; tether-jdbc also reads the"
                    + " setting on each new session (followServerIdleTimeout, on by default).");
        } else if (idleCutMs != null) {
            out.add("The server never ends idle sessions (" + setting + " 0), so tether's defaults fit: a pool idle timeout of 10"
                    + " min and a lifetime of 30 min; if a firewall or NAT between you and the server cuts idle connections sooner,"
                    + " set the idle timeout below it (the lab's " + (postgres ? "pg" : "mariadb") + "-firewall scenario shows why).");
        }
        Integer size = null;
        if (max != null) {
            long free = max - (reserved == null ? 0 : reserved) - (inUse == null ? 0 : inUse);
            long share = Math.max(1, free / 4);
            if (share < DEFAULT_SIZE) {
                size = (int) share;
                pool.add("maxPerKey(" + size + ")");
            }
            out.add("max_connections is " + max + (reserved == null || reserved == 0 ? "" : " (" + reserved + " reserved)")
                    + (inUse == null ? "" : ", " + inUse + " in use now (this probe's included)") + ": every instance of the application holds up to"
                    + " maxPerKey sessions, so instances x maxPerKey must stay below the " + Math.max(0, free) + " left; "
                    + (size == null ? "tether's default of " + DEFAULT_SIZE + " leaves room for four instances or more."
                    : "a pool of " + size + " leaves room for four instances."));
        }
        if (inTxMs != null && inTxMs > 0) {
            out.add("idle_in_transaction_session_timeout is " + ms(inTxMs) + ": a transaction left open that long (a lease held"
                    + " across a slow call) ends its session; tether-jdbc retires it as broken, and the application sees the error."
                    + " Keep transactions short, or set leakDetectionThreshold below it to find the code that holds them.");
        }
        if (keepaliveMs != null && keepaliveMs == 0) {
            out.add("tcp_keepalives_idle is the operating system's default (often 2 h): the server does not soon notice a client"
                    + " that vanished; tether-jdbc's own TCP keepalive (keepAlive, on by default) guards its side.");
        }
        String code = pool.isEmpty() ? null : String.join(System.lineSeparator(),
                "JdbcPoolConfig.builder().url(\"" + jdbcUrl + "\")",
                "    .pool(p -> p." + String.join(System.lineSeparator() + "        .", pool) + ")",
                "    .build();");
        return new Advice(idle, size, code, out);
    }
}
