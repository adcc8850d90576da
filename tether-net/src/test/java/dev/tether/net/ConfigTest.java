package dev.tether.net;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Defaults, toBuilder round trips, and validation messages that name field, value and rule. */
class ConfigTest {

    @Test
    void defaultsFindAVanishedPeerWithinAMinute() {
        SocketConfig c = SocketConfig.DEFAULT;
        assertThat(c.tcpNoDelay()).isTrue();
        assertThat(c.keepAlive()).isTrue();
        assertThat(c.keepAliveDetection()).isLessThan(Duration.ofMinutes(1));
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.busyPoll()).isEqualTo(Duration.ofNanos(30_000));
        assertThat(c.toBuilder().busyPoll(Duration.ZERO).build()).isNotEqualTo(c);
        assertThat(c.toString()).contains("busyPoll=PT0.00003S");
    }

    @Test
    void badValuesAreRejectedNeverCorrected() {
        assertThatThrownBy(() -> SocketConfig.builder().connectTimeout(Duration.ZERO).build())
                .hasMessage("connectTimeout: PT0S (expected: >= 1 ms and <= 2147483647 ms)");
        assertThatThrownBy(() -> SocketConfig.builder().keepAliveIdle(Duration.ofMillis(1500)).build())
                .hasMessageStartingWith("keepAliveIdle: PT1.5S (expected: whole seconds, 1..32767 s");
        assertThatThrownBy(() -> SocketConfig.builder().keepAliveCount(0).build())
                .hasMessage("keepAliveCount: 0 (expected: 1..127)");
        assertThatThrownBy(() -> SocketConfig.builder().sendBufferSize(-1).build())
                .hasMessageStartingWith("sendBufferSize: -1 (expected: >= 0");
        assertThatThrownBy(() -> SocketConfig.builder().busyPoll(Duration.ofMillis(2)).build())
                .hasMessageStartingWith("busyPoll: PT0.002S (expected: 0 (off) to PT0.001S;");
        assertThatThrownBy(() -> SocketConfig.builder().busyPoll(Duration.ofNanos(-1)).build())
                .hasMessageStartingWith("busyPoll: PT-0.000000001S (expected: 0 (off) to PT0.001S;");
        assertThatThrownBy(() -> Endpoint.of("localhost", 0)).hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> Endpoint.of(" ", 80)).hasMessageStartingWith("host: \" \"");
        assertThatThrownBy(() -> TlsSettings.builder().serverName("").build()).hasMessageStartingWith("serverName: \"\"");
        assertThatThrownBy(() -> TcpConnector.builder().leaseCheckAfterIdle(Duration.ofMillis(2)))
                .hasMessage("leaseCheckAfterIdle: PT0.002S (expected: >= 0 and <= PT0.001S)");
        assertThatThrownBy(() -> TcpConnector.builder().leaseCheckAfterIdle(Duration.ofNanos(-1)))
                .hasMessageStartingWith("leaseCheckAfterIdle: PT-0.000000001S");
    }

    @Test
    void endpointsArePoolKeys() {
        Endpoint a = Endpoint.of("Example.com", 80);
        assertThat(a).isEqualTo(Endpoint.of("example.com", 80)).hasSameHashCodeAs(Endpoint.of("example.com", 80));
        assertThat(a).isNotEqualTo(Endpoint.tls("example.com", 80));
        assertThat(a.toBuilder().port(81).build().authority()).isEqualTo("Example.com:81");
        assertThat(Endpoint.of("::1", 443).authority()).isEqualTo("[::1]:443");
        assertThat(TlsSettings.DEFAULT.verifyHostname()).isTrue();
    }
}
