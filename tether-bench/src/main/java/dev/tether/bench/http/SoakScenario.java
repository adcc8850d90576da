package dev.tether.bench.http;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.RequestBody;
import okhttp3.OkHttpClient;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault soak of tether-http's {@code SoakTest}, run for tether and its peers one after another
 * against the same server and the same cycle of faults (through tether-chaos): eight threads, a
 * GET of an 8 KiB page three times in four, a POST with a unique id once in four. Every client
 * gets the same limits: connect 500 ms, read 500 ms, 1.5 s for the whole call. tether reads GETs
 * with {@code sendAndRead} (the body inside the retry scope), as an application that wants whole
 * responses would; the peers read them with their usual whole-body call.
 *
 * <p>{@code java -cp benchmarks.jar dev.tether.bench.http.SoakScenario [seconds] [clients]}
 */
public final class SoakScenario {
    private static final int THREADS = 8;
    private static final byte[] PAGE = "p".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII);

    private SoakScenario() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String[] clients = args.length > 1 ? args[1].split(",") : Peers.NAMES;
        System.out.printf(Locale.ROOT, "soak: %d threads, %d s per client, load average %.2f%n", THREADS, seconds,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<String> rows = new ArrayList<>();
        for (String name : clients) {
            rows.add(run(name, seconds));
        }
        System.out.println();
        System.out.println("| client | GETs | GETs failed | % | POSTs | POSTs failed | POSTs applied twice |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "load average at the end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.exit(0);
    }

    private static String run(String name, int seconds) throws Exception {
        Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
        try (Server server = new Server(applied); ChaosLab lab = ChaosLab.create()) {
            ChaosProxy proxy = lab.createProxy("soak", "127.0.0.1:" + server.port());
            String url = "http://127.0.0.1:" + proxy.port();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong gets = new AtomicLong();
            AtomicLong posts = new AtomicLong();
            AtomicLong getFailures = new AtomicLong();
            AtomicLong postFailures = new AtomicLong();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
            try (Client client = client(name)) {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    workers.add(threads.submit(() -> {
                        for (int i = 0; running.get(); i++) {
                            boolean post = i % 4 == 3;
                            (post ? posts : gets).incrementAndGet();
                            try {
                                byte[] body = post ? client.post(url + "/pay", "post-" + thread + "-" + i) : client.get(url + "/page");
                                if (!post && body.length != PAGE.length) {
                                    throw new IOException("short body: " + body.length);
                                }
                            } catch (Exception e) {
                                (post ? postFailures : getFailures).incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                Future<?> faults = threads.submit(() -> cycleFaults(proxy, running));
                LockSupport.parkNanos(Duration.ofSeconds(seconds).toNanos()); // the length of the run
                running.set(false);
                for (Future<?> w : workers) {
                    w.get(60, TimeUnit.SECONDS);
                }
                faults.get(10, TimeUnit.SECONDS);
            } finally {
                running.set(false);
                threads.shutdownNow();
            }
            long twice = applied.values().stream().filter(n -> n.get() > 1).count();
            String row = String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f %% | %,d | %,d | %d |", name, gets.get(),
                    getFailures.get(), 100.0 * getFailures.get() / Math.max(1, gets.get()), posts.get(), postFailures.get(), twice);
            System.out.println(row);
            return row;
        }
    }

    private static Void cycleFaults(ChaosProxy proxy, AtomicBoolean running) {
        List<Toxic> faults = List.of(
                Toxic.resetNow(),
                Toxic.limitData(12 * 1024).withStream(Stream.DOWNSTREAM),
                Toxic.idleClose(Duration.ofMillis(50), true),
                Toxic.blackhole(),
                Toxic.refuse(),
                Toxic.idleClose(Duration.ofMillis(80), false));
        for (int i = 0; running.get(); i++) {
            proxy.addToxic(faults.get(i % faults.size()).withName("fault"));
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos()); // the fault's duration
            proxy.removeToxic("fault");
            LockSupport.parkNanos(Duration.ofMillis(150).toNanos()); // a calm moment between faults
        }
        return null;
    }

    /** One client with the soak's limits. */
    interface Client extends AutoCloseable {
        byte[] get(String url) throws Exception;

        byte[] post(String url, String id) throws Exception;

        @Override
        void close() throws Exception;
    }

    static Client client(String name) {
        switch (name) {
            case "tether": {
                dev.tether.http.HttpClient c = dev.tether.http.HttpClient.create(HttpClientConfig.builder()
                        .socket(s -> s.connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(500)))
                        .requestTimeout(Duration.ofMillis(1_500)).build());
                return new Client() {
                    public byte[] get(String url) throws Exception {
                        return c.sendAndRead(HttpRequest.get(url)).bytes();
                    }

                    public byte[] post(String url, String id) throws Exception {
                        return c.send(HttpRequest.builder(url).header("X-Request-Id", id).POST(RequestBody.of("1")).build()).bytes();
                    }

                    public void close() {
                        c.close();
                    }
                };
            }
            case "jdk": {
                java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofMillis(500)).build();
                return new Client() {
                    public byte[] get(String url) throws Exception {
                        return c.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(1_500)).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
                    }

                    public byte[] post(String url, String id) throws Exception {
                        return c.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(1_500))
                                        .header("X-Request-Id", id).POST(java.net.http.HttpRequest.BodyPublishers.ofString("1")).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
                    }

                    public void close() {
                        // the JDK 17 client has no close()
                    }
                };
            }
            case "apache": {
                CloseableHttpClient c = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofMilliseconds(500))
                                        .setSocketTimeout(Timeout.ofMilliseconds(500)).build())
                                .setMaxConnPerRoute(THREADS).setMaxConnTotal(THREADS).build())
                        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(1_500)).build())
                        .build();
                return new Client() {
                    public byte[] get(String url) throws Exception {
                        return c.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url),
                                r -> org.apache.hc.core5.http.io.entity.EntityUtils.toByteArray(r.getEntity()));
                    }

                    public byte[] post(String url, String id) throws Exception {
                        org.apache.hc.client5.http.classic.methods.HttpPost p = new org.apache.hc.client5.http.classic.methods.HttpPost(url);
                        p.setHeader("X-Request-Id", id);
                        p.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity("1"));
                        return c.execute(p, r -> org.apache.hc.core5.http.io.entity.EntityUtils.toByteArray(r.getEntity()));
                    }

                    public void close() throws Exception {
                        c.close();
                    }
                };
            }
            case "okhttp": {
                OkHttpClient c = new OkHttpClient.Builder().connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(500))
                        .callTimeout(Duration.ofMillis(1_500)).build();
                return new Client() {
                    public byte[] get(String url) throws Exception {
                        try (okhttp3.Response r = c.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
                            return r.body().bytes();
                        }
                    }

                    public byte[] post(String url, String id) throws Exception {
                        okhttp3.Request req = new okhttp3.Request.Builder().url(url).header("X-Request-Id", id)
                                .post(okhttp3.RequestBody.create("1".getBytes(StandardCharsets.UTF_8), okhttp3.MediaType.get("text/plain"))).build();
                        try (okhttp3.Response r = c.newCall(req).execute()) {
                            return r.body().bytes();
                        }
                    }

                    public void close() {
                        c.dispatcher().executorService().shutdown();
                        c.connectionPool().evictAll();
                    }
                };
            }
            default:
                throw new IllegalArgumentException("client: " + name + " (expected: tether, jdk, apache or okhttp)");
        }
    }

    /** A keep-alive HTTP/1.1 server: GET answers the page, POST counts its X-Request-Id as applied. */
    private static final class Server implements AutoCloseable {
        private final ServerSocket socket;
        private final Map<String, AtomicInteger> applied;
        private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

        Server(Map<String, AtomicInteger> applied) throws IOException {
            this.applied = applied;
            this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "soak-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "soak-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String lower = head.toLowerCase(Locale.ROOT);
                    int length = 0;
                    int i = lower.indexOf("\r\ncontent-length:");
                    if (i >= 0) {
                        length = Integer.parseInt(lower.substring(i + 17, lower.indexOf("\r\n", i + 2)).trim());
                    }
                    in.readNBytes(length);
                    if (head.startsWith("POST")) {
                        int id = lower.indexOf("\r\nx-request-id:");
                        String key = head.substring(id + 15, head.indexOf("\r\n", id + 2)).trim();
                        applied.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\napplied".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + PAGE.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(PAGE);
                    }
                    out.flush();
                }
            } catch (IOException gone) {
                // the proxy cut it
            } finally {
                open.remove(s);
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            int state = 0;
            while ((c = in.read()) != -1) {
                b.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
                if (state == 4) {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
