package dev.tether.bench.jdbc;

import dev.tether.bench.Rounds;
import dev.tether.jdbc.Databases;
import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.KillScenarios;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link JdbcSelectBenchmark}'s four pools, measured in alternation: on a shared 2-core machine the
 * load drifts over the minutes a JMH run takes per pool, so here every round gives each pool the
 * same second, in a rotating order, and the table reports medians and the median of each round's
 * ratio to HikariCP (neighbours in time share the load). Run:
 * {@code java -cp tether-bench/target/benchmarks.jar dev.tether.bench.jdbc.JdbcSelectRounds [threads] [rounds]}.
 */
public final class JdbcSelectRounds {
    private JdbcSelectRounds() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Databases.Db db = Databases.postgres();
        Map<String, DataSource> pools = new LinkedHashMap<>();
        pools.put("tether", JdbcPool.create(db.config().pool(p -> p.name("t")).build()));
        pools.put("tetherIsValid", JdbcPool.create(db.config().watchIdle(false).validateAfterIdle(Duration.ZERO)
                .pool(p -> p.name("v")).build()));
        pools.put("tetherTrust", JdbcPool.create(db.config().watchIdle(false).validateAfterIdle(Duration.ofDays(1))
                .pool(p -> p.name("n")).build()));
        pools.put("hikari", KillScenarios.hikari(db));
        List<String> names = new ArrayList<>(pools.keySet());
        for (String n : names) {
            select1(pools.get(n), threads, Duration.ofSeconds(3)); // warm-up
        }
        Map<String, double[]> perSecond = Rounds.alternate(names, rounds, n -> select1(pools.get(n), threads, Duration.ofSeconds(1)));
        System.out.printf(Locale.ROOT, "select 1, %d thread(s), %d rounds of 1 s per pool:%n", threads, rounds);
        Rounds.printTable("pool", "queries/s", perSecond, "hikari", "HikariCP");
        for (DataSource ds : pools.values()) {
            ((AutoCloseable) ds).close();
        }
    }

    /** Queries per second of {@code threads} threads running select 1 for {@code d}. */
    private static double select1(DataSource ds, int threads, Duration d) throws InterruptedException {
        return Rounds.perSecond(threads, d, () -> KillScenarios.SELECT_1.run(ds));
    }
}
