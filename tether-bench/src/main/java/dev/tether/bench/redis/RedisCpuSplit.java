package dev.tether.bench.redis;

import dev.tether.bench.Rounds;
import dev.tether.redis.Command;
import dev.tether.redis.RedisAdmin;
import dev.tether.redis.RedisClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a GET's CPU goes, per client: the benchmark JVM's CPU per command (the client's calling
 * threads and its own I/O or watcher threads), the Redis server's (its {@code INFO cpu}), and what
 * the machine left idle meanwhile, with its context switches per command; in alternating rounds
 * as {@link RedisRounds}.
 *
 * <p>Why: throughput alone does not say whether a client is short of CPU or short of work in
 * flight. On a 2-core machine, a client that costs less CPU per command (in its own process and
 * in the server's) but leaves a core idle while it waits is latency-bound, and only more commands
 * in flight or shorter hand-offs help it; one that keeps both cores busy is CPU-bound, and only
 * less work per command helps. Run:
 * {@code java [-Dclients=tether,jedis,...] -cp tether-bench/target/benchmarks.jar dev.tether.bench.redis.RedisCpuSplit [threads,...] [rounds] [seconds]}
 * (jedis must be among the clients: the ratios are to it). Machine idle time and context switches
 * come from {@code /proc/stat} (Linux; "-" elsewhere) and cover every process, so run it on a
 * quiet machine.
 */
public final class RedisCpuSplit {
    private static final String[] CLIENTS = System.getProperty("clients", "tether,tether-solo,jedis,jedis-32,lettuce").split(",");
    private static final Path PROC_STAT = Path.of("/proc/stat");

    private RedisCpuSplit() {
    }

    /** What one client's window cost: the counters' differences. */
    private record Window(double perSecond, double jvmMicros, double redisMicros, double idlePercent, double switches) {
    }

    public static void main(String[] args) throws Exception {
        String[] threadCounts = (args.length > 0 ? args[0] : "1,8,32").split(",");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Duration window = Duration.ofMillis((long) (1000 * (args.length > 2 ? Double.parseDouble(args[2]) : 1)));
        Map<String, RedisPeers.Client> clients = new LinkedHashMap<>();
        for (String c : CLIENTS) {
            clients.put(c, RedisPeers.create(c, RedisAdmin.URL, "tether-bench-cpu-" + c, 32));
        }
        if (!clients.containsKey("jedis")) {
            throw new IllegalArgumentException("clients: " + String.join(",", CLIENTS) + " (expected: jedis among them, the reference)");
        }
        try (RedisClient admin = RedisClient.create(RedisAdmin.URL)) {
            clients.get("jedis").set(RedisClientBenchmark.KEY, RedisClientBenchmark.VALUE);
            List<String> names = new ArrayList<>(clients.keySet());
            for (String t : threadCounts) {
                int threads = Integer.parseInt(t.trim());
                for (String n : names) {
                    get(clients.get(n), threads, Duration.ofSeconds(2)); // warm-up
                }
                // Each name's windows in round order: the i-th of every list is round i.
                Map<String, List<Window>> seen = new LinkedHashMap<>();
                names.forEach(n -> seen.put(n, new ArrayList<>()));
                Rounds.alternate(names, rounds, n -> {
                    Window w = measure(admin, clients.get(n), threads, window);
                    seen.get(n).add(w);
                    return w.perSecond();
                });
                print(threads, rounds, seen);
            }
        } finally {
            for (RedisPeers.Client c : clients.values()) {
                c.close();
            }
        }
    }

    private static Window measure(RedisClient admin, RedisPeers.Client c, int threads, Duration window) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] stat0 = procStat();
        double redis0 = redisCpuSeconds(admin);
        long jvm0 = os.getProcessCpuTime();
        double perSecond = get(c, threads, window);
        long jvm1 = os.getProcessCpuTime();
        double redis1 = redisCpuSeconds(admin);
        long[] stat1 = procStat();
        double commands = perSecond * window.toNanos() / 1e9;
        double idle = stat0 == null ? Double.NaN : 100.0 * (stat1[1] - stat0[1]) / Math.max(1, stat1[0] - stat0[0]);
        double switches = stat0 == null ? Double.NaN : (stat1[2] - stat0[2]) / commands;
        return new Window(perSecond, (jvm1 - jvm0) / 1e3 / commands, (redis1 - redis0) * 1e6 / commands, idle, switches);
    }

    private static double get(RedisPeers.Client c, int threads, Duration d) throws InterruptedException {
        return Rounds.perSecond(threads, d, () -> c.get(RedisClientBenchmark.KEY));
    }

    /** The server's own CPU time so far (user and system), from {@code INFO cpu}. */
    private static double redisCpuSeconds(RedisClient admin) {
        double s = 0;
        for (String line : String.valueOf(admin.send(Command.text("INFO", "cpu"))).split("\r\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                s += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return s;
    }

    /** {all CPU ticks, idle and iowait ticks, context switches} of the machine, or null off Linux. */
    private static long[] procStat() {
        if (!Files.isReadable(PROC_STAT)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC_STAT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long total = 0;
        long idle = 0;
        long switches = 0;
        for (String line : lines) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            } else if (line.startsWith("ctxt ")) {
                switches = Long.parseLong(line.substring(5).trim());
            }
        }
        return new long[] {total, idle, switches};
    }

    private static void print(int threads, int rounds, Map<String, List<Window>> seen) {
        System.out.printf(Locale.ROOT, "GET, %d thread(s), %d rounds of 1 window per client, medians:%n", threads, rounds);
        System.out.println("| client | commands/s | ratio to jedis | JVM CPU µs/cmd | Redis CPU µs/cmd | both | machine idle | context switches/cmd |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        List<Window> ref = seen.get("jedis");
        for (Map.Entry<String, List<Window>> e : seen.entrySet()) {
            List<Window> w = e.getValue();
            double[] ratio = new double[w.size()];
            for (int i = 0; i < w.size(); i++) {
                ratio[i] = w.get(i).perSecond() / ref.get(i).perSecond();
            }
            double jvm = median(w, Window::jvmMicros);
            double redis = median(w, Window::redisMicros);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2fx | %.1f | %.1f | %.1f | %s | %s |%n", e.getKey(), median(w, Window::perSecond),
                    Rounds.median(ratio), jvm, redis, jvm + redis, orDash("%.0f %%", median(w, Window::idlePercent)),
                    orDash("%.1f", median(w, Window::switches)));
        }
    }

    private static double median(List<Window> w, java.util.function.ToDoubleFunction<Window> f) {
        return Rounds.median(w.stream().mapToDouble(f).toArray());
    }

    private static String orDash(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }
}
