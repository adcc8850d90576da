package dev.tether.jdbc;

import dev.tether.jdbc.Databases.Db;
import dev.tether.jdbc.Databases.Kind;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server ends sessions idle for 2 s (set per session by the init SQL: PostgreSQL's
 * {@code idle_session_timeout}, MariaDB's {@code wait_timeout}); a minute of queries paced around
 * 2 s meets no error. Two pools per database run side by side: the default one, and one that does
 * not watch sockets nor validate, so that reading the server's cut ({@code followServerIdleTimeout})
 * is shown to be enough on its own.
 */
class ServerIdleTimeoutTest {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final long[] PACES_MS = {1600, 1900, 2000, 2100, 2400};

    record Run(String name, int queries, List<String> failures, long closedBeforeTheCut, long closedByTheServer) {
    }

    @Test
    void aMinuteOfQueriesPacedAroundTheServersTwoSecondIdleCutMeetsNoError() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (Db pg = Databases.postgres(); Db maria = Databases.mariadb()) {
            List<Future<Run>> runs = new ArrayList<>();
            for (Db db : List.of(pg, maria)) {
                String cut = db.kind == Kind.POSTGRESQL ? "set idle_session_timeout = '2s'" : "set session wait_timeout = 2";
                runs.add(threads.submit(() -> paced(db, "watched-" + db.kind, db.config().initSql(cut))));
                runs.add(threads.submit(() -> paced(db, "cut-only-" + db.kind, db.config().initSql(cut)
                        .watchIdle(false).validateAfterIdle(Duration.ofHours(1)))));
            }
            for (Future<Run> f : runs) {
                Run r = f.get();
                System.out.println(r);
                assertThat(r.failures()).as(r.name()).isEmpty();
                assertThat(r.queries()).as(r.name()).isGreaterThan(20);
                // Idle past 1 s (the 2 s cut less the margin), a session is not lent again; the watched pool
                // may also see the server close one first.
                assertThat(r.closedBeforeTheCut() + r.closedByTheServer()).as(r.name()).isGreaterThanOrEqualTo(r.queries() - 2);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static Run paced(Db db, String name, JdbcPoolConfig.Builder config) throws Exception {
        List<String> failures = new ArrayList<>();
        int queries = 0;
        try (JdbcPool pool = JdbcPool.create(config.pool(p -> p.name(name)).build())) {
            long end = System.nanoTime() + RUN.toNanos();
            while (System.nanoTime() < end) {
                try {
                    KillScenarios.SELECT_1.run(pool);
                } catch (java.sql.SQLException e) {
                    failures.add(e.toString());
                }
                Pause.of(Duration.ofMillis(PACES_MS[queries++ % PACES_MS.length]));
            }
            return new Run(name, queries, failures, pool.stats().closed(Reason.NOT_REUSABLE), pool.stats().closed(Reason.PEER_CLOSED));
        }
    }
}
