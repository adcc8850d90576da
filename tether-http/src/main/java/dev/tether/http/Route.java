package dev.tether.http;

import java.net.URI;
import java.util.Locale;

/**
 * Where requests go and connections are pooled together: scheme, host and port. Immutable; scheme
 * and host are kept in lower case, so equal routes compare equal whatever the URI's case.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   the host name or IP literal (an IPv6 literal without brackets)
 * @param port   1..65535
 */
public record Route(String scheme, String host, int port) {

    /**
     * Normalizes the case and checks the values.
     *
     * @param scheme {@code http} or {@code https}, any case
     * @param host   the host name or IP literal, any case
     * @param port   1..65535
     * @throws IllegalArgumentException if the scheme is not http or https, or the port is outside 1..65535
     * @throws NullPointerException if the scheme or host is null
     */
    public Route {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme: " + scheme + " (expected: http or https)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /**
     * The route of an absolute http or https URI (default ports 80 and 443).
     *
     * @param uri the URI
     * @return its route
     * @throws IllegalArgumentException if the URI has no host, or is not http or https
     */
    public static Route of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("uri: " + dev.tether.pool.Redact.uri(uri) + " (expected: an absolute http or https URI with a host)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Route(scheme, host, port);
    }

    /**
     * Whether the route speaks TLS.
     *
     * @return true for https
     */
    public boolean isTls() {
        return scheme.equals("https");
    }

    /**
     * The Host header's value: the port only when it is not the scheme's default.
     *
     * @return the value, with brackets around an IPv6 literal
     */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (isTls() ? port == 443 : port == 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader();
    }
}
