package dev.tether.net;

import javax.net.ssl.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * How to speak TLS to an endpoint. Hostname verification is on by default; the trust material
 * comes from the caller's {@link SSLContext} (the JDK default when none is given). SNI carries the
 * endpoint's host name (or {@link #serverName()} when set) unless the host is an IP literal.
 * Immutable and thread-safe; equal settings (the same {@link SSLContext} instance) share a pool key.
 */
public final class TlsSettings {

    /** The JDK's default context, hostname verification on, the context's protocols and suites. */
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

    /**
     * Starts settings from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts settings from these.
     *
     * @return a builder holding these settings
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The caller's context.
     *
     * @return the context, or null for the JDK's default one
     */
    public SSLContext sslContext() { return sslContext; }

    /**
     * The context to use: the caller's, or {@link SSLContext#getDefault()}.
     *
     * @return the context
     * @throws NoSuchAlgorithmException if there is no caller's context and the JDK has no default
     */
    public SSLContext effectiveContext() throws NoSuchAlgorithmException {
        return sslContext != null ? sslContext : SSLContext.getDefault();
    }

    /**
     * Whether the certificate must match the host name (HTTPS rules).
     *
     * @return true unless turned off (default true)
     */
    public boolean verifyHostname() { return verifyHostname; }

    /**
     * The name sent in SNI and checked against the certificate.
     *
     * @return the name, or null (the default): the endpoint's host
     */
    public String serverName() { return serverName; }

    /**
     * Enabled protocols, such as {@code TLSv1.3}.
     *
     * @return an unmodifiable list; empty (the default): the context's defaults
     */
    public List<String> protocols() { return protocols; }

    /**
     * Enabled cipher suites.
     *
     * @return an unmodifiable list; empty (the default): the context's defaults
     */
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

    /**
     * Collects settings. Not thread-safe; each setter replaces the earlier value and returns
     * this builder.
     */
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

        /**
         * The trust and key material.
         *
         * @param context the context; null (the default): the JDK's default
         * @return this builder
         */
        public Builder sslContext(SSLContext context) { sslContext = context; return this; }

        /**
         * Turning this off accepts any certificate's name: only for tests and pinned keys.
         *
         * @param on whether to verify (default true)
         * @return this builder
         */
        public Builder verifyHostname(boolean on) { verifyHostname = on; return this; }

        /**
         * The name for SNI and verification, when it differs from the endpoint's host.
         *
         * @param name a host name, or null (the default): the endpoint's host
         * @return this builder
         */
        public Builder serverName(String name) { serverName = name; return this; }

        /**
         * The protocols to enable.
         *
         * @param list protocol names; empty (the default): the context's defaults
         * @return this builder
         * @throws NullPointerException if {@code list} is null
         */
        public Builder protocols(List<String> list) { protocols = Objects.requireNonNull(list, "protocols"); return this; }

        /**
         * The cipher suites to enable.
         *
         * @param list suite names; empty (the default): the context's defaults
         * @return this builder
         * @throws NullPointerException if {@code list} is null
         */
        public Builder cipherSuites(List<String> list) { cipherSuites = Objects.requireNonNull(list, "cipherSuites"); return this; }

        /**
         * Checks and builds the settings.
         *
         * @return the immutable settings
         * @throws IllegalArgumentException if the server name is blank
         */
        public TlsSettings build() {
            if (serverName != null && serverName.isBlank()) {
                throw new IllegalArgumentException("serverName: \"" + serverName + "\" (expected: null or a host name)");
            }
            return new TlsSettings(this);
        }
    }
}
