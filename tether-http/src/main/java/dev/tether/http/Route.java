package dev.tether.http;

import java.net.URI;
import java.util.Locale;

/** Where requests go and connections are pooled together: scheme, host and port. */
public record Route(String scheme, String host, int port) {

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

    /** The route of an absolute http or https URI (default ports 80 and 443). */
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

    public boolean isTls() {
        return scheme.equals("https");
    }

    /** The Host header's value: the port only when it is not the scheme's default. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (isTls() ? port == 443 : port == 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader();
    }
}
