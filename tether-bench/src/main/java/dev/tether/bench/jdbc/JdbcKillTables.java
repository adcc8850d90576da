package dev.tether.bench.jdbc;

import dev.tether.jdbc.BrokenConnections;
import dev.tether.jdbc.Databases;
import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.KillScenarios;
import dev.tether.jdbc.KillScenarios.Failure;
import dev.tether.jdbc.KillScenarios.Kill;
import dev.tether.jdbc.KillScenarios.Outcome;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kill tables, every pool in one run, on the machine's PostgreSQL (and MariaDB with
 * {@code mariadb} as argument): sessions killed from the server's side while idle (20 rounds at
 * 50 ms and 700 ms) and under a {@code select 1} loop killed every 100 ms (churn). Pools:
 *
 * <ul>
 *   <li>tether-jdbc as shipped (the idle session's socket is watched, the lease checks it without a round trip);</li>
 *   <li>tether-jdbc with {@code isValid()} before every reuse instead;</li>
 *   <li>tether-jdbc trusting idle sessions, with the first statement of a lease re-run once on a new
 *       session when it fails with a broken-connection error (the alternative the issue names). The
 *       re-runs are counted, and so are those whose first attempt was in flight at a kill: the server
 *       may have run those, so a re-run could have applied them twice;</li>
 *   <li>HikariCP with its defaults.</li>
 * </ul>
 * Run: {@code java -cp tether-bench/target/benchmarks.jar dev.tether.bench.jdbc.JdbcKillTables [postgresql|mariadb]}.
 */
public final class JdbcKillTables {
    private static final int ROUNDS = 20;
    private static final int KILLS = 25;

    private JdbcKillTables() {
    }

    interface PoolMaker {
        DataSource make(Db db) throws SQLException;
    }

    record Variant(String name, PoolMaker maker, boolean replay) {
    }

    /** A select 1 whose failure on the lease's first statement with a broken-connection error is re-run once on a new session. */
    static final class Replaying implements KillScenarios.Query {
        final String url;
        final List<long[]> replays = new ArrayList<>(); // {start of the failed attempt, its failure}

        Replaying(String url) {
            this.url = url;
        }

        @Override
        public void run(DataSource ds) throws SQLException {
            long start = System.nanoTime();
            try {
                KillScenarios.SELECT_1.run(ds);
            } catch (SQLException e) {
                if (BrokenConnections.reason(url, e) == null) {
                    throw e;
                }
                replays.add(new long[] {start, System.nanoTime()});
                KillScenarios.SELECT_1.run(ds);
            }
        }

        /** Re-runs whose failed attempt overlapped a kill: the statement may have run on the server. */
        int inFlight(List<Kill> kills) {
            int n = 0;
            for (long[] r : replays) {
                if (kills.stream().anyMatch(k -> k.start() <= r[1] && k.end() >= r[0])) {
                    n++;
                }
            }
            return n;
        }
    }

    public static void main(String[] args) throws Exception {
        Databases.Kind kind = args.length > 0 && args[0].toLowerCase(Locale.ROOT).startsWith("maria")
                ? Databases.Kind.MARIADB : Databases.Kind.POSTGRESQL;
        List<Variant> variants = List.of(
                new Variant("tether-jdbc (watched socket)", db -> JdbcPool.create(db.config().build()), false),
                new Variant("tether-jdbc, isValid() on every reuse", db -> JdbcPool.create(db.config().watchIdle(false)
                        .validateAfterIdle(Duration.ZERO).build()), false),
                new Variant("tether-jdbc trusting, first statement re-run", db -> JdbcPool.create(db.config().watchIdle(false)
                        .validateAfterIdle(Duration.ofDays(1)).build()), true),
                new Variant("HikariCP 7.1.0 (defaults)", KillScenarios::hikari, false));
        System.out.println("## " + kind + " " + version(kind));
        System.out.println();
        System.out.println("| pool | idle kill, 50 ms: failed of " + 2 * ROUNDS + " | idle kill, 700 ms: failed of " + 2 * ROUNDS
                + " | churn: queries/s | churn: failed (per kill) | churn: failed not in flight at a kill | first statements re-run"
                + " (of which in flight at a kill) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Variant v : variants) {
            StringBuilder row = new StringBuilder("| " + v.name());
            int replays = 0;
            int replaysInFlight = 0;
            for (Duration pause : List.of(Duration.ofMillis(50), Duration.ofMillis(700))) {
                try (Db db = Databases.of(kind); AutoCloseable ds = (AutoCloseable) v.maker().make(db)) {
                    Replaying q = new Replaying(db.url);
                    Outcome o = KillScenarios.idleKill((DataSource) ds, db, pause, ROUNDS, v.replay() ? q : KillScenarios.SELECT_1);
                    row.append(" | ").append(o.failures().size());
                    replays += q.replays.size();
                    replaysInFlight += q.inFlight(o.kills());
                }
            }
            try (Db db = Databases.of(kind); AutoCloseable ds = (AutoCloseable) v.maker().make(db)) {
                warmUp((DataSource) ds);
                Replaying q = new Replaying(db.url);
                Outcome o = KillScenarios.churn((DataSource) ds, db, KILLS, Duration.ofMillis(100), v.replay() ? q : KillScenarios.SELECT_1);
                List<Failure> notInFlight = o.notInFlight();
                replays += q.replays.size();
                replaysInFlight += q.inFlight(o.kills());
                row.append(String.format(Locale.ROOT, " | %,.0f | %d (%.1f)", o.queriesPerSecond(), o.failures().size(),
                                (double) o.failures().size() / KILLS))
                        .append(" | ").append(notInFlight.size())
                        .append(" | ").append(v.replay() ? replays + " (" + replaysInFlight + ")" : "-").append(" |");
            }
            System.out.println(row);
        }
        System.out.println();
        System.out.println("(churn: " + KILLS + " kills of every session of the pool, 100 ms apart, while one thread runs select 1;"
                + " a kill returns once the sessions have exited, so a pool holding more sessions takes longer per kill)");
    }

    /** Two seconds of select 1 first, so that no pool's churn runs on cold code. */
    private static void warmUp(DataSource ds) throws SQLException {
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            KillScenarios.SELECT_1.run(ds);
        }
    }

    private static String version(Databases.Kind kind) throws SQLException {
        try (Db db = Databases.of(kind); Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version()")) {
            rs.next();
            return rs.getString(1).split(" on ")[0];
        }
    }
}
