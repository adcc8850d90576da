package dev.tether.net;

import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain TCP read right after a write waits for readiness before it reads (the answer is most
 * likely still on its way): what it must still do is read an answer that is already there, one
 * that comes later, and the end of the stream (the read timeout after a request is
 * {@code FailureKindsTest.readTimeoutWhenTheServerNeverAnswers}'s).
 */
class ReadAfterWriteTest {
    private static final Resolver LOOPBACK = host -> List.of(InetAddress.getByName("127.0.0.1"));

    private final TcpConnector connector = TcpConnector.builder().resolver(LOOPBACK)
            .socketConfig(SocketConfig.builder().readTimeout(Duration.ofSeconds(10)).build()).build();
    private final List<Connection> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(c -> connector.close(c, Reason.POOL_CLOSED));
    }

    private Connection open(TestServer server) throws ConnectionFailure {
        Connection c = connector.open(Endpoint.of("localhost", server.port()));
        opened.add(c);
        return c;
    }

    /** Writes "ping" on {@code c} (a request: the next read waits first); gives the server's side. */
    private static Socket pingAndAccept(Connection c, TestServer server) throws Exception {
        Socket peer = server.next();
        c.beginExchange();
        c.output().write(ascii("ping"));
        return peer;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void anAnswerAlreadyThereWhenTheReadComesIsReadAtOnce() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server);
            Socket peer = pingAndAccept(c, server);
            assertThat(peer.getInputStream().readNBytes(4)).isEqualTo(ascii("ping"));
            peer.getOutputStream().write(ascii("pong"));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.input().available() >= 4);
            long start = System.nanoTime();
            assertThat(c.input().readNBytes(4)).isEqualTo(ascii("pong"));
            // Far below the 10 s read timeout: the wait found the answer there and returned.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void manyExchangesInARowEachGetTheirOwnAnswerWhetherItCameFirstOrLater() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server);
            Socket peer = server.next();
            Thread echo = new Thread(() -> {
                try {
                    InputStream in = peer.getInputStream();
                    OutputStream out = peer.getOutputStream();
                    for (int i = 0; i < 500; i++) {
                        byte[] req = in.readNBytes(8);
                        // Answers in two pieces now and then, so that a read finds half an answer.
                        if (i % 7 == 0) {
                            out.write(req, 0, 3);
                            out.flush();
                            out.write(req, 3, 5);
                        } else {
                            out.write(req);
                        }
                    }
                } catch (Exception ignored) {
                    // the test fails on the client's side
                }
            }, "echo");
            echo.start();
            for (int i = 0; i < 500; i++) {
                byte[] req = ascii(String.format("req%05d", i));
                c.beginExchange();
                c.output().write(req);
                assertThat(c.input().readNBytes(8)).as("exchange %d", i).isEqualTo(req);
            }
            echo.join(10_000);
        }
    }

    @Test
    void theEndOfTheStreamAfterARequestIsSeen() throws Exception {
        try (TestServer server = TestServer.silent()) {
            Connection c = open(server);
            Socket peer = pingAndAccept(c, server);
            peer.getInputStream().readNBytes(4);
            peer.shutdownOutput(); // FIN, and still reading
            assertThat(c.input().read()).isEqualTo(-1);
        }
    }
}
