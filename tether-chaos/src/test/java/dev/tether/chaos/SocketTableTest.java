package dev.tether.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.chaos.SocketTable.State;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The kernel's socket table, watched while a real loopback connection goes through its states. */
class SocketTableTest {

    @Test
    void seesAClientSocketWhosePeerClosedInCloseWaitUntilItCloses() throws Exception {
        Assumptions.assumeTrue(SocketTable.available(), "no /proc/net/tcp on this system");
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = ss.getLocalPort();
            Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
            try {
                assertThat(SocketTable.towards(port, State.CLOSE_WAIT)).isEmpty();
                assertThat(SocketTable.statesOf(port)).contains(State.LISTEN);
                ss.accept().close(); // the server's FIN: the client's socket is now in CLOSE_WAIT until it closes
                await().atMost(Duration.ofSeconds(10)).until(() -> SocketTable.towards(port, State.CLOSE_WAIT).size() == 1);
                SocketTable.Entry e = SocketTable.towards(port, State.CLOSE_WAIT).get(0);
                assertThat(e.local()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), client.getLocalPort()));
                assertThat(e.remote()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(e).hasToString("127.0.0.1:" + client.getLocalPort() + " -> 127.0.0.1:" + port + " CLOSE_WAIT");
                assertThat(SocketTable.statesOf(client.getLocalPort())).contains(State.CLOSE_WAIT);
                assertThat(SocketTable.statesOf(client.getLocalPort(), port)).containsExactly(State.CLOSE_WAIT);
                assertThat(SocketTable.statesOf(client.getLocalPort(), port + 1)).isEmpty();
            } finally {
                client.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> SocketTable.towards(port, State.CLOSE_WAIT).isEmpty());
        }
    }

    @Test
    void readsIpv6SocketsToo() throws Exception {
        Assumptions.assumeTrue(SocketTable.available(), "no /proc/net/tcp on this system");
        InetAddress v6;
        try {
            v6 = InetAddress.getByName("::1");
            new ServerSocket(0, 1, v6).close();
        } catch (java.io.IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        try (ServerSocket ss = new ServerSocket(0, 1, v6);
             Socket client = new Socket(v6, ss.getLocalPort());
             Socket accepted = ss.accept()) {
            int port = accepted.getLocalPort();
            await().atMost(Duration.ofSeconds(10)).until(() -> SocketTable.towards(port, State.ESTABLISHED).size() == 1);
            SocketTable.Entry e = SocketTable.towards(port, State.ESTABLISHED).get(0);
            assertThat(e.local()).isEqualTo(new InetSocketAddress(v6, client.getLocalPort()));
            assertThat(e).hasToString("[0:0:0:0:0:0:0:1]:" + client.getLocalPort() + " -> [0:0:0:0:0:0:0:1]:" + port + " ESTABLISHED");
        }
    }
}
