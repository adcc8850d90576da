package dev.tether.cli.lab;

import dev.tether.cli.lab.support.SocketStates;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SocketStatesTest {

    @Test
    void countsAClientSocketWhosePeerClosedAsCloseWait() throws Exception {
        Assumptions.assumeTrue(SocketStates.available(), "no /proc/net/tcp on this system");
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
            assertThat(SocketStates.count(SocketStates.CLOSE_WAIT, ss.getLocalPort())).isZero();
            ss.accept().close(); // the server's FIN: the client's socket is now in CLOSE_WAIT until it closes
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SocketStates.count(SocketStates.CLOSE_WAIT, ss.getLocalPort()) == 1);
            client.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SocketStates.count(SocketStates.CLOSE_WAIT, ss.getLocalPort()) == 0);
        }
    }

    @Test
    void recoveryIsTheLongestSpanFromAFailureToTheNextSuccess() {
        assertThat(Trial.recovery(java.util.List.of(new Timeline.Event(0, 5, "ok", "")))).isNull();
        assertThat(Trial.recovery(java.util.List.of(
                new Timeline.Event(0, 5, "fail", ""), new Timeline.Event(10, 20, "fail", ""), new Timeline.Event(30, 40, "ok", ""),
                new Timeline.Event(50, 55, "fail", ""), new Timeline.Event(60, 62, "ok", "")))).isEqualTo(40L);
        assertThat(Trial.recovery(java.util.List.of(new Timeline.Event(0, 5, "fail", "")))).isEqualTo(-1L);
    }
}
