package dev.tether.net;

import javax.net.ssl.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * How to speak TLS to an endpoint. Hostname verification is on by default; the trust material
 * comes from the caller's {@link SSLContext} (the JDK default when none is given). SNI carries the
 * endpoint's host name (or {@link #serverName()} when set) unless the host is an IP literal.
 */
public final class TlsSettings {

    public static final TlsSettings DEFAULT = builder().build();

    private final SSLContext sslContext;
    private final boolean verifyHostname;
    private final String serverName;
    private final List<String> protocols;
    private final List<String> cipherSuites;

    private TlsSettings(Builder b) {
        this.sslContext = b.sslContext;
        this.verifyHostname = b.verifyHostname;
        this.serverName = b.serverName;
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = List.copyOf(b.cipherSuites);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The caller's context, or null for the JDK's default one. */
    public SSLContext sslContext() { return sslContext; }

    /** The context to use: the caller's, or {@link SSLContext#getDefault()}. */
    public SSLContext effectiveContext() throws NoSuchAlgorithmException {
        return sslContext != null ? sslContext : SSLContext.getDefault();
    }

    public boolean verifyHostname() { return verifyHostname; }

    /** The name sent in SNI and checked against the certificate; null: the endpoint's host. */
    public String serverName() { return serverName; }

    /** Enabled protocols; empty: the context's defaults. */
    public List<String> protocols() { return protocols; }

    /** Enabled cipher suites; empty: the context's defaults. */
    public List<String> cipherSuites() { return cipherSuites; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TlsSettings)) {
            return false;
        }
        TlsSettings t = (TlsSettings) o;
        // Contexts compare by identity: two contexts with equal settings may trust different keys.
        return sslContext == t.sslContext && verifyHostname == t.verifyHostname
                && Objects.equals(serverName, t.serverName) && protocols.equals(t.protocols)
                && cipherSuites.equals(t.cipherSuites);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(sslContext), verifyHostname, serverName, protocols, cipherSuites);
    }

    @Override
    public String toString() {
        return "TlsSettings[" + (sslContext == null ? "default context" : "own context")
                + ", verifyHostname=" + verifyHostname
                + (serverName != null ? ", serverName=" + serverName : "")
                + (protocols.isEmpty() ? "" : ", protocols=" + protocols) + "]";
    }

    public static final class Builder {
        private SSLContext sslContext;
        private boolean verifyHostname = true;
        private String serverName;
        private List<String> protocols = List.of();
        private List<String> cipherSuites = List.of();

        private Builder() {
        }

        private Builder(TlsSettings t) {
            sslContext = t.sslContext;
            verifyHostname = t.verifyHostname;
            serverName = t.serverName;
            protocols = t.protocols;
            cipherSuites = t.cipherSuites;
        }

        public Builder sslContext(SSLContext context) { sslContext = context; return this; }
        /** Turning this off accepts any certificate's name: only for tests and pinned keys. */
        public Builder verifyHostname(boolean on) { verifyHostname = on; return this; }
        public Builder serverName(String name) { serverName = name; return this; }
        public Builder protocols(List<String> list) { protocols = Objects.requireNonNull(list, "protocols"); return this; }
        public Builder cipherSuites(List<String> list) { cipherSuites = Objects.requireNonNull(list, "cipherSuites"); return this; }

        public TlsSettings build() {
            if (serverName != null && serverName.isBlank()) {
                throw new IllegalArgumentException("serverName: \"" + serverName + "\" (expected: null or a host name)");
            }
            return new TlsSettings(this);
        }
    }
}
