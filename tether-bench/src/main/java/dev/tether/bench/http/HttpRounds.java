package dev.tether.bench.http;

import dev.tether.bench.Rounds;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link HttpClientBenchmark}'s keep-alive GET against one local nginx, measured in alternation:
 * on a shared 2-core machine the load drifts over a run's minutes more than the clients differ,
 * so every round gives each client (and {@code wrk} with as many connections as threads) the same
 * second, in a rotating order, and the table reports each one's median and the median of each
 * round's ratio of tether to it (neighbours in time share the load), and the calling threads' CPU
 * time per request (a peer's own I/O threads are not counted: compare it between tethers), which
 * other processes' load disturbs less than throughput.
 *
 * <p>With {@code -Dbaseline=path/to/benchmarks.jar} a second tether, {@code tether@base}, runs in
 * the same rounds: that jar's {@code Peers} loaded in a class loader of its own (nothing shared
 * with this one but the JDK), so a change is compared with its base in one sitting; with
 * {@code -Dcandidate=path/to/new.jar} as well, {@code tether@new} is loaded the same way, so that
 * neither side has the application class loader to itself.
 *
 * <p>Run: {@code java -cp tether-bench/target/benchmarks.jar [-Dbaseline=old.jar] [-Dwarmup=seconds] dev.tether.bench.http.HttpRounds [threads,threads] [rounds] [clients]}
 * (defaults {@code 1,8}, 10, {@code tether,apache,okhttp,jdk}).
 */
public final class HttpRounds {
    private static final int WARM_UP_SECONDS = Integer.getInteger("warmup", 10);
    private static final Pattern WRK = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private HttpRounds() {
    }

    public static void main(String[] args) throws Exception {
        int[] threadCounts = Arrays.stream((args.length > 0 ? args[0] : "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String[] peers = (args.length > 2 ? args[2] : "tether,apache,okhttp,jdk").split(",");
        System.out.printf(Locale.ROOT, "JDK %s, %d cores, load average %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadavg());
        Path dir = Files.createTempDirectory("tether-bench-nginx");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process nginx = HttpClientBenchmark.startNginx(dir, port);
        String url = "http://127.0.0.1:" + port + "/hello";
        Map<String, Rounds.Op> clients = new LinkedHashMap<>();
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            for (String n : peers) {
                Peers.Client c = Peers.create(n);
                closers.add(c);
                clients.put(n, () -> c.send("GET", url, null));
            }
            String baseline = System.getProperty("baseline");
            if (baseline != null) {
                clients.put("tether@base", baselineTether(baseline, url, closers));
            }
            String candidate = System.getProperty("candidate");
            if (candidate != null) {
                clients.put("tether@new", baselineTether(candidate, url, closers));
            }
            for (int threads : threadCounts) {
                run(clients, threads, rounds, url);
            }
        } finally {
            for (AutoCloseable c : closers) {
                c.close();
            }
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "load average at the end %s%n", loadavg());
        System.exit(0);
    }

    private static void run(Map<String, Rounds.Op> clients, int threads, int rounds, String url) throws Exception {
        List<String> names = new ArrayList<>(clients.keySet());
        names.add("wrk");
        for (String n : clients.keySet()) {
            Rounds.perSecond(threads, Duration.ofSeconds(WARM_UP_SECONDS), clients.get(n)); // warm-up: C2 done before the first round
        }
        Map<String, double[]> perSecond = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        names.forEach(n -> perSecond.put(n, new double[rounds]));
        names.forEach(n -> cpu.put(n, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.size(); i++) {
                String n = names.get((i + r) % names.size());
                if (n.equals("wrk")) {
                    perSecond.get(n)[r] = wrk(url, threads);
                    cpu.get(n)[r] = Double.NaN;
                } else {
                    double[] m = Rounds.timed(threads, Duration.ofSeconds(1), clients.get(n));
                    perSecond.get(n)[r] = m[0];
                    cpu.get(n)[r] = m[1];
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nkeep-alive GET, %d thread(s), %d rounds of 1 s per client, load average %s:%n", threads, rounds, loadavg());
        System.out.println("| client | median req/s | min | max | median of the rounds' ratios of tether to it | calling threads' CPU µs/request (median) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        // The ratios are to tether, or to tether@new when only the two loaded builds run.
        double[] tether = perSecond.containsKey("tether") ? perSecond.get("tether") : perSecond.get("tether@new");
        double[] bestPeer = new double[rounds];
        for (String n : names) {
            double[] v = perSecond.get(n);
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = tether[r] / v[r];
                if (!n.startsWith("tether") && !n.equals("wrk")) {
                    bestPeer[r] = Math.max(bestPeer[r], v[r]);
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2fx | %s |%n", n, Rounds.median(v), Rounds.min(v), Rounds.max(v),
                    Rounds.median(ratio), n.equals("wrk") ? "-" : String.format(Locale.ROOT, "%.1f", Rounds.median(cpu.get(n))));
        }
        if (bestPeer[0] > 0) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = tether[r] / bestPeer[r];
            }
            System.out.printf(Locale.ROOT, "tether / best peer of each round: median %.2fx (min %.2fx, max %.2fx)%n",
                    Rounds.median(ratio), Rounds.min(ratio), Rounds.max(ratio));
        }
    }

    /** tether as the baseline jar builds it, through that jar's own {@code Peers} in a loader of its own. */
    private static Rounds.Op baselineTether(String jar, String url, List<AutoCloseable> closers) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> peers = Class.forName("dev.tether.bench.http.Peers", true, loader);
        Method create = peers.getDeclaredMethod("create", String.class);
        create.setAccessible(true);
        Object client = create.invoke(null, "tether");
        Class<?> api = Class.forName("dev.tether.bench.http.Peers$Client", true, loader);
        Method send = api.getDeclaredMethod("send", String.class, String.class, String.class);
        send.setAccessible(true);
        Method close = api.getDeclaredMethod("close");
        close.setAccessible(true);
        closers.add(() -> close.invoke(client));
        closers.add(loader);
        return () -> send.invoke(client, "GET", url, null);
    }

    /** wrk with as many connections as threads, for one second. */
    private static double wrk(String url, int connections) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t", String.valueOf(Math.min(connections, 2)), "-c", String.valueOf(connections),
                "-d", "1s", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = WRK.matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
