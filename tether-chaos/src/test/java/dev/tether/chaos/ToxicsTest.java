package dev.tether.chaos;

import static dev.tether.chaos.TestSockets.connect;
import static dev.tether.chaos.TestSockets.random;
import static dev.tether.chaos.TestSockets.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Toxiproxy's toxics over real sockets, mirroring its own toxic tests. Time bounds are lower
 * bounds; upper bounds only catch a toxic that never lets go, so they are generous.
 */
class ToxicsTest {

    private static final long GENEROUS_MS = 5_000;

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

    private static long roundTripMillis(Socket s, byte[] message) throws IOException {
        long start = System.nanoTime();
        s.getOutputStream().write(message);
        assertThat(readExactly(s, message.length)).isEqualTo(message);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void latencyDownstreamIsNeverBelowLatencyMinusJitter() throws IOException {
        proxy.addToxic(Toxic.latency(Duration.ofMillis(100), Duration.ofMillis(20)));
        try (Socket s = connect(proxy)) {
            for (int i = 0; i < 3; i++) {
                assertThat(roundTripMillis(s, random(100))).isBetween(80L, GENEROUS_MS);
            }
        }
    }

    @Test
    void latencyUpstreamIsNeverBelowLatencyMinusJitter() throws IOException {
        proxy.addToxic(Toxic.latency(Duration.ofMillis(100), Duration.ofMillis(20)).withStream(Stream.UPSTREAM));
        assertThat(proxy.toxics()).extracting(Toxic::name).containsExactly("latency_upstream");
        try (Socket s = connect(proxy)) {
            assertThat(roundTripMillis(s, random(100))).isBetween(80L, GENEROUS_MS);
        }
    }

    @Test
    void latencyIsMeasuredFromArrivalSoPipelinedChunksDoNotAddUp() throws IOException {
        proxy.addToxic(Toxic.latency(Duration.ofMillis(200)));
        try (Socket s = connect(proxy)) {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                s.getOutputStream().write(random(10));
            }
            readExactly(s, 50);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isBetween(200L, 900L); // 5 x 200 ms would be 1000
        }
    }

    @Test
    void toxicityZeroNeverAppliesAndOneAlwaysApplies() throws IOException {
        proxy.addToxic(Toxic.latency(Duration.ofMillis(300)).withToxicity(0.0));
        for (int i = 0; i < 3; i++) {
            try (Socket s = connect(proxy)) {
                assertThat(roundTripMillis(s, random(10))).isLessThan(300);
            }
        }
        proxy.updateToxic(proxy.toxic("latency_downstream").withToxicity(1.0));
        for (int i = 0; i < 3; i++) {
            try (Socket s = connect(proxy)) {
                assertThat(roundTripMillis(s, random(10))).isGreaterThanOrEqualTo(300);
            }
        }
    }

    @Test
    void bandwidthIsNeverAboveTheRate() throws IOException {
        proxy.addToxic(Toxic.bandwidth(100)); // 100 KB/s
        byte[] data = random(50_000);
        try (Socket s = connect(proxy)) {
            long start = System.nanoTime();
            s.getOutputStream().write(data);
            assertThat(readExactly(s, data.length)).isEqualTo(data);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isBetween(500L, 10_000L); // 50 KB at 100 KB/s: at least 500 ms
        }
    }

    @Test
    void bandwidthZeroStopsTheDataAndRemovingItDeliversEverything() throws IOException {
        proxy.addToxic(Toxic.bandwidth(0));
        try (Socket s = connect(proxy)) {
            s.setSoTimeout(300);
            s.getOutputStream().write("held".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.removeToxic("bandwidth_downstream");
            s.setSoTimeout(10_000);
            assertThat(new String(readExactly(s, 4))).isEqualTo("held");
        }
    }

    @Test
    void timeoutDropsDataAndClosesAfterTheTimeout() throws IOException {
        proxy.addToxic(Toxic.timeout(Duration.ofMillis(300)));
        try (Socket s = connect(proxy)) {
            long start = System.nanoTime();
            s.getOutputStream().write("lost".getBytes());
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, GENEROUS_MS);
        }
    }

