package dev.tether.chaos;

import static dev.tether.chaos.TestSockets.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Toxiproxy's own Java client drives the lab through its whole API; the effects are checked on real traffic. */
class ToxiproxyJavaClientTest {

    private ChaosLab lab;
    private EchoServer echo;
    private ToxiproxyClient client;

    @BeforeEach
    void setUp() throws IOException {
        lab = ChaosLab.create();
        echo = EchoServer.start();
        client = new ToxiproxyClient("127.0.0.1", lab.startApi("127.0.0.1", 0).getPort());
    }

    @AfterEach
    void tearDown() throws IOException {
        lab.close();
        echo.close();
    }

    private static Socket connect(Proxy proxy) throws IOException {
        int port = Integer.parseInt(proxy.getListen().substring(proxy.getListen().lastIndexOf(':') + 1));
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static long roundTripMillis(Socket s) throws IOException {
        long start = System.nanoTime();
        s.getOutputStream().write("ping".getBytes());
        assertThat(new String(readExactly(s, 4))).isEqualTo("ping");
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void drivesTheWholeApi() throws IOException {
        assertThat(client.version()).contains(ChaosLab.VERSION);

        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", echo.address());
        assertThat(proxy.getListen()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(proxy.isEnabled()).isTrue();
        client.createProxy("another", "127.0.0.1:0", echo.address());
        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactlyInAnyOrder("echo", "another");
        assertThat(client.getProxy("echo").getUpstream()).isEqualTo(echo.address());
        assertThat(client.getProxyOrNull("missing")).isNull();
        assertThatThrownBy(() -> client.createProxy("echo", "127.0.0.1:0", echo.address()))
                .isInstanceOf(IOException.class).hasMessageContaining("[409] proxy already exists");

        try (Socket s = connect(proxy)) {
            assertThat(roundTripMillis(s)).isLessThan(200);

            Latency latency = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 200);
            assertThat(latency.getLatency()).isEqualTo(200);
            assertThat(roundTripMillis(s)).isGreaterThanOrEqualTo(200);

            latency.setJitter(10).setLatency(400);
            Latency fetched = proxy.toxics().get("slow", Latency.class);
            assertThat(fetched.getLatency()).isEqualTo(400);
            assertThat(fetched.getJitter()).isEqualTo(10);
            assertThat(roundTripMillis(s)).isGreaterThanOrEqualTo(390);

            latency.setToxicity(0f);
            assertThat(proxy.toxics().get("slow").getToxicity()).isEqualTo(0f);
            assertThat(roundTripMillis(s)).isLessThan(400);

            proxy.toxics().bandwidth("bw", ToxicDirection.UPSTREAM, 1000);
            proxy.toxics().slicer("slices", ToxicDirection.UPSTREAM, 10, 0);
            proxy.toxics().slowClose("sc", ToxicDirection.DOWNSTREAM, 0);
            proxy.toxics().limitData("ld", ToxicDirection.UPSTREAM, 1_000_000);
            assertThat(proxy.toxics().getAll()).extracting(t -> t.getName())
                    .containsExactly("bw", "slices", "ld", "slow", "sc");
            assertThat(roundTripMillis(s)).isLessThan(5_000);
            for (String name : new String[] {"bw", "slices", "ld", "sc", "slow"}) {
                proxy.toxics().get(name).remove();
            }
            assertThat(proxy.toxics().getAll()).isEmpty();

            proxy.toxics().timeout("cut", ToxicDirection.DOWNSTREAM, 0);
            s.setSoTimeout(300);
            s.getOutputStream().write("x".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.toxics().get("cut").remove();
        }

        try (Socket s = connect(proxy)) {
            proxy.toxics().resetPeer("rst", ToxicDirection.UPSTREAM, 0);
            s.getOutputStream().write("x".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).hasMessageContaining("reset");
        }

        int port = Integer.parseInt(proxy.getListen().substring(proxy.getListen().lastIndexOf(':') + 1));
        proxy.disable();
        assertThat(proxy.isEnabled()).isFalse();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port)).isInstanceOf(ConnectException.class);
        proxy.enable();
        assertThat(client.getProxy("echo").isEnabled()).isTrue();

        proxy.toxics().latency("again", ToxicDirection.UPSTREAM, 300);
        proxy.disable();
        client.reset(); // every toxic removed, every proxy enabled
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.toxics().getAll()).isEmpty();
        try (Socket s = connect(proxy)) {
            assertThat(roundTripMillis(s)).isLessThan(300);
        }

        try (EchoServer other = EchoServer.start()) {
            proxy.setUpstream(other.address());
            assertThat(proxy.getUpstream()).isEqualTo(other.address());
            try (Socket s = connect(proxy)) {
                roundTripMillis(s);
            }
            assertThat(other.accepted()).isEqualTo(1);
        }

        proxy.delete();
        assertThat(client.getProxyOrNull("echo")).isNull();
        assertThatThrownBy(() -> client.getProxy("echo")).hasMessageContaining("[404] proxy not found");
        assertThat(lab.proxies()).extracting(ChaosProxy::name).containsExactly("another");
    }
}
