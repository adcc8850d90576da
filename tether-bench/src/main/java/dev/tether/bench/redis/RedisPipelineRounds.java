package dev.tether.bench.redis;

import dev.tether.bench.Rounds;
import dev.tether.redis.RedisAdmin;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Explicit pipelines of 100 GETs and of 100 SETs at one thread, each client against
 * {@code redis-benchmark -c 1 -P 100} (issue 12's yardstick: the server's own C client, which
 * does nothing with a reply but count it), all in the same alternating rounds: redis-benchmark
 * runs as a subprocess for as many requests as it made in about a second the round before, and its
 * "requests per second" is its figure. Every client sends what redis-benchmark sends: a 16-byte
 * key ({@code tether-bench:key} against its {@code key:__rand_int__}) and, for SET, a 3-byte value;
 * GET reads a 3-byte value in both. The tables give commands per second (the median of each
 * round's ratio to redis-benchmark is the figure the issue asks about) and the CPU time of the
 * calling thread per command in ns (redis-benchmark's: its whole process, start-up included, from
 * this process's reaped children's times, 10 ms ticks), which a loaded machine disturbs far less
 * than throughput, and then the heap the calling thread allocates per command. Each client decodes
 * replies its default way (tether: GET's as {@code byte[]}, the last one also as a String; Jedis:
 * every one as a String). Run:
 * {@code java [-Dclients=tether,jedis,lettuce] -cp tether-bench/target/benchmarks.jar dev.tether.bench.redis.RedisPipelineRounds [rounds] [batch]}
 */
public final class RedisPipelineRounds {
    private static final String[] CLIENTS = System.getProperty("clients", "tether,jedis,lettuce").split(",");
    private static final String BENCHMARK = RedisBenchmarkTool.NAME;

    private RedisPipelineRounds() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String without = RedisBenchmarkTool.unavailable();
        if (without != null) {
            throw new IllegalStateException("the pipelines are measured against redis-benchmark, and " + without);
        }
        Map<String, RedisPeers.Client> clients = new LinkedHashMap<>();
        for (String c : CLIENTS) {
            clients.put(c, RedisPeers.create(c, RedisAdmin.URL, "tether-bench-" + c, 1));
        }
        RedisPeers.Client any = clients.values().iterator().next();
        any.set(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE);
        any.set(RedisBenchmarkTool.KEY, RedisClientBenchmark.VALUE);
        List<String> names = new ArrayList<>(clients.keySet());
        names.add(BENCHMARK);
        for (String op : List.of("GET", "SET")) {
            Map<String, double[]> cpu = new LinkedHashMap<>();
            Map<String, Integer> done = new HashMap<>();
            names.forEach(n -> cpu.put(n, new double[rounds]));
            RedisBenchmarkTool tool = new RedisBenchmarkTool();
            for (String n : names) {
                measure(n, clients, op, batch, Duration.ofSeconds(2), tool); // warm-up (and redis-benchmark's -n)
            }
            Map<String, double[]> perSecond = Rounds.alternate(names, rounds, n -> {
                double[] r = measure(n, clients, op, batch, Duration.ofSeconds(1), tool);
                int round = done.merge(n, 1, Integer::sum) - 1;
                cpu.get(n)[round] = r[1];
                return r[0];
            });
            System.out.printf(Locale.ROOT, "%s, pipelines of %d, 1 thread, %d rounds of about 1 s per participant (load %s):%n",
                    op, batch, rounds, loadAverage());
            Rounds.printTable("participant", "commands/s", perSecond, BENCHMARK, BENCHMARK);
            System.out.println();
            System.out.printf(Locale.ROOT, "%s, CPU time of the calling thread per command in ns (redis-benchmark: its whole process):%n", op);
            Rounds.printTable("participant", "CPU ns/command", cpu, BENCHMARK, BENCHMARK);
            System.out.println();
            System.out.printf(Locale.ROOT, "%s, heap allocated by the calling thread per command (Lettuce allocates in its own threads too):%n", op);
            System.out.println("| participant | bytes/command |");
            System.out.println("| --- | ---: |");
            for (Map.Entry<String, RedisPeers.Client> e : clients.entrySet()) {
                System.out.printf(Locale.ROOT, "| %s | %.1f |%n", e.getKey(), allocatedPerCommand(e.getValue(), op, batch));
            }
            System.out.println();
        }
        for (RedisPeers.Client c : clients.values()) {
            c.close();
        }
    }

    /** {commands per second, CPU ns per command} of one participant for about {@code d}. */
    private static double[] measure(String name, Map<String, RedisPeers.Client> clients, String op, int batch, Duration d,
                                    RedisBenchmarkTool tool) throws InterruptedException {
        if (name.equals(BENCHMARK)) {
            return tool.run(op, 1, batch, d);
        }
        RedisPeers.Client c = clients.get(name);
        double[] r = Rounds.timed(1, d, op.equals("GET")
                ? () -> c.pipelinedGets(RedisClientBenchmark.KEY, batch)
                : () -> c.pipelinedSets(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE, batch));
        return new double[] {r[0] * batch, r[1] * 1000 / batch};
    }

    /** Bytes this thread allocates per command over 2,000 batches (after the rounds: compiled code). */
    private static double allocatedPerCommand(RedisPeers.Client c, String op, int batch) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int batches = 2_000;
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < batches; i++) {
            if (op.equals("GET")) {
                c.pipelinedGets(RedisClientBenchmark.KEY, batch);
            } else {
                c.pipelinedSets(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE, batch);
            }
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / (double) batches / batch;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