    @Test
    void timeoutZeroNeverClosesButRemovingItDoes() throws IOException {
        proxy.addToxic(Toxic.timeout(Duration.ZERO));
        try (Socket s = connect(proxy)) {
            s.setSoTimeout(500);
            s.getOutputStream().write("lost".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.removeToxic("timeout_downstream");
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void resetPeerResetsAfterTheTimeoutOnceDataFlows() throws IOException {
        proxy.addToxic(Toxic.resetPeer(Duration.ofMillis(200)));
        try (Socket s = connect(proxy)) {
            long start = System.nanoTime();
            s.getOutputStream().write("x".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(150L, GENEROUS_MS);
        }
    }

    @Test
    void resetPeerWithZeroTimeoutResetsAtOnce() throws IOException {
        proxy.addToxic(Toxic.resetPeer(Duration.ZERO).withStream(Stream.UPSTREAM));
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write("x".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void slicerCutsDataIntoDelayedSlicesWithoutLosingAny() throws IOException {
        // 1000 bytes in slices of 100 +/- 10, 20 ms apart: about 9 gaps, so at least ~150 ms.
        proxy.addToxic(Toxic.slicer(100, 10, Duration.ofMillis(20)));
        byte[] data = random(1000);
        try (Socket s = connect(proxy)) {
            long start = System.nanoTime();
            s.getOutputStream().write(data);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int reads = 0;
            byte[] buf = new byte[4096];
            while (got.size() < data.length) {
                int n = in.read(buf);
                got.write(buf, 0, n);
                reads++;
            }
            assertThat(got.toByteArray()).isEqualTo(data);
            assertThat(reads).isGreaterThan(3);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(150L);
        }
    }

    @Test
    void limitDataExactlyAtTheLimitDeliversAllThenCloses() throws IOException {
        proxy.addToxic(Toxic.limitData(100));
        try (Socket s = connect(proxy)) {
            byte[] data = random(100);
            s.getOutputStream().write(data);
            assertThat(TestSockets.readAll(s)).isEqualTo(data);
        }
    }

    @Test
    void limitDataOverTheLimitCutsAtTheLimit() throws IOException {
        proxy.addToxic(Toxic.limitData(100));
        try (Socket s = connect(proxy)) {
            byte[] data = random(150);
            s.getOutputStream().write(data);
            byte[] got = TestSockets.readAll(s);
            assertThat(got).hasSize(100).isEqualTo(java.util.Arrays.copyOf(data, 100));
        }
    }

    @Test
    void limitDataAddedAfterABulkTransferCutsAtTheLimit() throws Exception {
        try (Socket s = connect(proxy)) {
            // A bulk transfer both ways first: the pipes move to their larger buffers.
            byte[] bulk = random(2 * 1024 * 1024);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(bulk);
                } catch (IOException e) {
                    // the read below fails too
                }
            });
            writer.start();
            assertThat(readExactly(s, bulk.length)).isEqualTo(bulk);
            writer.join();
            proxy.addToxic(Toxic.limitData(100));
            byte[] data = random(150);
            s.getOutputStream().write(data);
            assertThat(TestSockets.readAll(s)).isEqualTo(java.util.Arrays.copyOf(data, 100));
        }
    }

    @Test
    void limitDataUnderTheLimitKeepsTheConnectionOpen() throws IOException {
        proxy.addToxic(Toxic.limitData(100));
        try (Socket s = connect(proxy)) {
            byte[] data = random(50);
            s.getOutputStream().write(data);
            assertThat(readExactly(s, 50)).isEqualTo(data);
            s.setSoTimeout(300);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void slowCloseDelaysTheFin() throws IOException {
        proxy.addToxic(Toxic.slowClose(Duration.ofMillis(300)));
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write("bye".getBytes());
            assertThat(new String(readExactly(s, 3))).isEqualTo("bye");
            long start = System.nanoTime();
            s.shutdownOutput(); // the echo server answers with its own FIN, which is slowed
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, GENEROUS_MS);
        }
    }

    @Test
    void noDataIsLostWhileToxicsAreAddedAndRemovedUnderTraffic() throws Exception {
        byte[] data = random(3 * 1024 * 1024);
        try (Socket s = connect(proxy)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 8192) {
                        out.write(data, off, Math.min(8192, data.length - off));
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Thread churn = new Thread(() -> {
                try {
                    for (int i = 0; i < 30 && !Thread.currentThread().isInterrupted(); i++) {
                        Stream stream = i % 2 == 0 ? Stream.UPSTREAM : Stream.DOWNSTREAM;
                        Toxic t = switch (i % 3) {
                            case 0 -> Toxic.latency(Duration.ofMillis(5));
                            case 1 -> Toxic.slicer(500, 100, Duration.ofNanos(10_000));
                            default -> Toxic.bandwidth(50_000);
                        };
                        Toxic added = proxy.addToxic(t.withStream(stream).withName("churn" + i));
                        proxy.updateToxic(added.withToxicity(0.5));
                        proxy.removeToxic(added.name());
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.start();
            churn.start();
            byte[] got = readExactly(s, data.length);
            writer.join();
            churn.join();
            assertThat(failure.get()).isNull();
            assertThat(got).isEqualTo(data);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.toxics().isEmpty());
    }
}
