package dev.tether.cli.lab.db;

import dev.tether.cli.probe.DbUrl;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One trial's database, and the lab's hands on it as its administrator. The trial's clients
 * connect through a proxy of the trial's ({@link #url(int)}), so that the sockets the lab counts
 * are that client's; the administrator connects straight to the server, finds the trial's sessions
 * by their tag and kills them, never anyone else's:
 *
 * <ul>
 *   <li>PostgreSQL: the tag is the sessions' {@code application_name} (the driver's ApplicationName),
 *       killed with {@code pg_terminate_backend}.</li>
 *   <li>MariaDB/MySQL: a processlist shows no application name, so the tag is a user made for the
 *       trial (a random password, no rights beyond connecting), killed by {@code KILL CONNECTION}
 *       and dropped when the trial ends.</li>
 * </ul>
 * Each call opens its own admin connection: the trial's script calls it a few dozen times at most.
 */
public final class DbTarget implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String[] HOSTS = {"localhost", "127.0.0.1", "%"};

    private final Dialect dialect;
    private final DbUrl server;
    private final String tag;
    private final String user;
    private final String password;
    /** Closed by the trial, then again by the lab at its end (or at exit): the second time is a no-op. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DbTarget(Dialect dialect, DbUrl server, String tag, String user, String password) {
        this.dialect = dialect;
        this.server = server;
        this.tag = tag;
        this.user = user;
        this.password = password;
    }

    static DbTarget open(Dialect d, DbUrl server, String tag) throws SQLException {
        if (d == Dialect.POSTGRESQL) {
            return new DbTarget(d, server, tag, server.user(), server.password());
        }
        // 32 characters at most: MySQL's limit on user names.
        String user = "tl_" + HexFormat.of().formatHex(bytes(8));
        String password = HexFormat.of().formatHex(bytes(12));
        try (Connection a = admin(d, server); Statement s = a.createStatement()) {
            for (String host : HOSTS) {
                s.execute("create user '" + user + "'@'" + host + "' identified by '" + password + "'");
            }
        }
        return new DbTarget(d, server, user, user, password);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * That the lab can work on this server as its administrator: it connects, and on MariaDB/MySQL it
     * may make and drop a user.
     *
     * @throws SQLException why not, from the driver
     */
    static void checkAdmin(Dialect d, DbUrl server) throws SQLException {
        if (d == Dialect.POSTGRESQL) {
            try (Connection a = admin(d, server); Statement s = a.createStatement()) {
                s.execute("select 1");
            }
            return;
        }
        open(d, server, "check").close();
    }

    private static Connection admin(Dialect d, DbUrl server) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.user());
        if (server.password() != null) {
            p.setProperty("password", server.password());
        }
        if (d == Dialect.POSTGRESQL) {
            p.setProperty("ApplicationName", "tether-lab-admin");
        }
        p.setProperty("connectTimeout", d == Dialect.POSTGRESQL ? "5" : "5000"); // pgjdbc counts seconds, Connector/J ms
        return DriverManager.getConnection(server.jdbcUrl(), p);
    }

    /** @return the kind of database */
    public Dialect dialect() {
        return dialect;
    }

    /** @return the server itself, {@code host:port}: a proxy's upstream */
    public String upstream() {
        return (server.host().contains(":") ? "[" + server.host() + "]" : server.host()) + ":" + server.port();
    }

    /**
     * The JDBC URL the trial's clients use.
     *
     * @param port the trial's proxy on 127.0.0.1
     * @return a URL without secrets (MariaDB: no database, the trial's user has none)
     */
    public String url(int port) {
        return dialect == Dialect.POSTGRESQL ? server.jdbcUrl("127.0.0.1", port) : "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    /** @return the user the trial's clients log in as */
    public String user() {
        return user;
    }

    /** @return its password, or null: for the clients' configuration, never printed */
    public String password() {
        return password;
    }

    /**
     * The driver properties of the trial's clients: the tag (PostgreSQL's ApplicationName) and
     * {@code extra} (per-session settings, timeouts). User and password are not among them.
     *
     * @param extra driver properties of the scenario's
     * @return a new map, in order
     */
    public Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        if (dialect == Dialect.POSTGRESQL) {
            p.put("ApplicationName", tag);
        }
        p.putAll(extra);
        return p;
    }

    /**
     * Ends every session of the trial's, from the server's side.
     *
     * @return how many (PostgreSQL: once they have exited, 5 s at most)
     * @throws SQLException the administrator's connection or statement failed
     */
    public int kill() throws SQLException {
        try (Connection a = admin(dialect, server)) {
            if (dialect == Dialect.POSTGRESQL) {
                try (PreparedStatement ps = a.prepareStatement("select count(pg_terminate_backend(pid, 5000)) from pg_stat_activity"
                        + " where application_name = ? and pid <> pg_backend_pid()")) {
                    ps.setString(1, tag);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            }
            int killed = 0;
            try (Statement s = a.createStatement()) {
                for (long id : mariadbSessions(a, false)) {
                    try {
                        s.execute("kill connection " + id);
                        killed++;
                    } catch (SQLException gone) {
                        // it ended by itself meanwhile
                    }
                }
            }
            return killed;
        }
    }

    /**
     * @return how many sessions of the trial's the server has now
     * @throws SQLException the administrator's connection or statement failed
     */
    public int sessions() throws SQLException {
        try (Connection a = admin(dialect, server)) {
            return dialect == Dialect.POSTGRESQL ? pgCount(a, false) : mariadbSessions(a, false).size();
        }
    }

    /**
     * Waits until one of the trial's sessions runs {@link Dialect#sleep}, at most {@code timeoutMs};
     * returns whether it did. It polls every 10 ms: the lab's pacing.
     *
     * @param timeoutMs how long to wait
     * @return whether a session of the trial's ran it within that
     * @throws SQLException         the administrator's connection or statement failed
     * @throws InterruptedException the wait was interrupted
     */
    public boolean awaitSleeping(long timeoutMs) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        try (Connection a = admin(dialect, server)) {
            while (System.nanoTime() < deadline) {
                if (dialect == Dialect.POSTGRESQL ? pgCount(a, true) > 0 : !mariadbSessions(a, true).isEmpty()) {
                    return true;
                }
                Thread.sleep(10);
            }
        }
        return false;
    }

    private int pgCount(Connection a, boolean sleeping) throws SQLException {
        try (PreparedStatement ps = a.prepareStatement("select count(*) from pg_stat_activity where application_name = ?"
                + " and pid <> pg_backend_pid()" + (sleeping ? " and state = 'active' and query like ?" : ""))) {
            ps.setString(1, tag);
            if (sleeping) {
                ps.setString(2, "%" + dialect.sleepMarker() + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private List<Long> mariadbSessions(Connection a, boolean sleeping) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = a.prepareStatement("select id from information_schema.processlist where user = ?"
                + (sleeping ? " and info like ?" : ""))) {
            ps.setString(1, tag);
            if (sleeping) {
                ps.setString(2, "%" + dialect.sleepMarker() + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /**
     * On MariaDB/MySQL, ends what is left of the trial's sessions and drops its user; nothing on
     * PostgreSQL, whose sessions close with their clients. Only the first call does anything.
     *
     * @throws SQLException the server refused
     */
    @Override
    public void close() throws SQLException {
        if (dialect == Dialect.MARIADB && closed.compareAndSet(false, true)) {
            kill();
            try (Connection a = admin(dialect, server); Statement s = a.createStatement()) {
                for (String host : HOSTS) {
                    s.execute("drop user if exists '" + user + "'@'" + host + "'");
                }
            }
        }
    }
}
