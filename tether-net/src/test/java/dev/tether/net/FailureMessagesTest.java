package dev.tether.net;

import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.internal.Messages;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One test per kind: the message names the endpoint, the connection's history and a next step. */
class FailureMessagesTest {
    private static final Endpoint API = Endpoint.tls("api.example", 443);
    /** The 12th use of connection #7, after 61.2 s idle, 120 request bytes out, nothing back. */
    private static final ConnectionFacts STALE = new ConnectionFacts(API, 7, true, Duration.ofMinutes(10),
            Duration.ofMillis(61_200), 12, 120, false);
    private static final ConnectionFacts NEW = ConnectionFacts.notOpened(API, 8);

    /** How an HTTP client's user spells the settings (what tether-http passes). */
    private static final SettingNames HTTP = new SettingNames("HttpClientConfig.socket(s -> s.%s(...))",
            "HttpClientConfig.pool(p -> p.%s(...))", "HttpClientConfig.tls(...)");

    private static String message(Kind kind, ConnectionFacts facts, String detail, Duration timeout) {
        return message(kind, facts, detail, timeout, SettingNames.DEFAULT);
    }

    private static String message(Kind kind, ConnectionFacts facts, String detail, Duration timeout, SettingNames names) {
        ConnectionFailure f = new ConnectionFailure(kind, Messages.describe(kind, facts, detail, timeout, names), facts, null);
        assertThat(f.kind()).isEqualTo(kind);
        return f.getMessage();
    }

    @Test
    void refused() {
        assertThat(message(Kind.REFUSED, NEW, "tried 127.0.0.9:443 refused", null))
                .startsWith("connection #8 to api.example:443 was refused (tried 127.0.0.9:443 refused)")
                .contains("nothing listens on that port", "check the host and port");
    }

    @Test
    void connectTimeout() {
        assertThat(message(Kind.CONNECT_TIMEOUT, NEW, "tried 127.0.0.9:443 timed out, connectTimeout", Duration.ofSeconds(2)))
                .startsWith("connection #8 to api.example:443 could not be opened within 2000 ms")
                .contains("did not answer", "raise SocketConfig.connectTimeout");
    }

    @Test
    void unreachable() {
        assertThat(message(Kind.UNREACHABLE, NEW, null, null))
                .startsWith("connection #8 to api.example:443 could not be opened: the host or its network is unreachable")
                .contains("check the address, routing and firewalls");
        assertThat(message(Kind.UNREACHABLE, STALE, null, null))
                .startsWith("connection #7 to api.example:443 lost its peer after 61.2 s idle (its 12th use")
                .contains("keepalive probes", "keep SocketConfig.keepAlive on");
    }

    @Test
    void unknownHost() {
        assertThat(message(Kind.UNKNOWN_HOST, NEW, null, null))
                .startsWith("connection #8 to api.example:443 could not be opened: the name api.example did not resolve")
                .contains("check the host name");
    }

    @Test
    void resetWhileOpening() {
        assertThat(message(Kind.RESET, NEW, "tried 127.0.0.9:443 reset", null))
                .startsWith("connection #8 to api.example:443 could not be opened: the peer accepted it and reset it at once")
                .contains("nothing was sent", "check the server's logs");
    }

    @Test
    void resetAfterALongIdleSuggestsTheIdleTimeout() {
        // The example from DESIGN.md, as an HTTP client's user reads it (the README quotes it).
        assertThat(message(Kind.RESET, STALE, null, null, HTTP))
                .isEqualTo("connection #7 to api.example:443 was reset by the peer after 61.2 s idle (its 12th use,"
                        + " 120 request bytes written, no response byte yet): the server or a load balancer likely"
                        + " closes idle connections at about 61.2 s; set HttpClientConfig.pool(p -> p.idleTimeout(...)) below that");
    }

