package dev.tether.cli.lab.netns;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.chaos.EchoServer;
import dev.tether.net.Connection;
import dev.tether.net.Endpoint;
import dev.tether.net.IdleClose;
import dev.tether.net.SocketConfig;
import dev.tether.net.TcpConnector;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The blackhole scenario's keepalive experiment, run by {@link KeepaliveExperiment} as a child JVM
 * inside a network namespace of its own (so its loopback and its iptables rules are private):
 *
 * <ol>
 *   <li>An echo server on 127.0.0.1 (tether-chaos's {@link EchoServer}); a tether connection to it (tether-net's {@link TcpConnector}
 *       in a pool, keepalive 1 s idle, 1 s interval, 3 probes) and a naive socket (no keepalive,
 *       the JDK's default). Each does one round trip, then goes idle; the naive one blocks in a
 *       read, as an application waiting on it would.</li>
 *   <li>Every packet from the server is dropped ({@code iptables -A INPUT -p tcp --sport PORT -j DROP}):
 *       the peer vanished without a FIN or RST. The child prints {@code DROPPED} at once so that
 *       the lab can place the moment on its timeline.</li>
 *   <li>It waits (up to {@code args[0]} ms) for tether's idle watcher to close the connection, then
 *       looks whether the naive socket noticed anything in the same time, and prints one line:
 *       {@code RESULT } and {@link Outcome} as JSON.</li>
 * </ol>
 */
public final class VanishedPeerChild {

    /** The keepalive timers the experiment gives tether: the shortest Linux takes (whole seconds). */
    static final Duration KEEPALIVE_IDLE = Duration.ofSeconds(1);
    static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(1);
    static final int KEEPALIVE_COUNT = 3;

    /**
     * What the child saw. Times in ms since the drop.
     *
     * @param tetherNoticedMs when tether's connection was closed; null if not within the limit
     * @param tetherReason    the pool's close reason (PEER_CLOSED expected)
     * @param tetherSignal    what the idle watcher saw (LOST: a socket error with no FIN or RST)
     * @param tetherError     the socket error, e.g. "Connection timed out"
     * @param naiveNoticedMs  when the naive socket's blocked read ended; null if it was still waiting
     * @param naiveWaitedMs   how long the naive socket had been watched when the child looked
     * @param error           why the experiment could not run; null when it ran
     */
    public record Outcome(Long tetherNoticedMs, String tetherReason, String tetherSignal, String tetherError,
                          Long naiveNoticedMs, long naiveWaitedMs, String error) {
    }

    private VanishedPeerChild() {
    }

    public static void main(String[] args) throws Exception {
        long limitMs = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
        Outcome o;
        try {
            o = run(limitMs);
        } catch (Exception e) {
            o = new Outcome(null, null, null, null, null, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.println("RESULT " + new ObjectMapper().writeValueAsString(o));
        System.out.flush();
        // The pool's watcher and the blocked naive read are threads that would keep the JVM up.
        System.exit(0);
    }

    private static Outcome run(long limitMs) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        EchoServer server = EchoServer.start(); // on this namespace's loopback

        CompletableFuture<IdleClose> closed = new CompletableFuture<>();
        SocketConfig config = SocketConfig.builder().keepAliveIdle(KEEPALIVE_IDLE).keepAliveInterval(KEEPALIVE_INTERVAL)
                .keepAliveCount(KEEPALIVE_COUNT).build();
        TcpConnector connector = TcpConnector.builder().socketConfig(config)
                .resolver(host -> List.of(loopback))
                .idleCloseListener((c, close) -> closed.complete(close)).build();
        try (KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector)
                .config(PoolConfig.builder().name("lab-keepalive").build()).build();
             Socket naive = new Socket()) {
            Connection c;
            try (Lease<Connection> lease = pool.acquire(Endpoint.of("server", server.port()))) {
                c = lease.get();
                c.beginExchange();
                c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
                c.input().readNBytes(4);
            } // back in the pool: idle, watched

            naive.connect(new InetSocketAddress(loopback, server.port()), 5_000);
            naive.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            naive.getInputStream().readNBytes(4);
            AtomicLong naiveEnded = new AtomicLong(-1);
            Thread naiveReader = new Thread(() -> {
                try {
                    naive.getInputStream().read(); // no timeout, as a naive client has none
                } catch (IOException ignored) {
                    // an error is noticing too
                }
                naiveEnded.set(System.nanoTime());
            }, "naive-read");
            naiveReader.setDaemon(true);
            naiveReader.start();

            Process drop = new ProcessBuilder("iptables", "-A", "INPUT", "-p", "tcp", "--sport",
                    String.valueOf(server.port()), "-j", "DROP").redirectErrorStream(true).start();
            String dropOut = new String(drop.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!drop.waitFor(30, TimeUnit.SECONDS) || drop.exitValue() != 0) {
                return new Outcome(null, null, null, null, null, 0, "iptables could not drop the packets: " + dropOut);
            }
            long dropped = System.nanoTime();
            System.out.println("DROPPED");
            System.out.flush();

            AtomicReference<IdleClose> close = new AtomicReference<>();
            Long tetherMs = null;
            try {
                close.set(closed.get(limitMs, TimeUnit.MILLISECONDS));
                tetherMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped);
            } catch (TimeoutException e) {
                // tether did not notice within the limit: reported as null
            }
            long looked = System.nanoTime();
            long naiveAt = naiveEnded.get();
            Long naiveMs = naiveAt < 0 ? null : TimeUnit.NANOSECONDS.toMillis(naiveAt - dropped);
            // The pool closes the connection right after the listener returns; wait for that reason briefly.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (close.get() != null && c.closeReason() == null && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            IdleClose ic = close.get();
            return new Outcome(tetherMs, c.closeReason() == null ? null : c.closeReason().name(),
                    ic == null ? null : ic.signal().name(), ic == null || ic.error() == null ? null : ic.error().getMessage(),
                    naiveMs, TimeUnit.NANOSECONDS.toMillis(looked - dropped), null);
        } finally {
            server.close();
        }
    }
}
