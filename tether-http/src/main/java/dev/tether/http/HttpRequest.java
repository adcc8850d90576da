package dev.tether.http;

import dev.tether.pool.Redact;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One request: method, absolute {@code http} or {@code https} URI, headers, optional body, and the
 * per-request choices (a whole-request timeout, whether a non-idempotent request may be re-sent,
 * {@code Expect: 100-continue}). Immutable; headers are checked as they are added, so a CR or LF
 * never reaches the wire. Thread-safe, being immutable; one request may be sent many times (a
 * body that is not {@linkplain RequestBody#replayable() replayable} only once).
 */
public final class HttpRequest {

    /** Methods whose repetition has the effect of one request (RFC 9110 section 9.2.2). */
    public static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

    private final String method;
    private final URI uri;
    private final Headers headers;
    private final RequestBody body;
    private final Duration timeout;
    private final boolean idempotent;
    private final boolean expectContinue;
    private final String target;
    private final Route route;

    private HttpRequest(Builder b, Checked checked) {
        this.target = checked.target;
        this.route = checked.route;
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers == null ? Headers.EMPTY : b.headers.build();
        this.body = b.body;
        this.timeout = b.timeout;
        this.idempotent = b.idempotent;
        this.expectContinue = b.expectContinue;
    }

    /**
     * Starts a GET of a URI.
     *
     * @param uri an absolute http or https URI, without user info; checked in {@link Builder#build()}
     * @return a new builder
     * @throws NullPointerException if {@code uri} is null
     */
    public static Builder builder(URI uri) {
        return new Builder().uri(uri);
    }

    /**
     * Starts a GET of a URI.
     *
     * @param uri an absolute http or https URI, without user info; checked in {@link Builder#build()}
     * @return a new builder
     * @throws IllegalArgumentException if the text is not a URI
     */
    public static Builder builder(String uri) {
        Checked c = Checked.recent(uri);
        if (c == null) {
            return builder(URI.create(uri));
        }
        Builder b = builder(c.uri);
        b.checked = c; // build() needs no lookup
        return b;
    }

    /**
     * A GET of a URI.
     *
     * @param uri an absolute http or https URI
     * @return the request
     * @throws IllegalArgumentException if the URI is not one tether can send (see {@link Builder#build()})
     */
    public static HttpRequest get(String uri) {
        return builder(uri).build();
    }

    /**
     * A POST of a body to a URI.
     *
     * @param uri an absolute http or https URI
     * @param body the body, or null for none
     * @return the request
     * @throws IllegalArgumentException if the URI is not one tether can send (see {@link Builder#build()})
     */
    public static HttpRequest post(String uri, RequestBody body) {
        return builder(uri).method("POST", body).build();
    }

    /**
     * Starts a request from this one.
     *
     * @return a builder holding this request's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.method = method;
        b.uri = uri;
        b.headers = headers.toBuilder();
        b.body = body;
        b.timeout = timeout;
        b.idempotent = idempotent;
        b.expectContinue = expectContinue;
        return b;
    }

    /**
     * The method.
     *
     * @return the method, such as {@code GET}
     */
    public String method() { return method; }

    /**
     * The URI, as given.
     *
     * @return the absolute URI
     */
    public URI uri() { return uri; }

    /**
     * The request target as it goes on the wire: the URI's path (or "/") and query, in ASCII, with
     * every character beyond ASCII percent-encoded as UTF-8 ({@code /été} is {@code /%C3%A9t%C3%A9}).
     *
     * @return the request target
     */
    public String target() { return target; }

    /**
     * The caller's headers (the client adds Host, User-Agent and framing when it sends).
     *
     * @return the headers
     */
    public Headers headers() { return headers; }

    /**
     * The body.
     *
     * @return the body, or null for none
     */
    public RequestBody body() { return body; }

    /**
     * The whole-request deadline for this request (connect, send, response head and body).
     *
     * @return the timeout, or null for the client's {@link HttpClientConfig#requestTimeout()}
     */
    public Duration timeout() { return timeout; }

    /**
     * Whether tether may re-send this request after a stale connection failed it: true for the
     * idempotent methods, for a request carrying an {@code Idempotency-Key} header, and when the
     * caller said so with {@link Builder#idempotent(boolean)}.
     *
     * @return whether a retry is allowed by the request's meaning (the body must also be replayable)
     */
    public boolean retryable() {
        return idempotent || IDEMPOTENT_METHODS.contains(method) || headers.contains("Idempotency-Key");
    }

    /**
     * Whether the caller declared this request idempotent.
     *
     * @return the caller's declaration (default false)
     */
    public boolean declaredIdempotent() { return idempotent; }

    /**
     * Whether the request asks for {@code 100 Continue} before its body is sent.
     *
     * @return whether it does (default false)
     */
    public boolean expectContinue() { return expectContinue; }

    /** The route of {@link #uri()}, made once per URI rather than once per send. */
    Route route() { return route; }

    @Override
    public String toString() {
        return method + " " + Redact.uri(uri);
    }

    /**
     * A URI that passed {@link Builder#build()}'s checks, with what the client derives from it.
     * Services send to the same few URIs over and over, and parsing and checking one costs more
     * than the rest of a keep-alive request's Java work put together: so the last few are kept,
     * each in the slot of its text's hash (direct-mapped: a collision replaces, nothing grows).
     * Entries are immutable and published through final fields, so the unsynchronized slots can
     * only ever show a whole entry or a stale one, never a part. A URI is a pure function of its
     * text (every URI, however made, is its string parsed), so the entry of an equal text stands
     * for it; the cached {@code URI} object is handed out again, which is safe because it is
     * immutable. A URI with credentials or a query is checked every time and never kept: the
     * cache is static and outlives requests, and must not hold a password or a token (queries
     * often carry one) after the request that carried it; such URIs also vary from request to
     * request, so keeping them would mostly evict the ones that repeat.
     */
    static final class Checked {
        private static final int SLOTS = 64;
        private static final Checked[] RECENT = new Checked[SLOTS];

        final String text;
        final URI uri;
        final String target;
        final Route route;

        private Checked(String text, URI uri, String target, Route route) {
            this.text = text;
            this.uri = uri;
            this.target = target;
            this.route = route;
        }

        private static int slot(String text) {
            int h = text.hashCode();
            return (h ^ (h >>> 16)) & (SLOTS - 1);
        }

        /** The entry whose text is {@code text}, or null. */
        static Checked recent(String text) {
            Checked c = RECENT[slot(text)];
            return c != null && c.text.equals(text) ? c : null;
        }

        /** The entry of {@code uri} (the same object, or one of the same text), or null. */
        static Checked recent(URI uri) {
            String text = uri.toString();
            Checked c = RECENT[slot(text)];
            return c != null && (c.uri == uri || c.text.equals(text)) ? c : null;
        }

        /** Checks {@code uri} (throwing as {@link Builder#build()} says) and remembers it. */
        static Checked check(URI uri) {
            Checked c = recent(uri);
            if (c != null) {
                return c;
            }
            Builder.checkUri(uri);
            c = new Checked(uri.toString(), uri, target(uri), Route.of(uri));
            if (uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
                RECENT[slot(c.text)] = c;
            }
            return c;
        }
    }

    /** The path and query in ASCII; anything that could end the request line or split it is refused. */
    private static String target(URI uri) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        String raw = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
        StringBuilder sb = null;
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp > 0x20 && cp < 0x7f) {
                if (sb != null) {
                    sb.append((char) cp);
                }
            } else if (cp > 0x7f && !Character.isISOControl(cp) && !Character.isSpaceChar(cp) && !Character.isSurrogate((char) cp)) {
                if (sb == null) {
                    sb = new StringBuilder(raw.length() + 16).append(raw, 0, i);
                }
                for (byte b : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            } else {
                throw new IllegalArgumentException("uri: " + Redact.uri(uri) + " (expected: no space or control character in"
                        + " the path or query, found U+" + String.format(Locale.ROOT, "%04X", cp) + ")");
            }
            i += n;
        }
        return sb == null ? raw : sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Collects a request's values. Not thread-safe; each setter returns this builder.
     */
    public static final class Builder {
        private String method = "GET";
        private URI uri;
        /** Made at the first header: most requests add none, and then share {@link Headers#EMPTY}. */
        private Headers.Builder headers;
        /** What {@link #build()} would find for {@link #uri}, when the caller gave its text and it was known. */
        private Checked checked;

        private Headers.Builder fields() {
            if (headers == null) {
                headers = Headers.builder();
            }
            return headers;
        }
        private RequestBody body;
        private Duration timeout;
        private boolean idempotent;
        private boolean expectContinue;

        private Builder() {
        }

        /**
         * The URI (checked in {@link #build()}).
         *
         * @param uri an absolute http or https URI
         * @return this builder
         * @throws NullPointerException if {@code uri} is null
         */
        public Builder uri(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * The method and its body (default GET with none).
         *
         * @param method an RFC 9110 token, such as {@code PATCH}
         * @param body the body, or null for none
         * @return this builder
         * @throws NullPointerException if {@code method} is null
         * @throws IllegalArgumentException if the method is empty or not a token
         */
        public Builder method(String method, RequestBody body) {
            Objects.requireNonNull(method, "method");
            for (int i = 0; i < method.length(); i++) {
                if (!Headers.isTchar(method.charAt(i))) {
                    throw new IllegalArgumentException("method: \"" + method + "\" (expected: a token such as GET or POST)");
                }
            }
            if (method.isEmpty()) {
                throw new IllegalArgumentException("method: \"\" (expected: a token such as GET or POST)");
            }
            this.method = method;
            this.body = body;
            return this;
        }

        /**
         * A GET, without a body.
         *
         * @return this builder
         */
        public Builder GET() { return method("GET", null); }

        /**
         * A HEAD, without a body.
         *
         * @return this builder
         */
        public Builder HEAD() { return method("HEAD", null); }

        /**
         * A DELETE, without a body.
         *
         * @return this builder
         */
        public Builder DELETE() { return method("DELETE", null); }

        /**
         * A POST of a body.
         *
         * @param body the body
         * @return this builder
         * @throws NullPointerException if {@code body} is null
         */
        public Builder POST(RequestBody body) { return method("POST", Objects.requireNonNull(body, "body")); }

        /**
         * A PUT of a body.
         *
         * @param body the body
         * @return this builder
         * @throws NullPointerException if {@code body} is null
         */
        public Builder PUT(RequestBody body) { return method("PUT", Objects.requireNonNull(body, "body")); }

        /**
         * Adds a header; a CR, LF or NUL in name or value is refused here.
         *
         * @param name an RFC 9110 token
         * @param value visible ASCII, space and tab
         * @return this builder
         * @throws IllegalArgumentException as {@link Headers.Builder#add}
         */
        public Builder header(String name, String value) {
            fields().add(name, value);
            return this;
        }

        /**
         * Replaces every header of a name with one.
         *
         * @param name an RFC 9110 token
         * @param value visible ASCII, space and tab
         * @return this builder
         * @throws IllegalArgumentException as {@link Headers.Builder#add}
         */
        public Builder setHeader(String name, String value) {
            fields().set(name, value);
            return this;
        }

        /**
         * Removes every header of a name.
         *
         * @param name the name, any case
         * @return this builder
         */
        public Builder removeHeader(String name) {
            fields().remove(name);
            return this;
        }

        /**
         * A whole-request deadline for this request, replacing the client's {@code requestTimeout}.
         *
         * @param timeout positive, or null (the default) for the client's
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0, or null for the client's)");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Declares that the server applies this request at most once whatever happens (for example
         * because it deduplicates by a key in the body), so tether may re-send it after a stale
         * connection failed it. The caller's promise; off by default.
         *
         * @param on whether the caller promises it
         * @return this builder
         */
        public Builder idempotent(boolean on) {
            this.idempotent = on;
            return this;
        }

        /**
         * Sends {@code Expect: 100-continue} and the body only once the server agreed (or stayed silent
         * for {@link HttpClientConfig#expectContinueTimeout()}).
         *
         * @param on whether to ask (default false)
         * @return this builder
         */
        public Builder expectContinue(boolean on) {
            this.expectContinue = on;
            return this;
        }

        /**
         * Checks the URI and builds the request.
         *
         * @return the immutable request
         * @throws IllegalArgumentException if the URI is missing, not http or https, has no ASCII host, carries user info, has a port outside 1..65535, or a space or control character in its path or query
         */
        public HttpRequest build() {
            if (uri == null) {
                throw new IllegalArgumentException("uri: null (expected: an absolute http or https URI)");
            }
            return new HttpRequest(this, checked != null && checked.uri == uri ? checked : Checked.check(uri));
        }

        private static void checkUri(URI uri) {
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("uri: " + Redact.uri(uri) + " (expected: scheme http or https)");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("uri: " + Redact.uri(uri) + " (expected: a host name or address in ASCII;"
                        + " write an internationalized name in its xn-- form)");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("uri: " + Redact.uri(uri) + " (expected: no user info; send an Authorization header)");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65_535) {
                throw new IllegalArgumentException("uri: " + Redact.uri(uri) + " (expected: a port from 1 to 65535)");
            }
        }
    }
}
