package dev.tether.chaos;

import static dev.tether.chaos.TestSockets.connect;
import static dev.tether.chaos.TestSockets.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The faults Toxiproxy cannot produce, over real sockets. */
class ExtraFaultsTest {

    private ChaosLab lab;
    private EchoServer echo;
    private ChaosProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        lab = ChaosLab.create();
        echo = EchoServer.start();
        proxy = lab.createProxy("echo", echo.address());
    }

    @AfterEach
    void tearDown() throws IOException {
        lab.close();
        echo.close();
    }

    private static void roundTrip(Socket s, int b) throws IOException {
        s.getOutputStream().write(b);
        assertThat(s.getInputStream().read()).isEqualTo(b);
    }

    @Test
    void blackholeLeadsToTheClientsReadTimeoutAndKeepsTheSocketsOpen() throws IOException {
        try (Socket s = connect(proxy)) {
            roundTrip(s, 1);
            proxy.addToxic(Toxic.blackhole().withStream(Stream.UPSTREAM));
            s.setSoTimeout(300);
            s.getOutputStream().write("into the void".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.connectionCount()).isEqualTo(1);
            // Removing it lets the held bytes through: nothing was dropped.
            proxy.removeToxic("blackhole_upstream");
            s.setSoTimeout(10_000);
            assertThat(new String(readExactly(s, 13))).isEqualTo("into the void");
        }
    }

    @Test
    void blackholeStopsReadingSoTheSendersWindowFills() throws Exception {
        proxy.addToxic(Toxic.blackhole().withStream(Stream.UPSTREAM));
        try (Socket s = connect(proxy)) {
            s.setSendBufferSize(64 * 1024);
            Thread writer = new Thread(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 1024; i++) { // 64 MB: far more than any buffer on the way
                        s.getOutputStream().write(chunk);
                    }
                } catch (IOException e) {
                    // the socket is closed at the end of the test
                }
            });
            writer.setDaemon(true);
            writer.start();
            // The writer blocks because nobody reads: it is still running well after the
            // moment a reading proxy would have swallowed 64 MB on loopback.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(writer::isAlive);
        }
    }

    @Test
    void resetNowResetsIdleConnectionsAtOnce() throws IOException {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect(proxy);
            roundTrip(s, i);
            clients.add(s);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connectionCount() == 3);
        proxy.addToxic(Toxic.resetNow());
        for (Socket s : clients) {
            assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            s.close();
        }
        // New connections are not affected.
        try (Socket s = connect(proxy)) {
            roundTrip(s, 9);
        }
    }

    @Test
    void resetConnectionsIsTheSameActionInJava() throws IOException {
        try (Socket s = connect(proxy)) {
            roundTrip(s, 1);
            proxy.resetConnections();
            assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void halfCloseLeavesTheClientInCloseWaitAndItsNextWriteMeetsAnRst() throws IOException {
        try (Socket s = connect(proxy)) {
            roundTrip(s, 1);
            proxy.addToxic(Toxic.halfClose());
            assertThat(s.getInputStream().read()).as("FIN from the proxy").isEqualTo(-1);
            if (SocketTable.available()) {
                assertThat(SocketTable.statesOf(s.getLocalPort())).as("TCP state of the client socket")
                        .contains(SocketTable.State.CLOSE_WAIT);
            }
            s.getOutputStream().write("anyone there?".getBytes()); // accepted locally, answered with RST
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() -> {
                s.getOutputStream().write(1);
            }).isInstanceOf(SocketException.class));
        }
    }

    @Test
    void refuseResetsNewConnectionsButKeepsListening() throws IOException {
        try (Socket live = connect(proxy)) {
            roundTrip(live, 1);
            proxy.addToxic(Toxic.refuse());
            // The reset may even beat the connect's completion (then connect() itself fails with
            // "Connection reset"), or arrive after the last write: every step of the exchange
            // belongs inside the assertion (a busy machine changes the order).
            assertThatThrownBy(() -> {
                try (Socket s = connect(proxy)) {
                    s.getOutputStream().write(2);
                    s.getOutputStream().write(3);
                    s.getInputStream().read();
                }
            }).isInstanceOf(SocketException.class);
            roundTrip(live, 4); // live connections are untouched
            proxy.removeToxic("refuse_downstream");
            try (Socket s = connect(proxy)) {
                roundTrip(s, 5);
            }
        }
    }

    @Test
    void stallAcceptMakesNewConnectsTimeOutAndServesThemOnceRemoved() throws IOException {
        proxy.addToxic(Toxic.stallAccept());
        List<Socket> queued = new ArrayList<>();
        boolean timedOut = false;
        for (int i = 0; i < 6 && !timedOut; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 1000);
                queued.add(s);
            } catch (SocketTimeoutException e) {
                timedOut = true;
                s.close();
            }
        }
        assertThat(timedOut).as("a connect timed out with %d queued", queued.size()).isTrue();
        proxy.removeToxic("stall_accept_downstream");
        for (Socket s : queued) {
            s.setSoTimeout(10_000);
            roundTrip(s, 7);
            s.close();
        }
        try (Socket s = connect(proxy)) {
            roundTrip(s, 8);
        }
    }

    @Test
    void idleCloseWithFinClosesOnlyAfterTheIdleTimeout() throws IOException {
        proxy.addToxic(Toxic.idleClose(Duration.ofMillis(400), false));
        try (Socket s = connect(proxy)) {
            // Traffic every 100 ms keeps it open past the timeout.
            long start = System.nanoTime();
            while (System.nanoTime() - start < 700_000_000L) {
                s.setSoTimeout(100);
                try {
                    s.getInputStream().read();
                } catch (SocketTimeoutException expected) {
                    // a 100 ms pause between round trips
                }
                s.setSoTimeout(10_000);
                roundTrip(s, 1);
            }
            long idleSince = System.nanoTime();
            assertThat(s.getInputStream().read()).as("FIN").isEqualTo(-1);
            assertThat((System.nanoTime() - idleSince) / 1_000_000).isGreaterThanOrEqualTo(350L);
        }
    }

    @Test
    void idleCloseWithRstResetsTheIdleConnection() throws IOException {
        try (Socket s = connect(proxy)) {
            roundTrip(s, 1);
            proxy.addToxic(Toxic.idleClose(Duration.ofMillis(200), true));
            assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void toxicityZeroSparesConnectionsFromConnectionLevelFaults() throws IOException {
        try (Socket s = connect(proxy)) {
            roundTrip(s, 1);
            proxy.addToxic(Toxic.resetNow().withToxicity(0.0));
            roundTrip(s, 2);
        }
        assumeThat(proxy.toxics()).hasSize(1);
    }
}
