package dev.tether.cli.probe;

import dev.tether.net.testkit.Certs;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;

/**
 * A self-signed server certificate (tether-net's test {@link Certs}) for TLS servers on loopback:
 * the server's SSLContext and the certificate as a PEM file, which is what a user hands to
 * {@code tether probe --cacert}.
 */
final class TestCerts {
    final SSLContext server;
    final Path pem;

    private TestCerts(SSLContext server, Path pem) {
        this.server = server;
        this.pem = pem;
    }

    /** A certificate for 127.0.0.1 and localhost, written under {@code dir}. */
    static TestCerts create(Path dir) throws Exception {
        Certs certs = Certs.forSubject(dir, "tether-probe-test", "ip:127.0.0.1,dns:localhost");
        return new TestCerts(certs.server, certs.writePem(dir.resolve("server.pem")));
    }
}
