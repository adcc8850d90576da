package dev.tether.cli.probe;

import dev.tether.pool.Redact;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code tether probe URL} measures, parsed once and checked before anything connects: a
 * scheme, a host, a port from 1 to 65535 (the scheme's default when the URL has none) and the
 * request target. Every message and every output shows the URL through {@link Redact}: its
 * userinfo and query values never appear.
 *
 * @param scheme        lower case
 * @param host          without IPv6 brackets
 * @param port          the URL's, or the scheme's default
 * @param requestTarget the raw path and query sent in the request line, {@code /} at least
 * @param shown         the URL as output shows it, secrets masked
 */
public record ProbeTarget(String scheme, String host, int port, String requestTarget, String shown) {

    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("http", 80, "https", 443, "redis", 6379, "rediss", 6379,
            "postgresql", 5432, "postgres", 5432, "mysql", 3306, "mariadb", 3306);

    /**
     * @throws IllegalArgumentException saying what is wrong with the URL (it is a wrong command line)
     */
    public static ProbeTarget parse(String text) {
        String example = example(text);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason().toLowerCase(Locale.ROOT) + " at index " + e.getIndex()
                    + " of " + Redact.uri(text) + " (expected: " + example + ")");
        }
        String shown = Redact.uri(uri);
        if (uri.getScheme() == null || uri.isOpaque()) {
            throw new IllegalArgumentException("not a URL with a host: " + shown + " (expected: " + example + ")");
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("no host in " + shown + " (expected: " + example + ")");
        }
        if (uri.getHost() == null) {
            // java.net.URI keeps an authority it cannot split into host and port (":-1", ":abc") without a host.
            throw new IllegalArgumentException("bad host or port in " + shown
                    + " (expected: HOST or HOST:PORT with a port from 1 to 65535, as in " + example + ")");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in " + shown + " is out of range (expected: 1 to 65535, or no"
                    + " port for the scheme's default)");
        }
        if (port < 0) {
            port = DEFAULT_PORTS.getOrDefault(scheme, -1);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new ProbeTarget(scheme, host, port, uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery(), shown);
    }

    /** The example an error shows: a Redis URL for what looks like one, else an HTTP one. */
    private static String example(String text) {
        return text != null && text.regionMatches(true, 0, "redis", 0, 5) ? "a URL such as redis://127.0.0.1:6379"
                : "a URL such as http://127.0.0.1:8080/health";
    }

    public boolean tls() {
        return scheme.equals("https") || scheme.equals("rediss");
    }

    /** The {@code Host} header: the port only when it is not the scheme's default. */
    public String authority() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == DEFAULT_PORTS.getOrDefault(scheme, -1) ? h : h + ":" + port;
    }

    /**
     * The same host, port and path without TLS ({@code http://}, {@code redis://}; no query), as
     * advice shows it when a server does not speak TLS.
     */
    public String asPlain() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        String path = requestTarget.split("\\?", 2)[0];
        return scheme.equals("rediss") ? "redis://" + h + ":" + port + (path.equals("/") ? "" : path) : "http://" + h + ":" + port + path;
    }

    /** The same host and port with TLS ({@code rediss://}), as advice shows it when a plain probe meets a TLS port. */
    public String asTls() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "rediss://" + h + ":" + port;
    }

    @Override
    public String toString() {
        return shown;
    }
}
