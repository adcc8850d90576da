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

    /**
     * A plain TCP endpoint.
     *
     * @param host a host name or IP literal, not blank
     * @param port 1..65535
     * @return the endpoint
     * @throws IllegalArgumentException if the host is blank or the port out of range
     */
    public static Endpoint of(String host, int port) {
        return builder().host(host).port(port).build();
    }

    /**
     * A TLS endpoint with {@link TlsSettings#DEFAULT}.
     *
     * @param host a host name or IP literal, not blank; also the name verified and sent in SNI
     * @param port 1..65535
     * @return the endpoint
     * @throws IllegalArgumentException if the host is blank or the port out of range
     */
    public static Endpoint tls(String host, int port) {
        return builder().host(host).port(port).tls(TlsSettings.DEFAULT).build();
    }

    /**
     * Starts an endpoint; host and port have no default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts an endpoint from this one.
     *
     * @return a builder holding this endpoint's values
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The host, as given (compared without regard to case).
     *
     * @return the host name or IP literal
     */
    public String host() { return host; }

    /**
     * The port.
     *
     * @return 1..65535
     */
    public int port() { return port; }

    /**
     * How to speak TLS.
     *
     * @return the TLS settings, or null for plain TCP
     */
    public TlsSettings tls() { return tls; }

    /**
     * Whether the endpoint speaks TLS.
     *
     * @return true when {@link #tls()} is not null
     */
    public boolean isTls() { return tls != null; }

    /**
     * {@code host:port}, with brackets around an IPv6 literal: the form used in every message.
     *
     * @return the authority
     */
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

    /**
     * Collects an endpoint's values; {@link #build()} checks them. Not thread-safe.
     */
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

        /**
         * The host (no default).
         *
         * @param h a host name or IP literal, not blank
         * @return this builder
         */
        public Builder host(String h) { host = h; return this; }

        /**
         * The port (no default).
         *
         * @param p 1..65535
         * @return this builder
         */
        public Builder port(int p) { port = p; return this; }

        /**
         * TLS with these settings (default: none, plain TCP).
         *
         * @param t the settings; null for plain TCP
         * @return this builder
         */
        public Builder tls(TlsSettings t) { tls = t; return this; }

        /**
         * Plain TCP: no TLS.
         *
         * @return this builder
         */
        public Builder plain() { tls = null; return this; }

        /**
         * Checks the values and builds the endpoint.
         *
         * @return the immutable endpoint
         * @throws IllegalArgumentException if the host is null or blank, or the port is outside 1..65535
         */
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
