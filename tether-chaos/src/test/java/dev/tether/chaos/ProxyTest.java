package dev.tether.chaos;

import static dev.tether.chaos.TestSockets.connect;
import static dev.tether.chaos.TestSockets.random;
import static dev.tether.chaos.TestSockets.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy core without toxics: forwarding, half-close, lifecycle. Mirrors Toxiproxy's proxy tests. */
class ProxyTest {

    private ChaosLab lab;
    private EchoServer echo;

    @BeforeEach
    void setUp() throws IOException {
        lab = ChaosLab.builder().dialTimeout(Duration.ofSeconds(2)).build();
        echo = EchoServer.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        lab.close();
        echo.close();
    }

    @Test
    void forwardsASimpleMessageAndReportsTheRealPort() throws IOException {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        assertThat(proxy.port()).isPositive();
        assertThat(proxy.listen()).isEqualTo("127.0.0.1:" + proxy.port());
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write("hello\n".getBytes());
            assertThat(new String(readExactly(s, 6))).isEqualTo("hello\n");
        }
    }

    @Test
    void forwardsALargeMessageIntact() throws Exception {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        byte[] data = random(4 * 1024 * 1024);
        try (Socket s = connect(proxy)) {
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            assertThat(readExactly(s, data.length)).isEqualTo(data);
            writer.join();
        }
    }

    @Test
    void forwardsASplitMessageInOrder() throws IOException {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        try (Socket s = connect(proxy)) {
            OutputStream out = s.getOutputStream();
            for (String part : new String[] {"hel", "lo ", "wor", "ld"}) {
                out.write(part.getBytes());
                out.flush();
            }
            assertThat(new String(readExactly(s, 11))).isEqualTo("hello world");
        }
    }

    @Test
    void propagatesHalfCloseWithoutClosingTheOtherWay() throws IOException {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        try (Socket s = connect(proxy)) {
            byte[] data = random(200_000);
            s.getOutputStream().write(data);
            s.shutdownOutput(); // FIN upstream; the echo server still answers everything
            assertThat(TestSockets.readAll(s)).isEqualTo(data);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.connectionCount() == 0);
    }

    @Test
    void deadUpstreamGivesTheClientAnErrorNotAHang() throws IOException {
        ChaosProxy proxy = lab.createProxy("dead", "127.0.0.1:" + TestSockets.deadPort());
        // The proxy resets the client when its dial fails; on a busy machine the reset can beat
        // the connect's completion, so connect() belongs inside the check too.
        try (Socket s = connect(proxy)) {
            s.setSoTimeout(10_000);
            int n = s.getInputStream().read();
            assertThat(n).isEqualTo(-1);
        } catch (IOException e) {
            assertThat(TestSockets.isReset(e)).as(e.toString()).isTrue();
        }
        // and the proxy still serves others once the upstream is back
        proxy.update(proxy.listen(), echo.address(), true);
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);
        }
    }

    @Test
    void restartsOnListenAndUpstreamChange() throws IOException {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        int oldPort = proxy.port();
        Socket live = connect(proxy);
        live.getOutputStream().write(1);
        assertThat(live.getInputStream().read()).isEqualTo(1);

        proxy.update("127.0.0.1:0", echo.address(), true);
        assertThat(proxy.port()).isNotEqualTo(oldPort);
        assertThat(live.getInputStream().read()).as("live connection closed by the restart").isEqualTo(-1);
        live.close();

        try (EchoServer other = EchoServer.start()) {
            proxy.update(proxy.listen(), other.address(), true);
            try (Socket s = connect(proxy)) {
                s.getOutputStream().write(2);
                assertThat(s.getInputStream().read()).isEqualTo(2);
            }
            assertThat(other.accepted()).isEqualTo(1);
        }
    }

    @Test
    void disabledProxyRefusesAndClosesLiveConnectionsThenComesBackOnTheSamePort() throws IOException {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        int port = proxy.port();
        Socket live = connect(proxy);
        live.getOutputStream().write(1);
        assertThat(live.getInputStream().read()).isEqualTo(1);

        proxy.disable();
        assertThat(proxy.isEnabled()).isFalse();
        assertThat(live.getInputStream().read()).isEqualTo(-1);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port))
                .isInstanceOf(ConnectException.class);

        proxy.enable();
        assertThat(proxy.port()).isEqualTo(port);
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write(3);
            assertThat(s.getInputStream().read()).isEqualTo(3);
        }
        live.close();
    }

    @Test
    void createdDisabledListensOnlyWhenEnabled() throws IOException {
        ChaosProxy proxy = lab.createProxy(new ProxyConfig("later", "127.0.0.1:0", echo.address(), false));
        assertThat(proxy.isEnabled()).isFalse();
        proxy.enable();
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write(4);
            assertThat(s.getInputStream().read()).isEqualTo(4);
        }
    }

    @Test
    void refusesNonLoopbackListenAddressesAndDuplicates() {
        assertThatThrownBy(() -> lab.createProxy("out", "192.0.2.1:0", echo.address()))
                .isInstanceOf(ChaosException.class).hasMessageContaining("loopback")
                .extracting(e -> ((ChaosException) e).status()).isEqualTo(400);
        lab.createProxy("one", echo.address());
        assertThatThrownBy(() -> lab.createProxy("one", echo.address()))
                .isInstanceOf(ChaosException.class).hasMessage("proxy already exists: one");
        assertThat(lab.createProxy("wild", "0.0.0.0:0", echo.address()).listen()).startsWith("127.0.0.1:");
    }

    @Test
    void closingTheLabFreesEverySocketAndThread() throws IOException {
        ChaosProxy proxy = lab.createProxy("echo", echo.address());
        proxy.addToxic(Toxic.latency(Duration.ofMillis(1)));
        lab.startApi("127.0.0.1", 0);
        Socket[] clients = new Socket[3];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = connect(proxy);
            clients[i].getOutputStream().write(i);
            assertThat(clients[i].getInputStream().read()).isEqualTo(i);
        }
        int port = proxy.port();
        lab.close();
        for (Socket c : clients) {
            assertThat(c.getInputStream().read()).isEqualTo(-1);
            c.close();
        }
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000))
                .isInstanceOf(ConnectException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> chaosThreads().isEmpty());
    }

    static Set<String> chaosThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("tether-chaos")).collect(Collectors.toSet());
    }

    @Test
    void proxiesAreListedByName() {
        lab.createProxy("b", echo.address());
        lab.createProxy("a", echo.address());
        lab.createProxy("c", echo.address());
        assertThat(lab.proxies().stream().map(ChaosProxy::name)).containsExactly("a", "b", "c");
        assertThat(Arrays.asList(lab.proxy("b").name())).containsExactly("b");
        assertThatThrownBy(() -> lab.proxy("nope")).hasMessage("proxy not found: nope");
    }
}
