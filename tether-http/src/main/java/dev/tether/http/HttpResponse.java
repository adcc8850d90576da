package dev.tether.http;

import dev.tether.http.internal.BodyInput;
import dev.tether.http.internal.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A response: status, headers and a body read as a stream, bytes or a string. Close it: a body
 * read to its end has already handed its connection back (close is then free); closing early
 * drains a small remainder that has already arrived, or else discards the connection. A response
 * left open holds its connection, and is reported like a leaked lease when the client's
 * {@code leakDetectionThreshold} is set. A response of {@code HttpClient.sendAndRead} holds its
 * whole body in memory and no connection ({@link #isBuffered()}).
 *
 * <p>When the client added {@code Accept-Encoding} itself, a gzip or deflate body is decoded and
 * {@code Content-Encoding} and {@code Content-Length} are removed from {@link #headers()}.
 */
public final class HttpResponse implements AutoCloseable {
    private final HttpRequest request;
    private final int status;
    private final String reason;
    private final int minorVersion;
    private final Headers headers;
    private final Exchange exchange;   // null once buffered
    private final String decoding;   // "gzip", "deflate" or null
    private InputStream decoded;
    private final byte[] whole;       // the body of a buffered response, else null
    private final Headers bufferedTrailers;

    HttpResponse(HttpRequest request, int minorVersion, int status, String reason, Headers headers, Exchange exchange,
                 boolean transparentDecoding) {
        this.request = request;
        this.status = status;
        this.reason = reason;
        this.minorVersion = minorVersion;
        this.exchange = exchange;
        String enc = transparentDecoding && exchange.rawBody() != null ? headers.first("Content-Encoding") : null;
        String d = null;
        if (enc != null) {
            String e = enc.trim().toLowerCase(Locale.ROOT);
            d = e.equals("gzip") || e.equals("x-gzip") ? "gzip" : e.equals("deflate") ? "deflate" : null;
        }
        this.decoding = d;
        this.headers = d == null ? headers : headers.toBuilder().remove("Content-Encoding").remove("Content-Length").build();
        this.whole = null;
        this.bufferedTrailers = null;
    }

    private HttpResponse(HttpResponse streamed, byte[] whole, Headers trailers) {
        this.request = streamed.request;
        this.status = streamed.status;
        this.reason = streamed.reason;
        this.minorVersion = streamed.minorVersion;
        this.headers = streamed.headers;
        this.exchange = null;
        this.decoding = null;
        this.whole = whole;
        this.bufferedTrailers = trailers;
    }

    /** Reads the whole body (decoded) and returns the same response holding it; a read failure is thrown as is. */
    HttpResponse readWhole() throws IOException {
        byte[] body = bytes();
        return new HttpResponse(this, body, trailers());
    }

    /** Whether the whole body is in memory (a response of {@code sendAndRead}): it holds no connection. */
    public boolean isBuffered() {
        return whole != null;
    }

    public HttpRequest request() { return request; }

    /** The URI this response answers (after redirects, the last one). */
    public java.net.URI uri() { return request.uri(); }

    public int status() { return status; }

    /** The reason phrase as sent (may be empty). */
    public String reason() { return reason; }

    /** "HTTP/1.1" or "HTTP/1.0". */
    public String version() { return "HTTP/1." + minorVersion; }

    public Headers headers() { return headers; }

    /** The first value of {@code name}, or null. */
    public String header(String name) { return headers.first(name); }

    /** Trailer fields of a chunked body, once the body was read to its end; else empty. */
    public Headers trailers() {
        if (whole != null) {
            return bufferedTrailers;
        }
        BodyInput b = exchange.rawBody();
        return b == null ? Headers.EMPTY : b.trailers();
    }

    /** The body as a stream (decoded if the client asked for the encoding). Closing it closes the response. */
    public InputStream body() throws IOException {
        if (whole != null) {
            return new java.io.ByteArrayInputStream(whole);
        }
        if (decoded == null) {
            InputStream raw = exchange.body();
            if ("gzip".equals(decoding)) {
                decoded = new GZIPInputStream(raw, 8192);
            } else if ("deflate".equals(decoding)) {
                decoded = new InflaterInputStream(raw);
            } else {
                decoded = raw;
            }
        }
        return decoded;
    }

    /** The whole body; closes the response. */
    public byte[] bytes() throws IOException {
        if (whole != null) {
            return whole.clone();
        }
        try {
            BodyInput raw = exchange.rawBody();
            if (raw == null) {
                return new byte[0];
            }
            long known = raw.remainingLength();
            if (decoding == null && known >= 0 && known <= Integer.MAX_VALUE - 16) {
                // A length-framed body: read it into an array of exactly its size (readAllBytes
                // would allocate 8 KiB of scratch first, most of a small request's garbage).
                byte[] b = new byte[(int) known];
                int off = 0;
                while (off < b.length) {
                    int n = raw.read(b, off, b.length - off);
                    if (n < 0) {
                        break;
                    }
                    off += n;
                }
                return off == b.length ? b : java.util.Arrays.copyOf(b, off);
            }
            byte[] b = body().readAllBytes();
            if (decoding != null) {
                // A decoder may stop at the end of its data without reading the raw body's end.
                exchange.body().transferTo(java.io.OutputStream.nullOutputStream());
            }
            return b;
        } finally {
            close();
        }
    }

    /** The whole body as text in the charset of Content-Type (UTF-8 when none is named); closes the response. */
    public String string() throws IOException {
        return new String(bytes(), charset());
    }

    private Charset charset() {
        String ct = headers.first("Content-Type");
        if (ct != null) {
            for (String p : ct.split(";")) {
                String t = p.trim();
                if (t.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(t.substring(8).replace("\"", "").trim());
                    } catch (RuntimeException unknown) {
                        break;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** Hands the connection back (body read) or discards it (body not read, beyond a small received remainder). */
    @Override
    public void close() {
        if (exchange != null) {
            exchange.close();
        }
    }

    @Override
    public String toString() {
        return version() + " " + status + " " + reason + " (" + request + ")";
    }

}
