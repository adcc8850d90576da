package dev.tether.bench.chaos;

import dev.tether.bench.Rounds;
import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link ProxyOverheadBenchmark}'s transfers and round trip, measured in alternation: every round
 * gives the direct connection and the proxied one the same second, in a rotating order, so both
 * see the same load from the other engineers on a shared 2-core machine; the table reports the
 * median of each round's ratio proxy / direct. Run:
 * {@code java -cp tether-bench/target/benchmarks.jar dev.tether.bench.chaos.ProxyRounds [rounds] [seconds] [proxy...]}.
 * Each {@code proxy} argument adds a proxied path measured in the same rounds: a bare name is a
 * proxy of this build, {@code label=path/to/benchmarks.jar} one of the build in that jar (or class
 * path), loaded
 * in a class loader of its own (for a before/after comparison in one sitting:
 * {@code before=/tmp/before/benchmarks.jar after=tether-bench/target/benchmarks.jar}).
 * {@code count direct|proxy SIZE N} only runs N transfers, and prints CPU time and context
 * switches per transfer of each thread, for counting with {@code strace -f -c}.
 */
public final class ProxyRounds {

    private ProxyRounds() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("count")) {
            count(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1;
        Duration window = Duration.ofMillis((long) (seconds * 1000));
        // More names than one give more proxies, each measured against the same direct rounds.
        List<String> proxies = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("proxy");
        List<String> labels = proxies.stream().map(p -> p.contains("=") ? p.substring(0, p.indexOf('=')) : p).toList();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptLoop(server), "rounds-server");
        acceptor.setDaemon(true);
        acceptor.start();
        try (ChaosLab lab = ChaosLab.create()) {
            int paths = 1 + proxies.size();
            Client[] clients = new Client[paths];
            clients[0] = new Client(server.getLocalPort());
            List<AutoCloseable> others = new ArrayList<>();
            for (int p = 1; p < paths; p++) {
                String name = proxies.get(p - 1);
                int port;
                if (name.contains("=")) {
                    port = isolatedProxy(name.substring(name.indexOf('=') + 1), server.getLocalPort(), others);
                } else {
                    ChaosProxy proxy = lab.createProxy(name, "127.0.0.1:" + server.getLocalPort());
                    port = proxy.port();
                }
                clients[p] = new Client(port);
            }
            System.out.printf(Locale.ROOT, "load average before: %s (%s)%n", load(), Instant.now());
            for (int size : new int[] {64 * 1024, 1024 * 1024}) {
                byte[] payload = new byte[size];
                for (Client c : clients) {
                    Rounds.perSecond(1, Duration.ofSeconds(2), () -> c.transfer(payload)); // warm-up
                }
                double[][] v = new double[paths][rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < paths; i++) {
                        int k = (i + r) % paths;
                        Client c = clients[k];
                        v[k][r] = Rounds.perSecond(1, window, () -> c.transfer(payload)) * size / 1e6;
                    }
                }
                for (int p = 1; p < paths; p++) {
                    report("transfer " + (size / 1024) + " KB, MB/s, " + labels.get(p - 1), v[0], v[p], rounds);
                }
            }
            // Round trips: p50 and p99 of each path's samples over all rounds.
            int per = 2000;
            for (Client c : clients) {
                for (int i = 0; i < per; i++) {
                    c.roundTrip();
                }
            }
            long[][] rt = new long[paths][rounds * per];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < paths; i++) {
                    int k = (i + r) % paths;
                    for (int j = 0; j < per; j++) {
                        long t0 = System.nanoTime();
                        clients[k].roundTrip();
                        rt[k][r * per + j] = System.nanoTime() - t0;
                    }
                }
            }
            for (long[] x : rt) {
                Arrays.sort(x);
            }
            double p50d = rt[0][rt[0].length / 2] / 1e3;
            double p99d = rt[0][rt[0].length * 99 / 100] / 1e3;
            for (int p = 1; p < paths; p++) {
                double p50p = rt[p][rt[p].length / 2] / 1e3;
                double p99p = rt[p][rt[p].length * 99 / 100] / 1e3;
                System.out.printf(Locale.ROOT, "round trip 100 B, %s: p50 direct %.1f us, proxy %.1f us (+%.1f us); p99 %.1f / %.1f us%n",
                        labels.get(p - 1), p50d, p50p, p50p - p50d, p99d, p99p);
            }
            System.out.printf(Locale.ROOT, "load average after: %s (%s)%n", load(), Instant.now());
            for (Client c : clients) {
                c.close();
            }
            for (AutoCloseable c : others) {
                c.close();
            }
        }
        server.close();
    }

    /**
     * A proxy from another build's benchmark jar, in a class loader of its own, so that two
     * builds of the proxy (before and after a change) are measured in the same rounds.
     */
    private static int isolatedProxy(String classPath, int upstreamPort, List<AutoCloseable> open) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> labClass = Class.forName("dev.tether.chaos.ChaosLab", true, loader);
        Object lab = labClass.getMethod("create").invoke(null);
        open.add((AutoCloseable) lab);
        Method create = labClass.getMethod("createProxy", String.class, String.class);
        Object proxy = create.invoke(lab, "isolated", "127.0.0.1:" + upstreamPort);
        return (int) create.getReturnType().getMethod("port").invoke(proxy);
    }

    /**
     * {@code count direct|proxy SIZE N}: only N transfers of SIZE bytes on one path, for counting
     * system calls with {@code strace -f -c} (the difference of two counts divided by the
     * difference of their N leaves out start-up).
     */
    private static void count(String path, int size, int n) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptLoop(server), "rounds-server");
        acceptor.setDaemon(true);
        acceptor.start();
        try (ChaosLab lab = ChaosLab.create()) {
            int port = server.getLocalPort();
            if (path.equals("proxy")) {
                port = lab.createProxy("rounds", "127.0.0.1:" + port).port();
            }
            Client c = new Client(port);
            byte[] payload = new byte[size];
            for (int i = 0; i < n / 10; i++) { // warm-up, not counted below
                if (size == 0) {
                    c.roundTrip();
                } else {
                    c.transfer(payload);
                }
            }
            Map<String, long[]> before = threads();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (size == 0) {
                    c.roundTrip();
                } else {
                    c.transfer(payload);
                }
            }
            long t1 = System.nanoTime();
            Map<String, long[]> after = threads();
            System.out.printf(Locale.ROOT, "%s %d x %d B: %.1f us/op%n", path, n, size, (t1 - t0) / 1e3 / n);
            for (Map.Entry<String, long[]> e : after.entrySet()) {
                long[] a = e.getValue();
                long[] b = before.getOrDefault(e.getKey(), new long[4]);
                if (a[0] - b[0] > n * 1000L) {
                    System.out.printf(Locale.ROOT, "  %-40s cpu %7.1f us/op (user %6.1f), voluntary switches %5.2f/op, involuntary %5.2f/op%n",
                            e.getKey(), (a[0] - b[0]) / 1e3 / n, (a[3] - b[3]) / 1e3 / n, (a[1] - b[1]) / (double) n, (a[2] - b[2]) / (double) n);
                }
            }
            c.close();
        }
        server.close();
    }

    /** Per live thread: CPU nanoseconds and context switches (voluntary, involuntary) so far. */
    private static Map<String, long[]> threads() throws IOException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, long[]> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = mx.getThreadCpuTime(t.getId());
            m.put(t.getName(), new long[] {cpu, 0, 0, mx.getThreadUserTime(t.getId())});
        }
        // Context switches per thread from /proc (names there are cut to 15 characters).
        Map<String, long[]> sw = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm = Files.readString(task.resolve("comm")).trim();
                long vol = 0;
                long invol = 0;
                for (String line : Files.readAllLines(task.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        vol = Long.parseLong(line.split("\\s+")[1]);
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        invol = Long.parseLong(line.split("\\s+")[1]);
                    }
                }
                long[] x = sw.computeIfAbsent(comm, k -> new long[2]);
                x[0] += vol;
                x[1] += invol;
            }
        }
        for (Map.Entry<String, long[]> e : m.entrySet()) {
            String name = e.getKey();
            String comm = name.length() > 15 ? name.substring(0, 15) : name;
            long[] x = sw.get(comm);
            if (x != null) {
                e.getValue()[1] = x[0];
                e.getValue()[2] = x[1];
            }
        }
        return m;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void report(String what, double[] direct, double[] proxy, int rounds) {
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = proxy[r] / direct[r];
        }
        System.out.printf(Locale.ROOT, "%s: direct median %.0f (min %.0f, max %.0f), proxy median %.0f (min %.0f, max %.0f);"
                        + " proxy/direct median of rounds %.0f %% (min %.0f %%, max %.0f %%)%n",
                what, Rounds.median(direct), Rounds.min(direct), Rounds.max(direct),
                Rounds.median(proxy), Rounds.min(proxy), Rounds.max(proxy),
                100 * Rounds.median(ratio), 100 * Rounds.min(ratio), 100 * Rounds.max(ratio));
    }

    private static void acceptLoop(ServerSocket server) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> ProxyOverheadBenchmark.serve(s), "rounds-serve");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One kept-open connection, direct or through the proxy. */
    private static final class Client {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] message = new byte[100];
        private final byte[] reply = new byte[100];

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            message[0] = 'E';
        }

        void transfer(byte[] payload) throws IOException {
            int size = payload.length;
            out.write(new byte[] {'T', (byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
            out.write(payload);
            if (in.read() != 1) {
                throw new IOException("no acknowledgement");
            }
        }

        void roundTrip() throws IOException {
            out.write(message);
            if (in.readNBytes(reply, 0, 100) != 100) {
                throw new IOException("short echo");
            }
        }

        void close() throws IOException {
            socket.close();
        }
    }
}
