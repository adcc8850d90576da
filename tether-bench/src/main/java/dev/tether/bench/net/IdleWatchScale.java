package dev.tether.bench.net;

import dev.tether.chaos.SocketTable;
import dev.tether.net.Connection;
import dev.tether.net.Endpoint;
import dev.tether.net.TcpConnector;
import dev.tether.net.internal.IdleWatcher;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolListener;
import dev.tether.pool.Reason;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Scale of idle watching: N idle loopback connections in one pool, watched by tether's one shared
 * thread. Reports the heap each idle connection costs (client side only: the server runs in a
 * child JVM) and, over K closes by the server, the time from the server's call to close() to
 * the pool closing the connection (System.nanoTime is CLOCK_MONOTONIC on Linux, shared by both
 * processes). Finally counts sockets left in CLOSE_WAIT.
 *
 * <pre>
 * # 50,000 connections need 50,000 descriptors in each JVM (tether-bench/run-all does this)
 * prlimit --nofile=110000:110000 java -Xmx2g -cp tether-bench/target/benchmarks.jar dev.tether.bench.net.IdleWatchScale 50000 1000
 * </pre>
 */
public final class IdleWatchScale {

    /** Connections per server port: under the ~28,000 ephemeral ports of one client address. */
    private static final int PER_PORT = 20_000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int closes = args.length > 1 ? Integer.parseInt(args[1]) : 500;

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // One loopback port gives a client address about 28,000 ephemeral ports: past that, the
        // server listens on more ports (one pool key each), every one of them on 127.0.0.1.
        int ports = (n + PER_PORT - 1) / PER_PORT;
        Process child = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                IdleWatchScale.class.getName(), "server", String.valueOf(ports)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader fromServer = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter toServer = new PrintWriter(child.getOutputStream(), true, StandardCharsets.US_ASCII);
        List<Endpoint> endpoints = new ArrayList<>();
        for (String p : fromServer.readLine().trim().split(" ")) {
            endpoints.add(Endpoint.of("127.0.0.1", Integer.parseInt(p)));
        }

        Map<Connection, Long> removedAt = new ConcurrentHashMap<>();
        TcpConnector connector = TcpConnector.create();
        PoolListener<Endpoint, Connection> listener = new PoolListener<>() {
            @Override
            public void closed(Endpoint key, Connection connection, Reason reason) {
                if (reason == Reason.PEER_CLOSED) {
                    removedAt.put(connection, System.nanoTime());
                }
            }
        };
        // The benchmark's own list of the connections is made before the baseline, so that the
        // figure is the client's heap per connection and not this program's bookkeeping.
        List<Connection> idle = new ArrayList<>(n);
        long heapBefore = usedHeapAfterGc();
        try (KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector).listener(listener)
                .config(PoolConfig.builder().name("scale").maxPerKey(n).maxTotal(n)
                        .idleTimeout(Duration.ofHours(1)).maxLifetime(Duration.ofHours(2)).lifetimeJitter(Duration.ZERO)
                        .build()).build()) {
            long openStart = System.nanoTime();
            List<Lease<Connection>> leases = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                leases.add(pool.acquire(endpoints.get(i % endpoints.size()), Duration.ofSeconds(30)));
            }
            for (Lease<Connection> l : leases) {
                idle.add(l.get());
                l.close();
            }
            leases = null; // the benchmark's, not the client's
            double openSeconds = (System.nanoTime() - openStart) / 1e9;
            Thread.sleep(500);
            long heapAfter = usedHeapAfterGc();
            System.out.printf("idle connections: %d (pool idle %d, watcher keys %d), opened in %.1f s%n",
                    n, pool.stats().idle(), IdleWatcher.shared().registered(), openSeconds);
            System.out.printf("heap per idle connection: %.0f bytes (client side: connection, channel, pool entry, watcher key)%n",
                    (heapAfter - heapBefore) / (double) n);

            if (Boolean.getBoolean("tether.bench.histogram")) {
                // What the heap per connection is made of: the classes with about n instances or more.
                Object histogram = ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                        new Object[] {null}, new String[] {String[].class.getName()});
                String[] lines = histogram.toString().split("\n");
                for (int i = 0; i < Math.min(lines.length, 45); i++) {
                    System.out.println(lines[i]);
                }
            }
            Random random = new Random(42);
            List<Connection> victims = new ArrayList<>(idle);
            Collections.shuffle(victims, random);
            long[] micros = new long[Math.min(closes, n)];
            for (int i = 0; i < micros.length; i++) {
                Connection c = victims.get(i);
                toServer.println("close " + c.remoteAddress().getPort() + ":" + c.localAddress().getPort());
                String[] reply = fromServer.readLine().trim().split(" ");
                long closedAt = Long.parseLong(reply[2]);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                Long removed;
                while ((removed = removedAt.get(c)) == null && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (removed == null) {
                    throw new IllegalStateException(c + " was not removed within 10 s");
                }
                micros[i] = (removed - closedAt) / 1_000;
                Thread.sleep(2);
            }
            Arrays.sort(micros);
            System.out.printf("peer close -> removal over %d closes: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    micros.length, micros[micros.length / 2] / 1000.0,
                    micros[(int) Math.min(micros.length - 1, Math.ceil(micros.length * 0.99) - 1)] / 1000.0,
                    micros[micros.length - 1] / 1000.0);
            Thread.sleep(200);
            System.out.printf("sockets in CLOSE_WAIT (this process's ports): %d; pool idle %d, closed PEER_CLOSED %d%n",
                    closeWait(idle), pool.stats().idle(), pool.stats().closed(Reason.PEER_CLOSED));
        } finally {
            toServer.println("exit");
            child.waitFor(10, TimeUnit.SECONDS);
            child.destroyForcibly();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long closeWait(List<Connection> connections) throws Exception {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (Connection c : connections) {
            ports.add(c.localAddress().getPort());
        }
        long count = 0;
        for (SocketTable.Entry s : SocketTable.read()) {
            if (s.state() == SocketTable.State.CLOSE_WAIT && ports.contains(s.local().getPort())) {
                count++;
            }
        }
        return count;
    }

    /**
     * Child JVM: listens on {@code ports} loopback ports, accepts and holds connections; "close
     * SERVERPORT:CLIENTPORT" closes that one.
     */
    private static void server(int ports) throws Exception {
        Map<String, SocketChannel> byPorts = new ConcurrentHashMap<>();
        StringBuilder announced = new StringBuilder();
        for (int p = 0; p < ports; p++) {
            ServerSocketChannel ssc = ServerSocketChannel.open();
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            int serverPort = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
            announced.append(serverPort).append(' ');
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        SocketChannel s = ssc.accept();
                        byPorts.put(serverPort + ":" + ((InetSocketAddress) s.getRemoteAddress()).getPort(), s);
                    }
                } catch (Exception closed) {
                    // exiting
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }
        System.out.println(announced.toString().trim());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.equals("exit")) {
            String key = line.split(" ")[1];
            SocketChannel s = byPorts.remove(key);
            long before = System.nanoTime(); // the FIN leaves during close(): time it from just before
            s.close();
            System.out.println("closed " + key + " " + before);
            System.out.flush();
        }
        System.exit(0);
    }
}