    @Test
    void adviceNamesTheSettingAsTheUserSpellsIt() {
        assertThat(message(Kind.RESET, STALE, null, null)).endsWith("set PoolConfig.idleTimeout below that");
        assertThat(message(Kind.CONNECT_TIMEOUT, NEW, null, Duration.ofSeconds(2), HTTP))
                .endsWith("raise HttpClientConfig.socket(s -> s.connectTimeout(...))");
        assertThat(message(Kind.READ_TIMEOUT, STALE, null, Duration.ofSeconds(2), HTTP))
                .contains("raise HttpClientConfig.socket(s -> s.readTimeout(...)) (or the read timeout of this call)");
        assertThat(message(Kind.UNREACHABLE, STALE, null, null, HTTP)).endsWith("keep HttpClientConfig.socket(s -> s.keepAlive(...)) on");
        assertThat(message(Kind.TLS_HANDSHAKE, NEW, null, null, HTTP)).contains("trusted by HttpClientConfig.tls(...)");
    }

    @Test
    void settingNamesNeedAPlaceForTheField() {
        assertThatThrownBy(() -> new SettingNames("SocketConfig", "PoolConfig.%s", "tls"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("socketFormat: \"SocketConfig\" (expected: a format with one %s for the field name)");
    }

    @Test
    void peerClosed() {
        assertThat(message(Kind.PEER_CLOSED, STALE, null, null))
                .startsWith("connection #7 to api.example:443 was closed by the peer after 61.2 s idle (its 12th use")
                .contains("closes idle connections at about 61.2 s", "set PoolConfig.idleTimeout below that");
    }

    @Test
    void brokenPipe() {
        assertThat(message(Kind.BROKEN_PIPE, STALE, null, null))
                .startsWith("connection #7 to api.example:443 was already gone when the request was written after 61.2 s idle")
                .contains("120 request bytes written", "set PoolConfig.idleTimeout below that");
    }

    @Test
    void readTimeout() {
        ConnectionFacts started = new ConnectionFacts(API, 7, true, Duration.ofMinutes(1), Duration.ZERO, 1, 80, true);
        assertThat(message(Kind.READ_TIMEOUT, started, null, Duration.ofSeconds(30)))
                .startsWith("connection #7 to api.example:443 received no further response byte within the read timeout of 30000 ms on its first use")
                .contains("response started", "raise SocketConfig.readTimeout (or the read timeout of this call)");
    }

    @Test
    void writeTimeout() {
        assertThat(message(Kind.WRITE_TIMEOUT, STALE, null, Duration.ofSeconds(30)))
                .startsWith("connection #7 to api.example:443 could not write for 30000 ms after 61.2 s idle (its 12th use")
                .contains("the peer stopped reading", "raise SocketConfig.writeTimeout");
    }

    @Test
    void tlsHandshake() {
        assertThat(message(Kind.TLS_HANDSHAKE, NEW, "TLS with 127.0.0.9:443 as api.example: No subject alternative DNS name matching", null))
                .startsWith("connection #8 to api.example:443 failed its TLS handshake")
                .contains("No subject alternative DNS name", "trusted but not for the host name checked", "TlsSettings.serverName(...)");
        assertThat(message(Kind.TLS_HANDSHAKE, NEW, "TLS with 127.0.0.9:443 as api.example: PKIX path building failed: unable to find"
                + " valid certification path to requested target", null))
                .contains("is not trusted by the SSLContext in TlsSettings; add the certificate of its CA");
        assertThat(message(Kind.TLS_HANDSHAKE, NEW, "TLS with 127.0.0.9:443 as api.example: PKIX path validation failed:"
                + " validity check failed: NotAfter: Tue Jan 01 00:00:00 UTC 2019", null))
                .contains("outside its validity dates (expired, or this machine's clock is wrong)");
        assertThat(message(Kind.TLS_HANDSHAKE, NEW, "TLS with 127.0.0.9:443 as api.example: Received fatal alert: protocol_version", null))
                .contains("matches the host name and is trusted by the SSLContext in TlsSettings, and that the server speaks TLS");
    }

    @Test
    void protocol() {
        assertThat(message(Kind.PROTOCOL, STALE, "status line \"HTTP/1.1 2xx\" is not a number", null))
                .startsWith("connection #7 to api.example:443 broke the protocol after 61.2 s idle (its 12th use")
                .contains("is not a number", "check that the server speaks the expected protocol");
    }

    @Test
    void everyKindHasATestAbove() {
        assertThat(Kind.values()).hasSize(11);
    }
}
