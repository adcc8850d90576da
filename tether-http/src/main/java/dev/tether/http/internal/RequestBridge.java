package dev.tether.http.internal;

import dev.tether.http.Headers;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.RequestBody;
import dev.tether.http.Route;
import dev.tether.pool.Redact;

import java.util.Locale;


/**
 * Turns the caller's request into what goes on the wire: the request target, and the header
 * fields in the order they are sent.
 *
 * <ol>
 *   <li>Host, unless the caller set one; User-Agent from the config unless the caller set one;
 *       Accept-Encoding when the client decodes bodies and the caller did not ask for an encoding.</li>
 *   <li>The config's default headers whose names the caller did not set, then the caller's own;
 *       default credentials only on the origin of the caller's request, never after a redirect
 *       took it elsewhere.</li>
 *   <li>Framing is the client's to state: the caller's Content-Length, Transfer-Encoding and Expect
 *       are dropped (they could contradict the body sent) and set from the body instead.</li>
 * </ol>
 */
public final class RequestBridge {
    private final HttpClientConfig config;

    public RequestBridge(HttpClientConfig config) {
        this.config = config;
    }

    /** Whether the client decodes this request's response body (and so asks for gzip and deflate). */
    public boolean decodes(HttpRequest req) {
        return config.decompress() && !req.headers().contains("Accept-Encoding") && !req.method().equals("HEAD");
    }

    /** Whether a header of this name is a credential for this client. */
    public boolean isSensitive(String name) {
        return Redact.isSensitiveHeader(name) || config.sensitiveHeaders().contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Every header field to send, Host and framing included.
     *
     * @param firstOrigin whether {@code route} is the origin of the request the caller sent (not one a redirect led to)
     */
    /** The last route's Host value: requests mostly go where the previous one went. */
    private record HostValue(Route route, String value) {
    }

    private volatile HostValue lastHost;

    /** {@link Route#hostHeader()}, made once per route in a row rather than once per request. */
    private String hostHeader(Route route) {
        HostValue h = lastHost;
        if (h == null || !h.route().equals(route)) {
            h = new HostValue(route, route.hostHeader());
            lastHost = h;
        }
        return h.value();
    }

    public Headers headers(HttpRequest req, Route route, boolean decode, boolean firstOrigin) {
        Headers given = req.headers();
        Headers.Builder b = Headers.builder();
        if (!given.contains("Host")) {
            b.add("Host", hostHeader(route));
        }
        if (config.userAgent() != null && !given.contains("User-Agent")) {
            b.add("User-Agent", config.userAgent());
        }
        if (decode) {
            b.add("Accept-Encoding", "gzip, deflate");
        }
        Headers defaults = config.defaultHeaders();
        for (int i = 0; i < defaults.size(); i++) {
            if (!given.contains(defaults.name(i)) && (firstOrigin || !isSensitive(defaults.name(i)))) {
                b.add(defaults.name(i), defaults.value(i));
            }
        }
        for (int i = 0; i < given.size(); i++) {
            String n = given.name(i);
            if (!n.equalsIgnoreCase("Content-Length") && !n.equalsIgnoreCase("Transfer-Encoding")
                    && !n.equalsIgnoreCase("Expect")) {
                b.add(n, given.value(i));
            }
        }
        RequestBody body = req.body();
        if (body != null) {
            if (body.length() >= 0) {
                b.add("Content-Length", Long.toString(body.length()));
            } else {
                b.add("Transfer-Encoding", "chunked");
            }
            if (req.expectContinue()) {
                b.add("Expect", "100-continue");
            }
        } else if (req.method().equals("POST") || req.method().equals("PUT")) {
            b.add("Content-Length", "0");
        }
        return b.build();
    }

}
