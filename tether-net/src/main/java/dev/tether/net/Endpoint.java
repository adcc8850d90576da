package dev.tether.net;

import java.util.Objects;

/**
 * Where a connection goes: host, port and, for TLS, how to speak it. Immutable, and a pool key
 * (equal endpoints share a sub-pool). There is no {@code DEFAULT}: no host is a sensible default.
 */
public final class Endpoint {

    private final String host;
    private final int port;
    private final TlsSettings tls;

    private Endpoint(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls;
    }

    /** A plain TCP endpoint. */
    public static Endpoint of(String host, int port) {
        return builder().host(host).port(port).build();
    }

    /** A TLS endpoint with {@link TlsSettings#DEFAULT}. */
    public static Endpoint tls(String host, int port) {
        return builder().host(host).port(port).tls(TlsSettings.DEFAULT).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public String host() { return host; }

    public int port() { return port; }

    /** The TLS settings, or null for plain TCP. */
    public TlsSettings tls() { return tls; }

    public boolean isTls() { return tls != null; }

    /** {@code host:port}, with brackets around an IPv6 literal: the form used in every message. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Endpoint)) {
            return false;
        }
        Endpoint e = (Endpoint) o;
        return port == e.port && host.equalsIgnoreCase(e.host) && Objects.equals(tls, e.tls);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * host.toLowerCase(java.util.Locale.ROOT).hashCode() + port) + Objects.hashCode(tls);
    }

    @Override
    public String toString() {
        return (tls != null ? "tls://" : "tcp://") + authority();
    }

    public static final class Builder {
        private String host;
        private int port = -1;
        private TlsSettings tls;

        private Builder() {
        }

        private Builder(Endpoint e) {
            host = e.host;
            port = e.port;
            tls = e.tls;
        }

        public Builder host(String h) { host = h; return this; }
        public Builder port(int p) { port = p; return this; }
        /** TLS with these settings; null for plain TCP. */
        public Builder tls(TlsSettings t) { tls = t; return this; }
        public Builder plain() { tls = null; return this; }

        public Endpoint build() {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host: " + (host == null ? "null" : "\"" + host + "\"") + " (expected: a host name or IP literal)");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
            }
            return new Endpoint(this);
        }
    }
}
