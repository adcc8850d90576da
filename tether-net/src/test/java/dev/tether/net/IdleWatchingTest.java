package dev.tether.net;

import dev.tether.net.testkit.Certs;

import dev.tether.chaos.EchoServer;
import dev.tether.chaos.SocketTable;
import dev.tether.net.internal.IdleWatcher;
import dev.tether.net.internal.TestWatchers;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
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
import java.util.concurrent.atomic.AtomicLong;

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
    /** The system's time plus what a test moved it by: watching runs on real sockets, idle ages on this. */
    private final AtomicLong skew = new AtomicLong();
    private final Ticker ticker = () -> Ticker.SYSTEM.nanoTime() + skew.get();
    private final TcpConnector connector = TcpConnector.builder().resolver(LOOPBACK).ticker(ticker)
            .idleCloseListener((c, close) -> idleCloses.add(close)).build();
    private final KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector).ticker(ticker)
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
        await().atMost(PATIENCE).until(() -> !inCloseWait(localPort));
    }

    @Test
    void peerCloseWhileIdleRemovesItWithNoCloseWaitLeft() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            Socket peer = server.next();
            skew.addAndGet(Duration.ofSeconds(20).toNanos()); // idle for 20 s as far as the connection can tell (the pool expires it at 50)
            peer.close();
            assertRemovedByWatcher(e, c, PeerSignal.FIN);
            assertThat(c.idleClose().idleFor()).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(20 + 10));
        }
    }

    @Test
    void resetWhileIdleRemovesIt() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            TestServer.reset(server.next());
            assertRemovedByWatcher(e, c, PeerSignal.RESET);
        }
    }

    @Test
    void unexpectedBytesWhileIdleRemoveIt() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            server.next().getOutputStream().write("surprise".getBytes(StandardCharsets.US_ASCII));
            assertRemovedByWatcher(e, c, PeerSignal.DATA);
        }
    }

    @Test
    void halfCloseWhileIdleRemovesIt() throws Exception {
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
    void healthyIdleConnectionsAreReusedManyTimesWithBlockingIo() throws Exception {
        try (EchoServer server = EchoServer.start()) {
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

    /**
     * onIdle then onLease with no pause, {@code n} times: a healthy connection must pass every
     * check and stay usable (blocking I/O every 10,000 cycles and at the end).
     */
    private static void tightCycles(TcpConnector connector, Endpoint e, int n) throws IOException {
        Connection c = connector.open(e);
        try {
            exchange(c);
            for (int i = 0; i < n; i++) {
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

    @Test
    void tightIdleLeaseCyclesLeaseItWhilePendingWithoutLosingIt() throws Exception {
        // The keep-alive hot path: each lease comes long before the registration delay is over,
        // so the connection is taken back while PENDING, in blocking mode, never registered.
        try (EchoServer server = EchoServer.start()) {
            tightCycles(connector, Endpoint.of("localhost", server.port()), 100_000);
        }
    }

    @Test
    void tightIdleLeaseCyclesRaceTheWatcherWithoutLosingTheConnection() throws Exception {
        // No registration delay: the watcher registers, and the lease cancels, in every possible
        // order (including a stale entry of an earlier idle period meeting a later one).
        IdleWatcher eager = TestWatchers.start("eager-watcher", Duration.ZERO);
        try (EchoServer server = EchoServer.start()) {
            TcpConnector eagerConnector = TcpConnector.builder().resolver(LOOPBACK).idleWatcher(eager).build();
            tightCycles(eagerConnector, Endpoint.of("localhost", server.port()), 100_000);
        } finally {
            TestWatchers.stop(eager);
        }
    }

    @Test
    void tightTlsIdleLeaseCyclesRaceTheWatcherWithoutLosingTheConnection(@TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        IdleWatcher eager = TestWatchers.start("eager-watcher", Duration.ZERO);
        try (EchoServer server = EchoServer.startTls(certs.server)) {
            Endpoint e = Endpoint.builder().host("localhost").port(server.port())
                    .tls(TlsSettings.builder().sslContext(certs.client).build()).build();
            tightCycles(connector, e, 20_000);
            tightCycles(TcpConnector.builder().resolver(LOOPBACK).idleWatcher(eager).build(), e, 20_000);
        } finally {
            TestWatchers.stop(eager);
        }
    }

    @Test
    void aLeaseAfterTheRegistrationDelayTakesItFromTheSelector() throws Exception {
        // The other path, made certain: wait until the watcher has registered it, then lease.
        try (EchoServer server = EchoServer.start()) {
            Connection c = connector.open(Endpoint.of("localhost", server.port()));
            try {
                for (int i = 0; i < 20; i++) {
                    connector.onIdle(c, reason -> false);
                    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1)).until(() -> TestWatchers.isWatched(c.watch));
                    connector.onLease(c);
                    assertThat(connector.isReusable(c, 0)).as("check %d", i).isTrue();
                    exchange(c); // back in blocking mode
                }
            } finally {
                connector.close(c, Reason.POOL_CLOSED);
            }
        }
    }

    /** What a test does with a connection that is PENDING (never registered) and whose peer closed it. */
    private interface PendingClosed {
        void run(TcpConnector connector, IdleWatcher watcher, Connection c) throws Exception;
    }

    /**
     * The deferral window: a connection returned to a watcher whose delay is an hour (so it stays
     * PENDING), the peer closed it, and our side has the FIN; then {@code then} runs.
     */
    private void pendingAndClosedByThePeer(Duration leaseCheckAfterIdle, PendingClosed then) throws Exception {
        IdleWatcher slow = TestWatchers.start("slow-watcher", Duration.ofHours(1));
        try (EchoServer server = EchoServer.start()) {
            TcpConnector slowConnector = TcpConnector.builder().resolver(LOOPBACK).idleWatcher(slow)
                    .leaseCheckAfterIdle(leaseCheckAfterIdle).build();
            Connection c = slowConnector.open(Endpoint.of("localhost", server.port()));
            int localPort = c.localAddress().getPort();
            try {
                exchange(c);
                long returnedAt = System.nanoTime();
                slowConnector.onIdle(c, reason -> false);
                server.next().close();
                await().atMost(PATIENCE).until(() -> inCloseWait(localPort) // our side has the FIN
                        && System.nanoTime() - returnedAt > 2 * leaseCheckAfterIdle.toNanos());
                assertThat(TestWatchers.isPending(c.watch)).isTrue();
                then.run(slowConnector, slow, c);
            } finally {
                slowConnector.close(c, Reason.NOT_REUSABLE);
            }
            assertThat(inCloseWait(localPort)).isFalse();
        } finally {
            TestWatchers.stop(slow);
        }
    }

    @Test
    void leaseCheckSeesACloseWhileTheConnectionWasPending() throws Exception {
        pendingAndClosedByThePeer(Duration.ZERO, (connector, watcher, c) -> {
            connector.onLease(c);
            assertThat(connector.isReusable(c, 0)).isFalse();
            assertThat(c.idleClose().signal()).isEqualTo(PeerSignal.FIN);
            assertThat(c.idleClose().atLease()).isTrue();
        });
    }

    @Test
    void aConnectionBackForLongerThanTheTrustWindowIsChecked() throws Exception {
        pendingAndClosedByThePeer(TcpConnector.MAX_LEASE_CHECK_AFTER_IDLE, (connector, watcher, c) -> {
            connector.onLease(c);
            assertThat(connector.isReusable(c, 0)).isFalse();
            assertThat(c.idleClose().atLease()).isTrue();
        });
    }

    @Test
    void aConnectionBackForLessThanTheTrustWindowIsLeasedUncheckedAndItsRequestFindsTheClose() throws Exception {
        // leaseCheckAfterIdle: a connection returned a moment ago is not checked. The window is
        // real time and at most a millisecond through the builder; here it is an hour, given to
        // the watcher itself, so that the test does not race it.
        pendingAndClosedByThePeer(Duration.ZERO, (connector, watcher, c) -> {
            assertThat(TestWatchers.release(watcher, c.watch, Duration.ofHours(1).toNanos())).as("trusted").isTrue();
            assertThat(c.idleClose()).as("nothing read at lease").isNull();
            c.beginExchange();
            c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
            // The end of the stream, or the reset that answered the write: either way no reply
            // byte, which is what lets a client retry a command that is safe to repeat.
            try {
                assertThat(c.input().read()).isEqualTo(-1);
            } catch (ConnectionFailure f) {
                assertThat(f.kind()).isIn(ConnectionFailure.Kind.RESET, ConnectionFailure.Kind.PEER_CLOSED);
                assertThat(f.responseStarted()).isFalse();
            }
        });
    }

    @Test
    void aCloseDuringTheRegistrationDelayIsStillRemovedAtOnceAfterIt() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            Endpoint e = Endpoint.of("localhost", server.port());
            Connection c = useAndReturn(e);
            int localPort = c.localAddress().getPort();
            long closedAt = System.nanoTime();
            server.next().close(); // most likely still PENDING: returned microseconds ago
            // The delay is 3 ms; a second leaves room for a loaded machine and still fails a
            // watcher that forgot a pending connection.
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1)).until(() -> c.closeReason() != null);
            long removalMillis = (System.nanoTime() - closedAt) / 1_000_000;
            assertThat(c.closeReason()).as("removed after %d ms", removalMillis).isEqualTo(Reason.PEER_CLOSED);
            assertThat(c.idleClose().atLease()).isFalse();
            await().atMost(PATIENCE).until(() -> !inCloseWait(localPort));
        }
    }

    @Test
    void closingThePoolReallyClosesWatchedSockets() throws Exception {
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

    /** 4 threads lease, use and return up to 4 connections of {@code p}, 500 times each. */
    private static void concurrentLeases(KeyedPool<Endpoint, Connection> p, Endpoint e) throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        try (Lease<Connection> lease = p.acquire(e)) {
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
        assertThat(p.stats().closed()).as("closed connections: %s", p.stats()).isZero();
        assertThat(p.stats().opened()).isLessThanOrEqualTo(4);
    }

    @Test
    void concurrentLeasesWithTheWatcherRunningNeverLoseAHealthyConnection() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            concurrentLeases(pool, Endpoint.of("localhost", server.port()));
        }
    }

    @Test
    void concurrentLeasesRacingAnEagerWatcherNeverLoseAHealthyConnection() throws Exception {
        // No registration delay: every return is registered at once and races the next lease.
        IdleWatcher eager = TestWatchers.start("eager-watcher", Duration.ZERO);
        TcpConnector eagerConnector = TcpConnector.builder().resolver(LOOPBACK).idleWatcher(eager).build();
        KeyedPool<Endpoint, Connection> eagerPool = KeyedPool.builder(eagerConnector)
                .config(PoolConfig.builder().name("eager").maxPerKey(4).build()).build();
        try (EchoServer server = EchoServer.start()) {
            concurrentLeases(eagerPool, Endpoint.of("localhost", server.port()));
        } finally {
            eagerPool.close();
            TestWatchers.stop(eager);
        }
    }

    @Test
    void leaseCheckSeesACloseTheWatcherHasNotHandled() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            Connection c = connector.open(Endpoint.of("localhost", server.port()));
            try {
                // As if onIdle had just switched it to non-blocking and the watcher were slow.
                TestWatchers.channel(c.watch).configureBlocking(false);
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
    void tlsIdleConnectionsAreWatchedToo(@TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        try (EchoServer server = EchoServer.startTls(certs.server)) {
            Endpoint e = Endpoint.builder().host("localhost").port(server.port())
                    .tls(TlsSettings.builder().sslContext(certs.client).build()).build();
            Connection c = useAndReturn(e);
            // Reuse after idling (registered with the watcher, so switched to non-blocking and
            // back): the TLS layer still works in blocking mode.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1)).until(() -> TestWatchers.isWatched(c.watch));
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
            await().atMost(PATIENCE).until(() -> !inCloseWait(localPort));
        }
    }

    /** Whether the socket on this local port is in CLOSE_WAIT (the peer's FIN taken, not closed here). */
    private static boolean inCloseWait(int localPort) {
        return SocketTable.statesOf(localPort).contains(SocketTable.State.CLOSE_WAIT);
    }
}
