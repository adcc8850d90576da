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
 * Steps 1 and 2 without the caller's fields are the same for every request to a route: they are
 * made once per route in a row, as the bytes they are on the wire ({@link OwnFields}), and shared
 * while the caller's fields replace none of them; the caller's fields and the framing (step 3) are
 * written from the request straight into the connection's buffer ({@link #writeRest}).
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

    /**
     * The fields the client adds before the caller's own (Host, User-Agent, Accept-Encoding, the
     * defaults), as the bytes they are on the wire, and whether they ask to close the connection.
     * Immutable: one is shared by every request whose own fields replace none of them.
     */
    public static final class OwnFields {
        final Route route;
        final boolean decode;
        final boolean firstOrigin;
        /** "Name: value\r\n" for each field, checked as {@link Out#ascii} checks. */
        final byte[] bytes;
        /** Whether one of them is {@code Connection: close}. */
        final boolean close;

        OwnFields(Route route, boolean decode, boolean firstOrigin, Headers fields) {
            this.route = route;
            this.decode = decode;
            this.firstOrigin = firstOrigin;
            int size = 0;
            for (int i = 0; i < fields.size(); i++) {
                size += fields.name(i).length() + 2 + fields.value(i).length() + 2;
            }
            byte[] b = new byte[size];
            int at = 0;
            for (int i = 0; i < fields.size(); i++) {
                at = Out.ascii(fields.name(i), b, at);
                b[at++] = ':';
                b[at++] = ' ';
                at = Out.ascii(fields.value(i), b, at);
                b[at++] = '\r';
                b[at++] = '\n';
            }
            this.bytes = b;
            this.close = fields.hasToken("Connection", "close");
        }
    }

    /** The own fields of the last request that could share them: requests mostly repeat the previous one's. */
    private volatile OwnFields lastOwn;

    /**
     * The fields the client adds before the request's own (see the class comment, steps 1 and 2):
     * the shared bytes when the request's fields replace none of them (the usual case, made once
     * per route in a row), else made for this request.
     *
     * @param firstOrigin whether {@code route} is the origin of the request the caller sent (not one a redirect led to)
     */
    public OwnFields ownFields(HttpRequest req, Route route, boolean decode, boolean firstOrigin) {
        Headers given = req.headers();
        for (int i = 0; i < given.size(); i++) {
            if (replacesOwn(given.name(i))) {
                return new OwnFields(route, decode, firstOrigin, own(given, route, decode, firstOrigin));
            }
        }
        OwnFields f = lastOwn;
        if (f == null || f.decode != decode || f.firstOrigin != firstOrigin || f.route != route && !f.route.equals(route)) {
            f = new OwnFields(route, decode, firstOrigin, own(Headers.EMPTY, route, decode, firstOrigin));
            lastOwn = f;
        }
        return f;
    }

    /** Whether a caller's field of this name takes the place of one the client would add. */
    private boolean replacesOwn(String name) {
        if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("User-Agent")) {
            return true;
        }
        Headers defaults = config.defaultHeaders();
        for (int i = 0; i < defaults.size(); i++) {
            if (defaults.name(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Steps 1 and 2 of the class comment without the caller's own fields. */
    private Headers own(Headers given, Route route, boolean decode, boolean firstOrigin) {
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
        return b.build();
    }

    /**
     * Writes the request's own fields after the client's (framing ones dropped) and the framing
     * the body calls for (step 3 of the class comment), straight from the request into the buffer.
     */
    public static void writeRest(Out out, HttpRequest req) throws java.io.IOException {
        Headers given = req.headers();
        for (int i = 0; i < given.size(); i++) {
            String n = given.name(i);
            if (!n.equalsIgnoreCase("Content-Length") && !n.equalsIgnoreCase("Transfer-Encoding")
                    && !n.equalsIgnoreCase("Expect")) {
                field(out, n, given.value(i));
            }
        }
        RequestBody body = req.body();
        if (body != null) {
            if (body.length() >= 0) {
                field(out, "Content-Length", Long.toString(body.length()));
            } else {
                field(out, "Transfer-Encoding", "chunked");
            }
            if (req.expectContinue()) {
                field(out, "Expect", "100-continue");
            }
        } else if (req.method().equals("POST") || req.method().equals("PUT")) {
            field(out, "Content-Length", "0");
        }
    }

    private static void field(Out out, String name, String value) throws java.io.IOException {
        out.ascii(name);
        out.write(':');
        out.write(' ');
        out.ascii(value);
        out.crlf();
    }

    /** Whether the request's own fields ask to close the connection after this exchange. */
    public static boolean asksClose(HttpRequest req, OwnFields own) {
        return own.close || req.headers().hasToken("Connection", "close");
    }
}
