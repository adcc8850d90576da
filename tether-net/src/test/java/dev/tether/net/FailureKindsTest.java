package dev.tether.net;

import dev.tether.net.testkit.Certs;

import dev.tether.chaos.EchoServer;
import dev.tether.chaos.SocketTable;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Every failure kind provoked on real loopback sockets, with its message checked. */
class FailureKindsTest {
    private static final Resolver LOOPBACK = host -> List.of(InetAddress.getByName("127.0.0.1"));

    private final List<Connection> opened = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TcpConnector connector = connector(SocketConfig.DEFAULT);

    @AfterEach
    void cleanUp() throws Exception {
        for (Connection c : opened) {
            connector.close(c, Reason.POOL_CLOSED);
        }
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    private static TcpConnector connector(SocketConfig config) {
        return TcpConnector.builder().socketConfig(config).resolver(LOOPBACK).build();
    }

    private Connection open(int port) throws ConnectionFailure {
        Connection c = connector.open(Endpoint.of("localhost", port));
        opened.add(c);
        return c;
    }

    /** The failure {@code action} throws; the test fails if it throws none or another type. */
    private static ConnectionFailure failure(ThrowingCallable action) {
        ConnectionFailure f = catchThrowableOfType(ConnectionFailure.class, action);
        assertThat(f).as("a ConnectionFailure").isNotNull();
        return f;
    }

    private static void ping(Connection c) throws IOException {
        c.beginExchange();
        c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void refusedWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ConnectionFailure f = failure(() -> open(port));
        assertThat(f.kind()).isEqualTo(Kind.REFUSED);
        assertThat(f.duringOpen()).isTrue();
        assertThat(f.getMessage()).contains("to localhost:" + port, "was refused", "127.0.0.1:" + port + " refused",
                "check the host and port");
    }

    @Test
    void connectTimeoutWhenTheAcceptQueueIsFull() throws Exception {
        // Backlog 1 and never accepting: once the queue is full, Linux drops further SYNs.
        ServerSocket stalled = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(stalled);
        int port = stalled.getLocalPort();
        boolean full = false;
        for (int i = 0; i < 8 && !full; i++) {
            Socket filler = new Socket();
            resources.add(filler);
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            } catch (SocketTimeoutException e) {
                full = true;
            }
        }
        assertThat(full).as("the accept queue filled up").isTrue();
        connector = connector(SocketConfig.builder().connectTimeout(Duration.ofMillis(500)).build());
        ConnectionFailure f = failure(() -> open(port));
        assertThat(f.kind()).isEqualTo(Kind.CONNECT_TIMEOUT);
        assertThat(f.getMessage()).contains("to localhost:" + port, "within 500 ms", "timed out", "connectTimeout",
                "accept queue is full");
    }

    @Test
    void unknownHostFromAResolverThatFails() {
        connector = TcpConnector.builder().resolver(host -> {
            throw new UnknownHostException(host + ": Name oder Dienst nicht bekannt");
        }).build();
        ConnectionFailure f = failure(() -> connector.open(Endpoint.of("no-such-host.invalid", 80)));
        assertThat(f.kind()).isEqualTo(Kind.UNKNOWN_HOST);
        assertThat(f.getCause()).isInstanceOf(UnknownHostException.class);
        assertThat(f.getMessage()).contains("no-such-host.invalid:80", "did not resolve", "check the host name");
    }

