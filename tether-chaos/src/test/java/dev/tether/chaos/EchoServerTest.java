package dev.tether.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lab's upstream: echo, the half-close answered, the server's end handed to the test. */
class EchoServerTest {

    private static Socket connect(EchoServer echo) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), echo.port());
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void echoesAndAnswersAHalfCloseWithItsOwnAfterTheLastByte() throws IOException {
        try (EchoServer echo = EchoServer.start(); Socket s = connect(echo)) {
            assertThat(echo.address()).isEqualTo("127.0.0.1:" + echo.port());
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
            assertThat(echo.accepted()).isEqualTo(1);
        }
    }

    @Test
    void handsTheServersEndOfEachConnectionToTheTestInAcceptOrder() throws Exception {
        try (EchoServer echo = EchoServer.start(); Socket first = connect(echo); Socket second = connect(echo)) {
            Socket serverEnd = echo.next();
            assertThat(serverEnd.getPort()).isEqualTo(first.getLocalPort());
            assertThat(echo.next().getPort()).isEqualTo(second.getLocalPort());
            serverEnd.close(); // the server closes: the client reads its FIN
            assertThat(first.getInputStream().read()).isEqualTo(-1);
            second.getOutputStream().write(7);
            assertThat(second.getInputStream().read()).isEqualTo(7);
            assertThatThrownBy(() -> echo.next(Duration.ofMillis(10)))
                    .hasMessage("no connection accepted within 10 ms on " + echo.address());
        }
    }

    @Test
    void closingItClosesEveryConnection() throws IOException {
        Socket s;
        try (EchoServer echo = EchoServer.start()) {
            s = connect(echo);
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);
        }
        try (s) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
