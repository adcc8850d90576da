package dev.tether.bench.redis;

import dev.tether.bench.Rounds;
import dev.tether.redis.RedisAdmin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link RedisClientBenchmark}'s GET and SET, measured in alternation: on a shared 2-core machine
 * the load drifts over the minutes a JMH run spends on one client, so its error bars come out wider
 * than the differences between clients. Here every round gives each client the same second, in a
 * rotating order, and the table reports each client's median and the median of each round's ratio
 * to Jedis (neighbours in time share the load). Run:
 * {@code java [-Dclients=tether,jedis,...] -cp tether-bench/target/benchmarks.jar dev.tether.bench.redis.RedisRounds [threads] [rounds]}
 * (clients as {@link RedisPeers#create} names them; jedis must be among them).
 */
public final class RedisRounds {
    private static final String[] CLIENTS = System.getProperty("clients", "tether,tether-solo,jedis,jedis-32,lettuce").split(",");

    private RedisRounds() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Map<String, RedisPeers.Client> clients = new LinkedHashMap<>();
        for (String c : CLIENTS) {
            clients.put(c, RedisPeers.create(c, RedisAdmin.URL, "tether-bench-" + c, 32));
        }
        clients.get("jedis").set(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE);
        for (String op : List.of("GET", "SET")) {
            List<String> names = new ArrayList<>(clients.keySet());
            for (String n : names) {
                send(clients.get(n), op, threads, Duration.ofSeconds(2)); // warm-up
            }
            Map<String, double[]> perSecond = Rounds.alternate(names, rounds,
                    n -> send(clients.get(n), op, threads, Duration.ofSeconds(1)));
            System.out.printf(Locale.ROOT, "%s, %d thread(s), %d rounds of 1 s per client:%n", op, threads, rounds);
            Rounds.printTable("client", "commands/s", perSecond, "jedis", "jedis");
        }
        for (RedisPeers.Client c : clients.values()) {
            c.close();
        }
    }

    /** Commands per second of {@code threads} threads sending {@code op} for {@code d}. */
    private static double send(RedisPeers.Client c, String op, int threads, Duration d) throws InterruptedException {
        return Rounds.perSecond(threads, d, op.equals("GET")
                ? () -> c.get(RedisClientBenchmark.KEY)
                : () -> c.set(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE));
    }
}
