package dev.tether.net;

import dev.tether.net.internal.IdleWatcher;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Idle connections in a real pool on loopback: the watcher removes the ones the peer closed,
 * reset or wrote to, the pool never hands them out, and no socket is left in CLOSE_WAIT.
 */
class IdleWatchingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Resolver LOOPBACK = host -> List.of(InetAddress.getByName("127.0.0.1"));

    private final List<IdleClose> idleCloses = new CopyOnWriteArrayList<>();
    private final TcpConnector connector = TcpConnector.builder().resolver(LOOPBACK)
            .idleCloseListener((c, close) -> idleCloses.add(close)).build();
    private final KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector)
            .config(PoolConfig.builder().name("idle-watching").maxPerKey(4).build()).build();

    @AfterEach
    void closePool() {
        pool.close();
    }

    private static void exchange(Connection c) throws IOException {
        c.beginExchange();
        c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.input().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
    }

    /** Leases a connection, uses it once and returns it to the idle set; gives the server's socket. */
    private Connection useAndReturn(Endpoint e) throws IOException {
        try (Lease<Connection> lease = pool.acquire(e)) {
            exchange(lease.get());
            return lease.get();
        }
    }

    private void assertRemovedByWatcher(Endpoint e, Connection c, PeerSignal signal) throws IOException {
        int localPort = c.localAddress().getPort();
        await().atMost(PATIENCE).until(() -> c.closeReason() != null);
        assertThat(c.closeReason()).isEqualTo(Reason.PEER_CLOSED);
        assertThat(c.idleClose().signal()).isEqualTo(signal);
        assertThat(c.idleClose().atLease()).isFalse();
        assertThat(c.idleClose().idleFor()).isPositive();
        assertThat(idleCloses).contains(c.idleClose());
        assertThat(pool.stats().closed(Reason.PEER_CLOSED)).isEqualTo(1);
        assertThat(pool.stats().idle()).isZero();
        // The pool never hands it out: the next lease is a new connection.
        try (Lease<Connection> next = pool.acquire(e)) {
            assertThat(next.get().id()).isNotEqualTo(c.id());
            exchange(next.get());
        }
        await().atMost(PATIENCE).until(() -> !ProcNet.inCloseWait(localPort));
    }

    @Test
    void peer_close_while_idle_removes_it_with_no_close_wait_left() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            Socket peer = server.next();
            Thread.sleep(20); // a measurable idle time
            peer.close();
            assertRemovedByWatcher(e, c, PeerSignal.FIN);
            assertThat(c.idleClose().idleFor()).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        }
    }

    @Test
    void reset_while_idle_removes_it() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            TestServer.reset(server.next());
            assertRemovedByWatcher(e, c, PeerSignal.RESET);
        }
    }

    @Test
    void unexpected_bytes_while_idle_remove_it() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            server.next().getOutputStream().write("surprise".getBytes(StandardCharsets.US_ASCII));
            assertRemovedByWatcher(e, c, PeerSignal.DATA);
        }
    }

    @Test
    void half_close_while_idle_removes_it() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c;
            try (Lease<Connection> lease = pool.acquire(e)) {
                c = lease.get();
            }
            Socket peer = server.next();
            peer.shutdownOutput(); // FIN, but it keeps reading
            await().atMost(PATIENCE).until(() -> c.closeReason() != null);
            assertThat(c.closeReason()).isEqualTo(Reason.PEER_CLOSED);
            assertThat(c.idleClose().signal()).isEqualTo(PeerSignal.FIN);
            // The peer reads our close as the end of the stream.
            assertThat(peer.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void healthy_idle_connections_are_reused_many_times_with_blocking_io() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            long first = useAndReturn(e).id();
            // Quick lease/return cycles exercise re-registration before the watcher flushed the old key.
            for (int i = 0; i < 300; i++) {
                try (Lease<Connection> lease = pool.acquire(e)) {
                    assertThat(lease.get().id()).isEqualTo(first);
                    exchange(lease.get());
                }
            }
            assertThat(pool.stats().opened()).isEqualTo(1);
            assertThat(pool.stats().closed()).isZero();
            assertThat(idleCloses).isEmpty();
        }
    }

    @Test
    void tight_idle_lease_cycles_race_the_watcher_without_losing_the_connection() throws Exception {
        // No pause between onIdle and onLease: the watcher registers, and the lease cancels,
        // in every possible order. A healthy connection must pass every check and stay usable.
        try (TestServer server = TestServer.echo()) {
            Connection c = connector.open(Endpoint.of("localhost", server.port()));
            try {
                for (int i = 0; i < 100_000; i++) {
                    connector.onIdle(c, reason -> false);
                    connector.onLease(c);
                    assertThat(connector.isReusable(c, 0)).as("check %d", i).isTrue();
                    if (i % 10_000 == 0) {
                        exchange(c);
                    }
                }
                exchange(c);
            } finally {
                connector.close(c, Reason.POOL_CLOSED);
            }
        }
    }

    @Test
    void closing_the_pool_really_closes_watched_sockets() throws Exception {
        // The JDK defers closing a channel's descriptor while a selector still holds its key:
        // unless the watcher is woken, the peer would not see our FIN.
        try (TestServer server = TestServer.silent()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c;
            try (Lease<Connection> lease = pool.acquire(e)) {
                c = lease.get();
            }
            Socket peer = server.next();
            await().atMost(PATIENCE).until(() -> IdleWatcher.shared().registered() > 0);
            pool.close();
            assertThat(c.closeReason()).isEqualTo(Reason.POOL_CLOSED);
            peer.setSoTimeout((int) PATIENCE.toMillis());
            assertThat(peer.getInputStream().read()).as("the peer sees the close").isEqualTo(-1);
        }
    }

    @Test
    void concurrent_leases_with_the_watcher_running_never_lose_a_healthy_connection() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 500; i++) {
                            try (Lease<Connection> lease = pool.acquire(e)) {
                                exchange(lease.get());
                            }
                        }
                    } catch (Throwable failure) {
                        failures.add(failure);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertThat(failures).isEmpty();
            assertThat(pool.stats().closed()).as("closed connections: %s", pool.stats()).isZero();
            assertThat(pool.stats().opened()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void lease_check_sees_a_close_the_watcher_has_not_handled() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Connection c = connector.open(Endpoint.of("localhost", server.port()));
            try {
                // As if onIdle had just switched it to non-blocking and the watcher were slow.
                c.watch.channelForTest().configureBlocking(false);
                server.next().close();
                await().atMost(PATIENCE).untilAsserted(() -> {
                    boolean alive = IdleWatcher.shared().release(c.watch);
                    assertThat(alive).isFalse();
                });
                assertThat(c.idleClose().signal()).isEqualTo(PeerSignal.FIN);
                assertThat(c.idleClose().atLease()).isTrue();
            } finally {
                connector.close(c, Reason.NOT_REUSABLE);
            }
        }
    }

    @Test
    void tls_idle_connections_are_watched_too(@TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        try (TestServer server = TestServer.tlsEcho(certs.server)) {
            Endpoint e = Endpoint.builder().host("localhost").port(server.port())
                    .tls(TlsSettings.builder().sslContext(certs.client).build()).build();
            Connection c = useAndReturn(e);
            // Reuse after idling: the TLS layer still works in blocking mode.
            Thread.sleep(50);
            try (Lease<Connection> lease = pool.acquire(e)) {
                assertThat(lease.get()).isSameAs(c);
                exchange(c);
            }
            // A TLS connection returned before it ever read (its session tickets unread) stays too.
            Connection unread;
            try (Lease<Connection> a = pool.acquire(e); Lease<Connection> b = pool.acquire(e)) {
                unread = a.get() == c ? b.get() : a.get();
            }
            Thread.sleep(100);
            assertThat(unread.isOpen()).as("a fresh TLS connection put idle is not mistaken for a closed one").isTrue();
            // The server closes (close_notify, then FIN): the watcher removes both connections.
            Socket first = server.next();
            first.close();
            await().atMost(PATIENCE).until(() -> c.closeReason() != null);
            assertThat(c.closeReason()).isEqualTo(Reason.PEER_CLOSED);
            int localPort = c.localAddress().getPort();
            await().atMost(PATIENCE).until(() -> !ProcNet.inCloseWait(localPort));
        }
    }
}
