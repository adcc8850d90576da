package dev.tether.http;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.testkit.Certs;
import dev.tether.net.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS through tether-net's TLS, against an in-process TLS server with a certificate made by keytool. */
class TlsTest {
    @TempDir
    Path dir;

    /** {server, client} contexts: a self-signed certificate for {@code san} that the client trusts. */
    private SSLContext[] contexts(String san) throws Exception {
        Certs certs = Certs.forSubject(dir, "test", san);
        return new SSLContext[] {certs.server, certs.client};
    }

    /** Answers every request on each TLS connection with "secure". */
    private static SSLServerSocket serve(SSLContext ctx, AtomicInteger connections) throws Exception {
        SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) ss.accept();
                    connections.incrementAndGet();
                    Thread c = new Thread(() -> {
                        try (s) {
                            InputStream in = s.getInputStream();
                            OutputStream out = s.getOutputStream();
                            StringBuilder line = new StringBuilder();
                            int ch;
                            while ((ch = in.read()) != -1) {
                                line.append((char) ch);
                                if (line.toString().endsWith("\r\n\r\n")) {
                                    line.setLength(0);
                                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure".getBytes(StandardCharsets.ISO_8859_1));
                                    out.flush();
                                }
                            }
                        } catch (Exception ignored) {
                            // the client went away or refused the certificate
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void httpsWorksAndKeepsTheConnection() throws Exception {
        SSLContext[] ctx = contexts("dns:localhost,ip:127.0.0.1");
        AtomicInteger connections = new AtomicInteger();
        try (SSLServerSocket ss = serve(ctx[0], connections);
             HttpClient client = HttpClient.create(HttpClientConfig.builder()
                     .tls(TlsSettings.builder().sslContext(ctx[1]).build()).build())) {
            String url = "https://localhost:" + ss.getLocalPort() + "/";
            for (int i = 0; i < 3; i++) {
                assertThat(client.send(HttpRequest.get(url)).string()).isEqualTo("secure");
            }
            assertThat(connections.get()).isEqualTo(1);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        SSLContext[] ctx = contexts("dns:other.example");
        AtomicInteger connections = new AtomicInteger();
        try (SSLServerSocket ss = serve(ctx[0], connections);
             HttpClient client = HttpClient.create(HttpClientConfig.builder()
                     .tls(TlsSettings.builder().sslContext(ctx[1]).build()).build())) {
            assertThatThrownBy(() -> client.send(HttpRequest.get("https://localhost:" + ss.getLocalPort() + "/")))
                    .isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                        assertThat(f.kind()).isEqualTo(Kind.TLS_HANDSHAKE);
                        assertThat(HttpClient.mayHaveBeenApplied(f)).isFalse();
                    });
        }
    }
}
