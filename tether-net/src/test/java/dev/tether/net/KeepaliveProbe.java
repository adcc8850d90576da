package dev.tether.net;

import dev.tether.chaos.EchoServer;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The body of {@link KeepaliveTest}, run in a child JVM inside a network namespace of its own:
 * a pooled connection goes idle, then every packet from the server is dropped (iptables), and the
 * probe measures how long keepalive takes to get the connection closed. Prints one RESULT line.
 */
public final class KeepaliveProbe {

    public static void main(String[] args) throws Exception {
        EchoServer server = EchoServer.start(); // on this namespace's loopback

        CompletableFuture<IdleClose> closed = new CompletableFuture<>();
        SocketConfig config = SocketConfig.builder().keepAliveIdle(Duration.ofSeconds(1))
                .keepAliveInterval(Duration.ofSeconds(1)).keepAliveCount(3).build();
        TcpConnector connector = TcpConnector.builder().socketConfig(config)
                .resolver(host -> List.of(InetAddress.getByName("127.0.0.1")))
                .idleCloseListener((c, close) -> closed.complete(close)).build();
        try (KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector)
                .config(PoolConfig.builder().name("keepalive").build()).build()) {
            Endpoint endpoint = Endpoint.of("server", server.port());
            Connection c;
            try (Lease<Connection> lease = pool.acquire(endpoint)) {
                c = lease.get();
                c.beginExchange();
                c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
                c.input().readNBytes(4);
            }
            // From here the server is gone without a packet: nothing it sends arrives.
            Process drop = new ProcessBuilder("iptables", "-A", "INPUT", "-p", "tcp", "--sport",
                    String.valueOf(server.port()), "-j", "DROP").inheritIO().start();
            if (drop.waitFor() != 0) {
                System.out.println("RESULT error=iptables-failed");
                System.exit(2);
            }
            long start = System.nanoTime();
            IdleClose close = closed.get(60, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Give the pool's close a moment to land (it runs right after the listener).
            for (int i = 0; i < 100 && c.closeReason() == null; i++) {
                Thread.sleep(10);
            }
            System.out.println("RESULT reason=" + c.closeReason() + " signal=" + close.signal() + " after_ms=" + tookMs
                    + " idle_ms=" + close.idleFor().toMillis() + " error=" + close.error());
        }
    }
}