    @Test
    void everyResolvedAddressIsTriedInTurn() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            int dead;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
                dead = s.getLocalPort();
            }
            // 127.0.0.2 refuses (nothing there on that port), 127.0.0.1 answers.
            connector = TcpConnector.builder().resolver(host -> List.of(InetAddress.getByName("127.0.0.2"),
                    InetAddress.getByName("127.0.0.1"))).build();
            Connection c = connector.open(Endpoint.of("multi", server.port()));
            opened.add(c);
            assertThat(c.remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(dead).isPositive();
        }
    }

    @Test
    void resetWhileARequestIsInFlight() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            Socket peer = server.next();
            ping(c);
            peer.getInputStream().readNBytes(4);
            TestServer.reset(peer);
            ConnectionFailure f = failure(() -> c.input().read());
            assertThat(f.kind()).isEqualTo(Kind.RESET);
            assertThat(f.requestBytesWritten()).isEqualTo(4);
            assertThat(f.responseStarted()).isFalse();
            assertThat(f.getMessage()).contains("was reset by the peer", "its 1st use", "4 request bytes written",
                    "no response byte yet", "check the server's logs");
        }
    }

    @Test
    void resetWhileIdleThenUsedWithoutAWatcher() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            Socket peer = server.next();
            TestServer.reset(peer);
            // Wait until the kernel has taken the RST (the socket leaves ESTABLISHED); the read
            // below then fails at once.
            int local = c.localAddress().getPort();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .until(() -> !SocketTable.statesOf(local, server.port()).contains(SocketTable.State.ESTABLISHED));
            c.beginExchange();
            ConnectionFailure f = failure(() -> c.input().read());
            assertThat(f.kind()).isEqualTo(Kind.RESET);
            assertThat(f.getCause()).isNotInstanceOf(ConnectionFailure.class);
        }
    }

    @Test
    void brokenPipeWhenWritingToAPeerThatClosed() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            Socket peer = server.next();
            peer.close();
            c.beginExchange();
            byte[] chunk = new byte[1024];
            ConnectionFailure f = failure(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.output().write(chunk);
                    Thread.sleep(1);
                }
            });
            assertThat(f.kind()).isEqualTo(Kind.BROKEN_PIPE);
            assertThat(f.requestBytesWritten()).isPositive();
            assertThat(f.getMessage()).contains("was already gone when the request was written", "request bytes written");
        }
    }

    @Test
    void readTimeoutWhenTheServerNeverAnswers() throws Exception {
        connector = connector(SocketConfig.builder().readTimeout(Duration.ofMillis(200)).build());
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            ping(c);
            ConnectionFailure f = failure(() -> c.input().read());
            assertThat(f.kind()).isEqualTo(Kind.READ_TIMEOUT);
            assertThat(f.getMessage()).contains("no response byte within the read timeout of 200 ms", "raise SocketConfig.readTimeout");
            // A timed-out read leaves the connection usable (the protocol decides whether to keep it).
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void writeTimeoutWhenTheServerStopsReading() throws Exception {
        connector = connector(SocketConfig.builder().writeTimeout(Duration.ofMillis(300)).build());
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            c.beginExchange();
            byte[] body = new byte[64 * 1024 * 1024]; // far more than both sides' buffers hold
            long start = System.nanoTime();
            ConnectionFailure f = failure(() -> c.output().write(body));
            assertThat(f.kind()).isEqualTo(Kind.WRITE_TIMEOUT);
            assertThat(f.getMessage()).contains("could not write for 300 ms", "the peer stopped reading",
                    "raise SocketConfig.writeTimeout");
            assertThat(f.requestBytesWritten()).isEqualTo(body.length);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("ended, not blocked for ever")
                    .isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void aCallersDeadlineBoundsWritesToo() throws Exception {
        connector = connector(SocketConfig.DEFAULT);
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            c.beginExchange();
            c.writeDeadline(dev.tether.pool.Deadline.after(dev.tether.pool.Ticker.SYSTEM, Duration.ofMillis(300)));
            ConnectionFailure f = failure(() -> c.output().write(new byte[64 * 1024 * 1024]));
            assertThat(f.kind()).isEqualTo(Kind.WRITE_TIMEOUT);
            assertThat(f.getMessage()).contains("the caller's deadline passed");
        }
    }

    @Test
    void halfClosePeerStopsSendingButKeepsReading() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server.port());
            Socket peer = server.next();
            peer.shutdownOutput();
            ping(c); // the peer still reads
            assertThat(peer.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
            assertThat(c.input().read()).isEqualTo(-1);
            ConnectionFailure f = c.failure(Kind.PEER_CLOSED, "end of stream before the response", null);
            assertThat(f.getMessage()).contains("was closed by the peer", "4 request bytes written", "before answering");
        }
    }

    @Test
    void tlsHandshakeFailsForACertificateOfAnotherHost(@TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "wrong.example", "dns:wrong.example");
        try (EchoServer server = EchoServer.startTls(certs.server)) {
            Endpoint e = Endpoint.builder().host("localhost").port(server.port())
                    .tls(TlsSettings.builder().sslContext(certs.client).build()).build();
            ConnectionFailure f = failure(() -> connector.open(e));
            assertThat(f.kind()).isEqualTo(Kind.TLS_HANDSHAKE);
            assertThat(f.getMessage()).contains("to localhost:" + server.port(), "failed its TLS handshake",
                    "trusted but not for the host name checked");
        }
    }

    @Test
    void tlsWithTheRightCertificateWorks(@TempDir Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        try (EchoServer server = EchoServer.startTls(certs.server)) {
            Endpoint e = Endpoint.builder().host("localhost").port(server.port())
                    .tls(TlsSettings.builder().sslContext(certs.client).build()).build();
            Connection c = connector.open(e);
            opened.add(c);
            ping(c);
            assertThat(c.input().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
            assertThat(c.sslSession().getPeerHost()).isEqualTo("localhost");
        }
    }

    @Test
    void streamsDoNotCloseTheConnection() throws Exception {
        try (EchoServer server = EchoServer.start()) {
            Connection c = open(server.port());
            c.input().close();
            c.output().close();
            assertThat(c.isOpen()).isTrue();
            connector.close(c, Reason.BROKEN);
            assertThat(c.closeReason()).isEqualTo(Reason.BROKEN);
            assertThatThrownBy(() -> c.output().write(1)).isInstanceOf(ConnectionFailure.class);
        }
    }
}
