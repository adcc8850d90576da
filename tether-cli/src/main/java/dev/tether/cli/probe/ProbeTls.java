package dev.tether.cli.probe;

import dev.tether.net.TlsSettings;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * How a probe checks a TLS server, as the tether-net {@link TlsSettings} its connections use: the
 * JDK's trust store and hostname verification (the default), certificates of the caller's own CA
 * or self-signed server ({@code --cacert}), or no check at all ({@code --insecure}, for test
 * servers: the probe measures timeouts, it sends no secrets).
 *
 * @param settings    the TLS settings of the probe's connections
 * @param description how the certificate was checked, as the probe reports it
 */
public record ProbeTls(TlsSettings settings, String description) {

    public static final ProbeTls DEFAULT = new ProbeTls(TlsSettings.DEFAULT, "certificate verified (the JDK's trust store)");

    /** Trusts any certificate and any name. */
    public static ProbeTls insecure() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            return new ProbeTls(TlsSettings.builder().sslContext(ctx).verifyHostname(false).build(),
                    "certificate NOT verified (--insecure)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /**
     * Trusts the certificates in {@code file} (PEM, one or more, or DER) and only them; the name is
     * still checked.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
     */
    public static ProbeTls trusting(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("--cacert " + file + ": no certificate in the file");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return new ProbeTls(TlsSettings.builder().sslContext(ctx).build(),
                    "certificate verified (--cacert " + file.getFileName() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--cacert " + file + ": not a PEM or DER certificate (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("--cacert " + file + ": cannot read it (" + e + ")");
        }
    }

    /** What --insecure means: every chain is accepted. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
