package dev.tether.jdbc;

import org.junit.jupiter.api.Assumptions;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The machine's databases for tests and benchmarks: PostgreSQL at 127.0.0.1:5432 (user postgres,
 * trust) and MariaDB at 127.0.0.1:3306 (root, no password, database {@code test}), or what
 * {@code TETHER_PG_URL}/{@code TETHER_PG_USER} and {@code TETHER_MARIADB_URL}/{@code TETHER_MARIADB_USER}
 * name. In CI (CI=true) a database that is not there fails the test; elsewhere the test is skipped
 * with the command that starts it.
 *
 * <p>Tests touch only what is theirs on these shared servers: each pool gets a session tag of its
 * own (PostgreSQL: its {@code ApplicationName}; MariaDB: a user made for the test, dropped after),
 * and {@link Db#kill} ends only the sessions with that tag. Server settings change per session.
 */
public final class Databases {

    /** One database server and how to tag, find and kill a pool's sessions on it. */
    public enum Kind { POSTGRESQL, MARIADB }

    public static final class Db implements AutoCloseable {
        public final Kind kind;
        public final String url;
        /** The admin user (for killing and for making test users). */
        public final String adminUser;
        /** The user the pool under test logs in as. */
        public final String user;
        /** What tags this pool's sessions: the application name (PostgreSQL) or the user (MariaDB). */
        public final String tag;

        private Db(Kind kind, String url, String adminUser, String user, String tag) {
            this.kind = kind;
            this.url = url;
            this.adminUser = adminUser;
            this.user = user;
            this.tag = tag;
        }

        /** A pool config for this database with this test's tag (ApplicationName or user) set. */
        public JdbcPoolConfig.Builder config() {
            JdbcPoolConfig.Builder b = JdbcPoolConfig.builder().url(url).user(user);
            if (kind == Kind.POSTGRESQL) {
                b.property("ApplicationName", tag);
            }
            return b;
        }

        /** A plain driver connection with this test's tag (not pooled). */
        public Connection connect() throws SQLException {
            java.util.Properties p = new java.util.Properties();
            p.setProperty("user", user);
            if (kind == Kind.POSTGRESQL) {
                p.setProperty("ApplicationName", tag);
            }
            return DriverManager.getConnection(url, p);
        }

        public Connection admin() throws SQLException {
            return DriverManager.getConnection(url, adminUser, null);
        }

        /**
         * Ends every session with this test's tag, from the server's side, and returns how many; on PostgreSQL
         * it returns once they have exited (pg_terminate_backend with a timeout, PostgreSQL 14+).
         */
        public int kill() throws SQLException {
            try (Connection a = admin()) {
                if (kind == Kind.POSTGRESQL) {
                    try (PreparedStatement ps = a.prepareStatement("select count(pg_terminate_backend(pid, 5000)) from pg_stat_activity"
                            + " where application_name = ? and pid <> pg_backend_pid()")) {
                        ps.setString(1, tag);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getInt(1);
                        }
                    }
                }
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement ps = a.prepareStatement("select id from information_schema.processlist where user = ?")) {
                    ps.setString(1, tag);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                int killed = 0;
                try (Statement s = a.createStatement()) {
                    for (long id : ids) {
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

        /** How many sessions with this test's tag the server has now. */
        public int sessions() throws SQLException {
            try (Connection a = admin();
                 PreparedStatement ps = a.prepareStatement(kind == Kind.POSTGRESQL
                         ? "select count(*) from pg_stat_activity where application_name = ? and pid <> pg_backend_pid()"
                         : "select count(*) from information_schema.processlist where user = ?")) {
                ps.setString(1, tag);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }

        /** Drops the MariaDB user made for this test (after killing what is left of it). */
        @Override
        public void close() throws SQLException {
            if (kind == Kind.MARIADB) {
                kill();
                try (Connection a = admin(); Statement s = a.createStatement()) {
                    s.execute("drop user if exists '" + tag + "'@'localhost', '" + tag + "'@'127.0.0.1', '" + tag + "'@'%'");
                }
            }
        }

        @Override
        public String toString() {
            return kind + " " + url;
        }
    }

    private Databases() {
    }

    /** PostgreSQL, with a tag of this test's own. */
    public static Db postgres() {
        String url = env("TETHER_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = env("TETHER_PG_USER", "postgres");
        require(url, "PostgreSQL", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
        return new Db(Kind.POSTGRESQL, url, user, user, "tether-test-" + shortId());
    }

    /** MariaDB, with a user made for this test (all rights on its database); close the Db to drop it. */
    public static Db mariadb() throws SQLException {
        String url = env("TETHER_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
        String admin = env("TETHER_MARIADB_USER", "root");
        require(url, "MariaDB", "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");
        String user = "tether_" + shortId();
        String database = URI.create(url.substring("jdbc:".length())).getPath().substring(1);
        try (Connection a = DriverManager.getConnection(url, admin, null); Statement s = a.createStatement()) {
            for (String host : new String[] {"localhost", "127.0.0.1", "%"}) {
                s.execute("create user '" + user + "'@'" + host + "'");
                s.execute("grant all on `" + database + "`.* to '" + user + "'@'" + host + "'");
            }
        }
        return new Db(Kind.MARIADB, url, admin, user, user);
    }

    public static Db of(Kind kind) throws SQLException {
        return kind == Kind.POSTGRESQL ? postgres() : mariadb();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Fails in CI, skips elsewhere, when nothing listens where the URL points. */
    private static void require(String url, String what, String start) {
        URI u = URI.create(url.substring("jdbc:".length()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 2000);
        } catch (Exception e) {
            String msg = what + " is not reachable at " + u.getHost() + ":" + u.getPort() + " (" + e + "); start it with: " + start;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true requires the database tests to run, but " + msg);
            }
            Assumptions.abort(msg);
        }
    }
}
