package dev.tether.net.internal;

import dev.tether.net.ConnectionFailure.Kind;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classification uses types and phases, not text: the same exceptions with German, Japanese or no
 * messages at all give the same kinds as with English ones.
 */
class ClassifierTest {

    @Test
    void connectPhaseKindsDoNotDependOnMessageLanguage() {
        for (String text : new String[] {"Connection refused", "Verbindungsaufbau abgelehnt", "接続を拒否されました", null}) {
            assertThat(Classifier.classify(Phase.CONNECT, new ConnectException(text))).isEqualTo(Kind.REFUSED);
            assertThat(Classifier.classify(Phase.CONNECT, new SocketTimeoutException(text))).isEqualTo(Kind.CONNECT_TIMEOUT);
            assertThat(Classifier.classify(Phase.CONNECT, new NoRouteToHostException(text))).isEqualTo(Kind.UNREACHABLE);
            assertThat(Classifier.classify(Phase.CONNECT, new SocketException(text))).isEqualTo(Kind.UNREACHABLE);
            assertThat(Classifier.classify(Phase.RESOLVE, new UnknownHostException(text))).isEqualTo(Kind.UNKNOWN_HOST);
        }
    }

    @Test
    void aResetDuringConnectIsResetWhereTheCLibrarySpeaksEnglishAndUnreachableElsewhere() {
        // ECONNRESET from pollConnect: the peer completed the handshake and reset at once (seen
        // with tether-chaos's refuse toxic). The JDK passes strerror's text on, untyped.
        assertThat(Classifier.classify(Phase.CONNECT, new SocketException("Connection reset by peer"))).isEqualTo(Kind.RESET);
        assertThat(Classifier.classify(Phase.CONNECT, new SocketException("Connection reset"))).isEqualTo(Kind.RESET);
        assertThat(Classifier.classify(Phase.CONNECT, new SocketException("Network is unreachable"))).isEqualTo(Kind.UNREACHABLE);
        assertThat(Classifier.classify(Phase.CONNECT, new SocketException("Verbindung durch Peer zur\u00fcckgesetzt")))
                .as("the documented limit: a translated strerror cannot be told apart").isEqualTo(Kind.UNREACHABLE);
    }

    @Test
    void exchangePhaseKindsDoNotDependOnMessageLanguage() {
        for (String text : new String[] {"Broken pipe", "Daten\u00fcbergabe unterbrochen (broken pipe)", "パイプが切断されました", null}) {
            assertThat(Classifier.classify(Phase.WRITE, new IOException(text))).isEqualTo(Kind.BROKEN_PIPE);
            assertThat(Classifier.classify(Phase.READ, new SocketTimeoutException(text))).isEqualTo(Kind.READ_TIMEOUT);
            assertThat(Classifier.classify(Phase.READ, new EOFException(text))).isEqualTo(Kind.PEER_CLOSED);
            // An untyped read error is what the kernel reports after keepalive probes went unanswered.
            assertThat(Classifier.classify(Phase.READ, new IOException(text))).isEqualTo(Kind.UNREACHABLE);
            assertThat(Classifier.classify(Phase.READ, new SSLException(text))).isEqualTo(Kind.PROTOCOL);
        }
    }

    @Test
    void handshakeFailuresAreTlsHandshakeWhateverTheText() {
        assertThat(Classifier.classify(Phase.HANDSHAKE, new SSLHandshakeException("Keine passende Zertifikat"))).isEqualTo(Kind.TLS_HANDSHAKE);
        assertThat(Classifier.classify(Phase.HANDSHAKE, new SocketException("Verbindung zurückgesetzt"))).isEqualTo(Kind.TLS_HANDSHAKE);
        assertThat(Classifier.classify(Phase.HANDSHAKE, new SocketTimeoutException("Zeitüberschreitung"))).isEqualTo(Kind.CONNECT_TIMEOUT);
    }

    @Test
    void causesAreFollowed() {
        IOException wrapped = new IOException("äußere Hülle", new SSLException("innen", new SocketTimeoutException("Zeit")));
        assertThat(Classifier.classify(Phase.READ, wrapped)).isEqualTo(Kind.READ_TIMEOUT);
    }

    @Test
    void theJdksResetIsRecognisedByOriginNotByTranslatedText() {
        // What SocketChannelImpl.throwConnectionReset makes: the origin frame identifies it.
        SocketException fromJdk = new SocketException("Verbindung zurückgesetzt");
        fromJdk.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("sun.nio.ch.SocketChannelImpl", "throwConnectionReset", null, 1)});
        assertThat(Classifier.classify(Phase.READ, fromJdk)).isEqualTo(Kind.RESET);
        assertThat(Classifier.isReset(new IOException("wrapper", fromJdk))).isTrue();
        // A translated errno text from elsewhere is not taken for a reset.
        assertThat(Classifier.isReset(new SocketException("Connexion réinitialisée par le correspondant"))).isFalse();
    }
}
