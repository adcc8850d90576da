package dev.tether.net;

import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.internal.BusyPoll;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link SocketConfig#busyPoll()}: the read after a request polls instead of sleeping when the
 * answer comes within the budget, still waits for one that comes later, stops polling on a
 * connection whose answers keep coming later (and tries again now and then), and never stretches
 * the read timeout.
 */
class BusyPollReadTest {
    private static final Resolver LOOPBACK = host -> List.of(InetAddress.getByName("127.0.0.1"));

    private TcpConnector connector;
    private final List<Connection> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(c -> connector.close(c, Reason.POOL_CLOSED));
    }

    private static TcpConnector connector(Duration busyPoll, Duration readTimeout) {
        return TcpConnector.builder().resolver(LOOPBACK)
                .socketConfig(SocketConfig.builder().busyPoll(busyPoll).readTimeout(readTimeout).build()).build();
    }

    private Connection open(TestServer server) throws ConnectionFailure {
        Connection c = connector.open(Endpoint.of("localhost", server.port()));
        opened.add(c);
        return c;
    }

    private static void assumeSeveralCpus() {
        assumeTrue(BusyPoll.SHARED != null, "one CPU: tether-net never polls there");
    }

    /** Echoes 8-byte requests on {@code peer}, each after {@code delayNanos[0]} (changeable meanwhile), until it closes. */
    private static Thread echo(Socket peer, AtomicLong delayNanos) {
        Thread t = new Thread(() -> {
            try {
                InputStream in = peer.getInputStream();
                OutputStream out = peer.getOutputStream();
                while (true) {
                    byte[] req = in.readNBytes(8);
                    if (req.length < 8) {
                        return;
                    }
                    long d = delayNanos.get();
                    // A server slower than the budget: real time, since polling reads the real
                    // clock. A sleep never ends early, so the answer is always late enough.
                    if (d > 0) {
                        Thread.sleep(d / 1_000_000, (int) (d % 1_000_000));
                    }
                    out.write(req);
                }
            } catch (Exception ignored) {
                // closed at the end of the test; the client's side asserts
            }
        }, "echo");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void exchange(Connection c, int i) throws Exception {
        byte[] req = String.format("req%05d", i % 100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        c.beginExchange();
        c.output().write(req);
        assertThat(c.input().readNBytes(8)).as("exchange %d", i).isEqualTo(req);
    }

    @Test
    void anAnswerInsideTheBudgetIsReadWithoutSleeping() throws Exception {
        assumeSeveralCpus();
        connector = connector(SocketConfig.MAX_BUSY_POLL, Duration.ofSeconds(10));
        // A fresh connection has never slept; an answer found by polling leaves it so. The echo
        // answers at once, but a loaded machine may deschedule it past the budget now and then.
        boolean foundByPolling = false;
        try (TestServer server = TestServer.silent()) {
            for (int attempt = 0; attempt < 50 && !foundByPolling; attempt++) {
                Connection c = open(server);
                echo(server.next(), new AtomicLong());
                exchange(c, attempt);
                foundByPolling = !c.hasWaiter();
            }
        }
        assertThat(foundByPolling).as("an answer within 1 ms found by polling in 50 tries").isTrue();
    }

    @Test
    void withBusyPollOffTheReadAfterARequestSleeps() throws Exception {
        connector = connector(Duration.ZERO, Duration.ofSeconds(10));
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server);
            echo(server.next(), new AtomicLong());
            exchange(c, 0);
            assertThat(c.hasWaiter()).isTrue();
        }
    }

    @Test
    void aConnectionWhoseAnswersComeLaterStopsPollingAndTriesAgainNowAndThen() throws Exception {
        assumeSeveralCpus();
        connector = connector(SocketConfig.MAX_BUSY_POLL, Duration.ofSeconds(10));
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server);
            AtomicLong delay = new AtomicLong(Duration.ofMillis(5).toNanos()); // five times the budget
            echo(server.next(), delay);
            for (int i = 0; i < Connection.MISSES_BEFORE_BACKOFF; i++) {
                exchange(c, i);
            }
            assertThat(c.pollMisses()).as("two late answers in a row").isEqualTo(Connection.MISSES_BEFORE_BACKOFF);
            // Backed off: the next requests sleep at once (each answer still arrives, 5 ms later).
            for (int i = 0; i < 5; i++) {
                exchange(c, i);
            }
            assertThat(c.pollMisses()).isEqualTo(Connection.MISSES_BEFORE_BACKOFF);
            // The server answers at once again: a later try finds it and the connection polls again.
            delay.set(0);
            int i = 0;
            while (c.pollMisses() != 0 && i < 20 * Connection.REPROBE_EVERY) {
                exchange(c, i++);
            }
            assertThat(c.pollMisses()).as("polling again after %d requests", i).isZero();
            assertThat(i).as("not before the next try").isGreaterThan(Connection.REPROBE_EVERY - 5 - Connection.MISSES_BEFORE_BACKOFF - 2);
        }
    }

    @Test
    void theReadTimeoutCountsThePolling() throws Exception {
        connector = connector(SocketConfig.MAX_BUSY_POLL, Duration.ofMillis(100));
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server);
            server.next(); // accepted, never answers
            c.beginExchange();
            c.output().write(new byte[] {'p'});
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.input().read()).isInstanceOfSatisfying(ConnectionFailure.class,
                    f -> assertThat(f.kind()).isEqualTo(Kind.READ_TIMEOUT));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(99)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
