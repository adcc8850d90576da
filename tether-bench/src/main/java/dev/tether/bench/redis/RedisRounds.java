package dev.tether.bench.redis;

import dev.tether.bench.Rounds;
import dev.tether.redis.RedisAdmin;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
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
 * (clients as {@link RedisPeers#create} names them; jedis must be among them). The machine's
 * {@code redis-benchmark -c threads} takes its turn in the same rounds when it is installed
 * ({@code -Dceiling=false} leaves it out): the server's own C client on as many connections as
 * there are threads, one command per round trip each, beside which a client's figure reads as a
 * share of what the connections alone allow. With
 * {@code -Dbaseline=path/to/benchmarks.jar} a second tether, {@code tether@base}, runs in the same
 * rounds as that jar builds it (its own classes, in a class loader of their own): a before/after
 * comparison in one sitting.
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
        String baseline = System.getProperty("baseline");
        if (baseline != null) {
            clients.put("tether@base", baselineTether(baseline));
        }
        clients.get("jedis").set(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE);
        boolean ceiling = !"false".equals(System.getProperty("ceiling"));
        String without = ceiling ? RedisBenchmarkTool.unavailable() : null;
        if (without != null) {
            System.out.println("(no redis-benchmark row: " + without + ")");
            ceiling = false;
        }
        if (ceiling) {
            clients.get("jedis").set(RedisBenchmarkTool.KEY, RedisClientBenchmark.VALUE);
        }
        for (String op : List.of("GET", "SET")) {
            List<String> names = new ArrayList<>(clients.keySet());
            RedisBenchmarkTool tool = ceiling ? new RedisBenchmarkTool() : null;
            if (ceiling) {
                names.add(RedisBenchmarkTool.NAME);
            }
            for (String n : names) {
                send(clients, tool, n, op, threads, Duration.ofSeconds(2)); // warm-up (and redis-benchmark's request count)
            }
            Map<String, double[]> perSecond = Rounds.alternate(names, rounds,
                    n -> send(clients, tool, n, op, threads, Duration.ofSeconds(1)));
            System.out.printf(Locale.ROOT, "%s, %d thread(s), %d rounds of 1 s per client:%n", op, threads, rounds);
            Rounds.printTable("client", "commands/s", perSecond, "jedis", "jedis");
        }
        for (RedisPeers.Client c : clients.values()) {
            c.close();
        }
    }

    /** tether as the baseline jar builds it, through that jar's own {@code RedisPeers} in a loader of its own. */
    private static RedisPeers.Client baselineTether(String jar) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> peers = Class.forName("dev.tether.bench.redis.RedisPeers", true, loader);
        Method create = peers.getDeclaredMethod("create", String.class, String.class, String.class, int.class);
        create.setAccessible(true);
        Object client = create.invoke(null, "tether", RedisAdmin.URL, "tether-bench-base", 32);
        Class<?> api = Class.forName("dev.tether.bench.redis.RedisPeers$Client", true, loader);
        Method get = api.getDeclaredMethod("get", String.class);
        Method set = api.getDeclaredMethod("set", String.class, String.class);
        Method close = api.getDeclaredMethod("close");
        for (Method m : new Method[] {get, set, close}) {
            m.setAccessible(true);
        }
        return new RedisPeers.Client() {
            public String get(String key) { return (String) call(get, key); }
            public void set(String key, String value) { call(set, key, value); }
            public long incr(String key) { throw new UnsupportedOperationException("the baseline runs GET and SET only"); }
            public String pipelinedGets(String key, int n) { throw new UnsupportedOperationException("GET and SET only"); }
            public void pipelinedSets(String key, String value, int n) { throw new UnsupportedOperationException("GET and SET only"); }

            public void close() {
                call(close);
                try {
                    loader.close();
                } catch (java.io.IOException ignored) {
                    // the JVM ends right after
                }
            }

            private Object call(Method m, Object... args) {
                try {
                    return m.invoke(client, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Commands per second of {@code threads} threads (redis-benchmark: connections) sending {@code op} for about {@code d}. */
    private static double send(Map<String, RedisPeers.Client> clients, RedisBenchmarkTool tool, String name, String op, int threads,
                               Duration d) throws InterruptedException {
        if (name.equals(RedisBenchmarkTool.NAME)) {
            return tool.run(op, threads, 1, d)[0];
        }
        RedisPeers.Client c = clients.get(name);
        return Rounds.perSecond(threads, d, op.equals("GET")
                ? () -> c.get(RedisClientBenchmark.KEY)
                : () -> c.set(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE));
    }
}
