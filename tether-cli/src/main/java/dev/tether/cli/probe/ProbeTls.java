package dev.tether.cli.probe;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.TlsSettings;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;

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

    /**
     * A failed open of a probe's TLS connection ({@code https://}, {@code rediss://}), with the
     * advice that fits its cause: a server that speaks the plain protocol on that port, one that
     * never answers the handshake, a certificate the probe does not trust (--cacert, --insecure).
     */
    static IOException explain(ConnectionFailure f, ProbeTarget target, Duration timeout) {
        String plain = target.scheme().equals("rediss") ? "Redis" : "HTTP";
        if (causedBy(f, SSLException.class, "unrecognized ssl message") || causedBy(f, SSLException.class, "plaintext")) {
            return new ProbeFailure(target.shown() + ": the server at " + target.authority() + " does not speak TLS on this"
                    + " port (it answered the handshake with something else, likely plain " + plain + "); probe "
                    + target.asPlain() + " instead, or the server's TLS port", f);
        }
        if (causedBy(f, SocketTimeoutException.class, "read timed out")) {
            // Connected, then silence: a plain server waits for the end of a request that never comes.
            return new ProbeFailure(target.shown() + ": the server at " + target.authority() + " accepted the connection but"
                    + " did not answer the TLS handshake within " + timeout.toMillis() + " ms; if it speaks plain " + plain
                    + " on this port, probe " + target.asPlain() + " instead", f);
        }
        if (f.kind() == Kind.TLS_HANDSHAKE
                && (causedBy(f, CertificateException.class, "") || causedBy(f, CertPathValidatorException.class, ""))) {
            // tether's message names TlsSettings' SSLContext; the command line's way to it is a flag.
            return new ConnectionFailure(f.kind(), f.getMessage() + "; with tether probe: --cacert FILE for a"
                    + " self-signed or private-CA certificate, or --insecure to skip the check", f.facts(), f);
        }
        return f;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type, String messagePart) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c) && String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains(messagePart)) {
                return true;
            }
        }
        return false;
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
