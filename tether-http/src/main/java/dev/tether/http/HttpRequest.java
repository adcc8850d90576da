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
 * never reaches the wire.
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

    private HttpRequest(Builder b, String target) {
        this.target = target;
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers == null ? Headers.EMPTY : b.headers.build();
        this.body = b.body;
        this.timeout = b.timeout;
        this.idempotent = b.idempotent;
        this.expectContinue = b.expectContinue;
    }

    public static Builder builder(URI uri) {
        return new Builder().uri(uri);
    }

    public static Builder builder(String uri) {
        return builder(URI.create(uri));
    }

    /** A GET of {@code uri}. */
    public static HttpRequest get(String uri) {
        return builder(uri).build();
    }

    /** A POST of {@code body} to {@code uri}. */
    public static HttpRequest post(String uri, RequestBody body) {
        return builder(uri).method("POST", body).build();
    }

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

    public String method() { return method; }

    public URI uri() { return uri; }

    /**
     * The request target as it goes on the wire: the URI's path (or "/") and query, in ASCII, with
     * every character beyond ASCII percent-encoded as UTF-8 ({@code /été} is {@code /%C3%A9t%C3%A9}).
     */
    public String target() { return target; }

    public Headers headers() { return headers; }

    /** The body, or null. */
    public RequestBody body() { return body; }

    /** The whole-request deadline for this request (connect, send, response head and body), or null for the client's. */
    public Duration timeout() { return timeout; }

    /**
     * Whether tether may re-send this request after a stale connection failed it: true for the
     * idempotent methods, for a request carrying an {@code Idempotency-Key} header, and when the
     * caller said so with {@link Builder#idempotent(boolean)}.
     */
    public boolean retryable() {
        return idempotent || IDEMPOTENT_METHODS.contains(method) || headers.contains("Idempotency-Key");
    }

    /** Whether the caller declared this request idempotent. */
    public boolean declaredIdempotent() { return idempotent; }

    public boolean expectContinue() { return expectContinue; }

    @Override
    public String toString() {
        return method + " " + Redact.uri(uri);
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

    public static final class Builder {
        private String method = "GET";
        private URI uri;
        /** Made at the first header: most requests add none, and then share {@link Headers#EMPTY}. */
        private Headers.Builder headers;

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

        public Builder uri(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

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

        public Builder GET() { return method("GET", null); }

        public Builder HEAD() { return method("HEAD", null); }

        public Builder DELETE() { return method("DELETE", null); }

        public Builder POST(RequestBody body) { return method("POST", Objects.requireNonNull(body, "body")); }

        public Builder PUT(RequestBody body) { return method("PUT", Objects.requireNonNull(body, "body")); }

        /** Adds a header; a CR, LF or NUL in name or value is refused here. */
        public Builder header(String name, String value) {
            fields().add(name, value);
            return this;
        }

        /** Replaces every header of {@code name}. */
        public Builder setHeader(String name, String value) {
            fields().set(name, value);
            return this;
        }

        public Builder removeHeader(String name) {
            fields().remove(name);
            return this;
        }

        /** A whole-request deadline for this request, replacing the client's {@code requestTimeout}. */
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
         */
        public Builder idempotent(boolean on) {
            this.idempotent = on;
            return this;
        }

        /** Sends {@code Expect: 100-continue} and the body only once the server agreed (or stayed silent for a moment). */
        public Builder expectContinue(boolean on) {
            this.expectContinue = on;
            return this;
        }

        public HttpRequest build() {
            if (uri == null) {
                throw new IllegalArgumentException("uri: null (expected: an absolute http or https URI)");
            }
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
            return new HttpRequest(this, target(uri));
        }
    }
}
