package dev.tether.bench.http;

import dev.tether.chaos.SocketTable;
import dev.tether.http.RaceServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tether-http against the JDK client, Apache HttpClient 5 classic and OkHttp, each with its
 * defaults, in one run. Not JMH: the work is network round trips measured by the clock, with
 * warm-up first. Modes:
 *
 * <ol>
 *   <li>{@code throughput}: starts one nginx on a free loopback port, then for 1, 8 and 32
 *       threads runs keep-alive GETs with each client (warm-up, then a timed window) and reports
 *       requests per second and bytes allocated per request on the calling threads; then
 *       {@code wrk} with the same connection counts as the ceiling.</li>
 *   <li>{@code scenarios}: the stale-race scenario (server idle timeout 1 s, requests paced
 *       1 s +/- 150 ms, 120 each, requests within 30 ms of the deadline treated as late) for GET,
 *       POST without and with {@code Keep-Alive: timeout=1}, all clients at once on separate
 *       servers; and the duplicate scenario (50 POSTs, the server applies each, then resets a
 *       reused connection before answering).</li>
 * </ol>
 * Usage: {@code java -cp tether-bench/target/benchmarks.jar dev.tether.bench.http.HttpClientBenchmark throughput|scenarios|closewait [seconds [clients [threads]]]}
 */
public final class HttpClientBenchmark {
    private static int[] threadCounts = {1, 8, 32};
    private static String[] clients = Peers.NAMES;

    private HttpClientBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (args.length > 2) {
            clients = args[2].split(",");
        }
        if (args.length > 3) {
            threadCounts = java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        }
        System.out.printf(Locale.ROOT, "JDK %s (%s), %d cores, load average %.2f%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (mode.equals("throughput")) {
            throughput(seconds);
        } else if (mode.equals("scenarios")) {
            scenarios();
        } else if (mode.equals("closewait")) {
            closeWaitTable();
        } else {
            throw new IllegalArgumentException("mode: " + mode + " (expected: throughput, scenarios or closewait)");
        }
        System.out.printf(Locale.ROOT, "load average at the end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.exit(0);
    }

    // ---------------------------------------------------------------- throughput

