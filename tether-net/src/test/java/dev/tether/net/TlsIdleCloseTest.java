package dev.tether.net;

import dev.tether.net.testkit.Certs;

import dev.tether.chaos.EchoServer;
import dev.tether.chaos.SocketTable;
import dev.tether.net.internal.IdleWatcher;
import dev.tether.net.internal.TestWatchers;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A TLS server that closes an idle connection sends close_notify, then FIN. The TLS layer reads
 * the alert as the end of the stream, and so must tether: it is the peer's close (FIN), with the
 * idle age a client learns the server's timeout from, whether the watcher sees it or the
 * lease-time check does; TLS 1.2 and 1.3.
 */
class TlsIdleCloseTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Resolver LOOPBACK = host -> List.of(InetAddress.getByName("127.0.0.1"));

    private final AtomicLong skew = new AtomicLong();
    private final Ticker ticker = () -> Ticker.SYSTEM.nanoTime() + skew.get();
    private final List<IdleClose> idleCloses = new CopyOnWriteArrayList<>();

    private static void exchange(Connection c) throws IOException {
        c.beginExchange();
        c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.input().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
    }

    private static Endpoint endpoint(EchoServer server, Certs certs, String protocol) {
        return Endpoint.builder().host("localhost").port(server.port())
                .tls(TlsSettings.builder().sslContext(certs.client).protocols(List.of(protocol)).build()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theWatcherReadsCloseNotifyAsTheServersIdleClose(String protocol, @TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        TcpConnector connector = TcpConnector.builder().resolver(LOOPBACK).ticker(ticker)
                .idleCloseListener((c, close) -> idleCloses.add(close)).build();
        try (EchoServer server = EchoServer.startTls(certs.server);
             KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector).ticker(ticker).build()) {
            Endpoint e = endpoint(server, certs, protocol);
            Connection c;
            try (Lease<Connection> lease = pool.acquire(e)) {
                c = lease.get();
                exchange(c);
                assertThat(c.sslSession().getProtocol()).isEqualTo(protocol);
            }
            skew.addAndGet(Duration.ofSeconds(2).toNanos()); // the server's "keepalive_timeout"
            server.next().close(); // close_notify, then FIN
            await().atMost(PATIENCE).until(() -> c.closeReason() != null);
            assertThat(c.closeReason()).isEqualTo(Reason.PEER_CLOSED);
            assertThat(c.idleClose().signal()).isEqualTo(PeerSignal.FIN);
            assertThat(c.idleClose().atLease()).isFalse();
            assertThat(c.idleClose().idleFor()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2 + 10));
            assertThat(idleCloses).containsExactly(c.idleClose());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theLeaseCheckReadsCloseNotifyAsTheServersIdleClose(String protocol, @TempDir Path dir) throws Exception {
        // The watcher's delay is an hour: only the lease-time check can see the close.
        IdleWatcher slow = TestWatchers.start("slow-watcher", Duration.ofHours(1));
        TcpConnector connector = TcpConnector.builder().resolver(LOOPBACK).ticker(ticker).idleWatcher(slow).build();
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        try (EchoServer server = EchoServer.startTls(certs.server)) {
            Connection c = connector.open(endpoint(server, certs, protocol));
            try {
                exchange(c);
                connector.onIdle(c, reason -> false);
                server.next().close();
                int localPort = c.localAddress().getPort();
                await().atMost(PATIENCE).until(() -> SocketTable.statesOf(localPort).contains(SocketTable.State.CLOSE_WAIT)); // close_notify and FIN both arrived
                connector.onLease(c);
                assertThat(connector.isReusable(c, 0)).isFalse();
                assertThat(c.idleClose().signal()).isEqualTo(PeerSignal.FIN);
                assertThat(c.idleClose().atLease()).isTrue();
            } finally {
                connector.close(c, Reason.NOT_REUSABLE);
            }
        } finally {
            TestWatchers.stop(slow);
        }
    }
}
