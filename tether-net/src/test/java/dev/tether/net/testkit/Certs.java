package dev.tether.net.testkit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made with the JDK's keytool, for TLS tests on loopback. Shared with
 * tether-http's and tether-cli's tests through tether-net's test-jar.
 */
public final class Certs {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** The server's context (its key and certificate). */
    public final SSLContext server;
    /** A client context that trusts exactly that certificate. */
    public final SSLContext client;
    /** The server's certificate. */
    public final X509Certificate certificate;
    private final PrivateKey key;

    private Certs(SSLContext server, SSLContext client, X509Certificate certificate, PrivateKey key) {
        this.server = server;
        this.client = client;
        this.certificate = certificate;
        this.key = key;
    }

    /** Writes the server's private key as a PKCS#8 PEM file (what nginx's ssl_certificate_key reads). */
    public Path writeKeyPem(Path file) throws Exception {
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return file;
    }

    /** Writes the certificate as a PEM file (what a user hands to a tool as a CA file). */
    public Path writePem(Path file) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        return file;
    }

    /** A server certificate for {@code san} (e.g. "dns:localhost,ip:127.0.0.1") that the client context trusts. */
    public static Certs forSubject(Path dir, String cn, String san) throws Exception {
        Path ks = dir.resolve(cn + "-" + System.nanoTime() + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", keys.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new Certs(server, client, (X509Certificate) keys.getCertificate("server"),
                (PrivateKey) keys.getKey("server", PASSWORD));
    }
}