    private static void throughput(int seconds) throws Exception {
        Path dir = Files.createTempDirectory("tether-bench-nginx");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process nginx = startNginx(dir, port);
        try {
            String url = "http://127.0.0.1:" + port + "/hello";
            Map<String, double[]> rows = new LinkedHashMap<>();
            for (int threads : threadCounts) {
                for (String name : clients) {
                    double[] r = run(name, url, threads, seconds);
                    rows.computeIfAbsent(name, k -> new double[threadCounts.length * 2]);
                    int i = indexOf(threads);
                    rows.get(name)[2 * i] = r[0];
                    rows.get(name)[2 * i + 1] = r[1];
                    System.out.printf(Locale.ROOT, "%-7s %2d threads: %,10.0f req/s  %,8.0f B/req%n", name, threads, r[0], r[1]);
                }
                double wrk = wrk(url, threads, seconds);
                rows.computeIfAbsent("wrk", k -> new double[threadCounts.length * 2])[2 * indexOf(threads)] = wrk;
                System.out.printf(Locale.ROOT, "wrk     %2d conns:   %,10.0f req/s%n", threads, wrk);
            }
            System.out.println();
            System.out.println("| client | 1 thread req/s | B/req | 8 threads req/s | B/req | 32 threads req/s | B/req |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            for (Map.Entry<String, double[]> e : rows.entrySet()) {
                double[] v = e.getValue();
                StringBuilder sb = new StringBuilder("| " + e.getKey() + " |");
                for (int i = 0; i < threadCounts.length; i++) {
                    sb.append(String.format(Locale.ROOT, " %,.0f | %s |", v[2 * i], e.getKey().equals("wrk") ? "-" : String.format(Locale.ROOT, "%,.0f", v[2 * i + 1])));
                }
                System.out.println(sb);
            }
            double[] t = rows.get("tether");
            for (int i = 0; t != null && rows.size() > 2 && i < threadCounts.length; i++) {
                double best = 0;
                String bestName = "";
                for (String n : clients) {
                    if (!n.equals("tether") && rows.get(n)[2 * i] > best) {
                        best = rows.get(n)[2 * i];
                        bestName = n;
                    }
                }
                System.out.printf(Locale.ROOT, "%d threads: tether / best peer (%s) = %.2fx%n", threadCounts[i], bestName, t[2 * i] / best);
            }
        } finally {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int indexOf(int threads) {
        for (int i = 0; i < threadCounts.length; i++) {
            if (threadCounts[i] == threads) {
                return i;
            }
        }
        throw new IllegalArgumentException();
    }

    /** {requests per second, bytes allocated per request on the calling threads}. */
    private static double[] run(String name, String url, int threads, int seconds) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Peers.Client client = Peers.create(name)) {
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            LongAdder count = new LongAdder();
            LongAdder errors = new LongAdder();
            long[] allocStart = new long[threads];
            long[] allocEnd = new long[threads];
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            client.send("GET", url, null);
                            if (measuring.get()) {
                                count.increment();
                            }
                        } catch (Exception e) {
                            errors.increment();
                        }
                    }
                }, "bench-" + name + "-" + i);
                workers[i].start();
            }
            LockSupport.parkNanos(Duration.ofSeconds(Math.max(2, seconds / 2)).toNanos()); // warm-up
            for (int i = 0; i < threads; i++) {
                allocStart[i] = mx.getThreadAllocatedBytes(workers[i].getId());
            }
            long start = System.nanoTime();
            measuring.set(true);
            LockSupport.parkNanos(Duration.ofSeconds(seconds).toNanos());
            measuring.set(false);
            long elapsed = System.nanoTime() - start;
            long done = count.sum();
            for (int i = 0; i < threads; i++) {
                allocEnd[i] = mx.getThreadAllocatedBytes(workers[i].getId());
            }
            stop.set(true);
            for (Thread w : workers) {
                w.join(10_000);
            }
            long alloc = 0;
            for (int i = 0; i < threads; i++) {
                alloc += allocEnd[i] - allocStart[i];
            }
            if (errors.sum() > 0) {
                System.out.println("  (" + name + ": " + errors.sum() + " errors)");
            }
            return new double[] {done * 1e9 / elapsed, done == 0 ? 0 : (double) alloc / done};
        }
    }

    private static double wrk(String url, int connections, int seconds) {
        try {
            Process p = new ProcessBuilder("wrk", "-t", String.valueOf(Math.min(connections, 2)), "-c", String.valueOf(connections),
                    "-d", seconds + "s", url).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(seconds + 30L, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (IOException | InterruptedException e) {
            System.out.println("wrk not available (apt-get install -y wrk): " + e.getMessage());
            return -1;
        }
    }

    static Process startNginx(Path dir, int port) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = (root ? "user root;\n" : "") + "worker_processes 1;\nerror_log " + dir.resolve("logs/error.log") + " warn;\n"
                + "pid " + dir.resolve("logs/nginx.pid") + ";\nevents { worker_connections 1024; }\n"
                + "http { access_log off; keepalive_timeout 75s; keepalive_requests 1000000;\n"
                + "  client_body_temp_path " + dir.resolve("body") + "; proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("fcgi") + "; uwsgi_temp_path " + dir.resolve("uwsgi") + "; scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + "  server { listen 127.0.0.1:" + port + "; location = /hello { return 200 \"hello world\\n\"; } }\n}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder("nginx", "-e", dir.resolve("logs/error.log").toString(), "-p", dir.toString(), "-c",
                confFile.toString(), "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return p;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not start; see " + dir.resolve("logs"));
                }
                LockSupport.parkNanos(20_000_000);
            }
        }
    }

    // ---------------------------------------------------------------- scenarios

    private static void scenarios() throws Exception {
        String[] variants = {"GET", "POST, no Keep-Alive header", "POST, Keep-Alive: timeout=1"};
        ExecutorService pool = Executors.newCachedThreadPool();
        Map<String, Future<Integer>> results = new LinkedHashMap<>();
        List<RaceServer> servers = new ArrayList<>();
        for (String name : Peers.NAMES) {
            for (int v = 0; v < variants.length; v++) {
                RaceServer server = RaceServer.staleRace(v == 2);
                servers.add(server);
                String method = v == 0 ? "GET" : "POST";
                long seed = 1000 + v; // the same pacing for every client
                results.put(name + "|" + v, pool.submit(() -> paced(name, server, method, seed)));
            }
        }
        Map<String, Integer> failures = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Integer>> e : results.entrySet()) {
            failures.put(e.getKey(), e.getValue().get());
        }
        System.out.println("\nStale race: failures of 120 requests each");
        System.out.println("| client (defaults) | GET failed | POST failed, no Keep-Alive header | POST failed, `Keep-Alive: timeout=1` sent | applied twice |");
        System.out.println("| --- | --- | --- | --- | --- |");
        int s = 0;
        for (String name : Peers.NAMES) {
            long dup = 0;
            for (int v = 0; v < 3; v++) {
                dup += servers.get(s++).duplicates();
            }
            System.out.printf("| %s | %d | %d | %d | %d |%n", name, failures.get(name + "|0"), failures.get(name + "|1"),
                    failures.get(name + "|2"), dup);
        }
        for (RaceServer r : servers) {
            r.close();
        }

        System.out.println("\nDuplicates: 50 POSTs, the server applies each and resets a reused connection before answering");
        System.out.println("| client (defaults) | POSTs failed | applied twice |");
        System.out.println("| --- | --- | --- |");
        for (String name : Peers.NAMES) {
            try (RaceServer server = RaceServer.duplicating(); Peers.Client client = Peers.create(name)) {
                int failed = 0;
                for (int i = 0; i < 50; i++) {
                    try {
                        client.send("POST", server.url("/pay"), name + "-pay-" + i);
                    } catch (Exception e) {
                        failed++;
                    }
                }
                System.out.printf("| %s | %d | %d |%n", name, failed, server.duplicates());
            }
        }
        pool.shutdownNow();
        closeWaitTable();
    }

    /** Four idle connections closed by the server: how long each client leaves them in CLOSE_WAIT. */
    private static void closeWaitTable() throws Exception {
        System.out.println("\nCLOSE_WAIT: 4 connections idle, the server closes them after 300 ms; time until none is left in CLOSE_WAIT");
        System.out.println("| client (defaults) | CLOSE_WAIT sockets 1 ms after the server's last FIN | time from that FIN until none (ms) |");
        System.out.println("| --- | --- | --- |");
        for (String name : Peers.NAMES) {
            try (RaceServer server = new RaceServer(300, 0, null, false); Peers.Client client = Peers.create(name)) {
                ExecutorService four = Executors.newFixedThreadPool(4);
                List<Future<byte[]>> all = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String id = name + "-cw-" + i;
                    all.add(four.submit(() -> client.send("GET", server.url("/"), id)));
                }
                for (Future<byte[]> f : all) {
                    f.get();
                }
                four.shutdown();
                // Wait for the server's idle closes, then watch the client's side.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (server.idleClosed.get() < 4 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(100_000);
                }
                long lastFin = server.lastIdleCloseNanos;
                LockSupport.parkNanos(1_000_000);
                int early = closeWait(server.port());
                String until = "still " + early + " after 5 s";
                while (System.nanoTime() < deadline + Duration.ofSeconds(5).toNanos()) {
                    if (closeWait(server.port()) == 0) {
                        until = String.format(Locale.ROOT, "%.1f", (System.nanoTime() - lastFin) / 1e6);
                        break;
                    }
                    LockSupport.parkNanos(200_000);
                }
                System.out.printf("| %s | %d | %s |%n", name, early, until);
            }
        }
    }

    /** Client sockets in CLOSE_WAIT towards {@code port}, from the kernel's socket table. */
    static int closeWait(int port) {
        return SocketTable.towards(port, SocketTable.State.CLOSE_WAIT).size();
    }

    private static int paced(String name, RaceServer server, String method, long seed) throws Exception {
        Random random = new Random(seed);
        int failed = 0;
        try (Peers.Client client = Peers.create(name)) {
            for (int i = 0; i < 120; i++) {
                try {
                    client.send(method, server.url("/r"), name + "-" + method + "-" + seed + "-" + i);
                } catch (Exception e) {
                    failed++;
                }
                LockSupport.parkNanos(Duration.ofMillis(850 + random.nextInt(301)).toNanos());
            }
        }
        return failed;
    }
}
