package dev.tether.chaos;

import static dev.tether.chaos.TestSockets.connect;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user registers it: one lab per class, toxics gone between tests. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosExtensionTest {

    @RegisterExtension
    static final ChaosExtension CHAOS = new ChaosExtension();

    private static EchoServer echo;
    private static int firstPort;

    @BeforeAll
    static void startEcho() throws IOException {
        echo = EchoServer.start();
    }

    @AfterAll
    static void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    @Order(1)
    void handsOutAProxyInFrontOfTheUpstream(ChaosLab lab) throws IOException {
        ChaosProxy proxy = CHAOS.proxy("echo", echo.port());
        firstPort = proxy.port();
        assertThat(lab.proxy("echo")).isSameAs(proxy);
        proxy.addToxic(Toxic.latency(Duration.ofMillis(50)));
        proxy.disable();
    }

    @Test
    @Order(2)
    void theNextTestFindsTheSameProxyCleanAndEnabled() throws IOException {
        ChaosProxy proxy = CHAOS.proxy("echo", echo.port());
        assertThat(proxy.port()).isEqualTo(firstPort);
        assertThat(proxy.toxics()).isEmpty();
        assertThat(proxy.isEnabled()).isTrue();
        try (Socket s = connect(proxy)) {
            s.getOutputStream().write(42);
            assertThat(s.getInputStream().read()).isEqualTo(42);
        }
    }
}
