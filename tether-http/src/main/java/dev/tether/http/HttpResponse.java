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
 *
 * <p>Not thread-safe: one thread reads the body and closes the response; the status and headers
 * may be read from any thread.
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

    /** @param contentEncoding the first Content-Encoding value of {@code headers}, or null */
    HttpResponse(HttpRequest request, int minorVersion, int status, String reason, Headers headers, String contentEncoding,
                 Exchange exchange, boolean transparentDecoding) {
        this.request = request;
        this.status = status;
        this.reason = reason;
        this.minorVersion = minorVersion;
        this.exchange = exchange;
        String enc = transparentDecoding && exchange.rawBody() != null ? contentEncoding : null;
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

    /**
     * Whether the whole body is in memory (a response of {@code sendAndRead}): it holds no connection.
     *
     * @return true for a buffered response
     */
    public boolean isBuffered() {
        return whole != null;
    }

    /**
     * The request this response answers (after redirects, the last one sent).
     *
     * @return the request
     */
    public HttpRequest request() { return request; }

    /**
     * The URI this response answers (after redirects, the last one).
     *
     * @return the URI
     */
    public java.net.URI uri() { return request.uri(); }

    /**
     * The status code.
     *
     * @return the code, 100..599 (another is a protocol failure)
     */
    public int status() { return status; }

    /**
     * The reason phrase as sent.
     *
     * @return the phrase, possibly empty
     */
    public String reason() { return reason; }

    /**
     * The protocol version of the response.
     *
     * @return "HTTP/1.1" or "HTTP/1.0"
     */
    public String version() { return "HTTP/1." + minorVersion; }

    /**
     * The response's header fields (without Content-Encoding and Content-Length when the body is decoded).
     *
     * @return the headers
     */
    public Headers headers() { return headers; }

    /**
     * The first value of a header.
     *
     * @param name the name, any case
     * @return the value, or null when absent
     */
    public String header(String name) { return headers.first(name); }

    /**
     * Trailer fields of a chunked body, once the body was read to its end.
     *
     * @return the trailers; empty before the end or when there are none
     */
    public Headers trailers() {
        if (whole != null) {
            return bufferedTrailers;
        }
        BodyInput b = exchange.rawBody();
        return b == null ? Headers.EMPTY : b.trailers();
    }

    /**
     * The body as a stream (decoded if the client asked for the encoding). Closing it closes the
     * response. A decoded body that grows more than {@code maxDecompressionRatio} times what
     * arrived (past its first MiB) fails with a {@link ResponseTooLargeException}.
     *
     * @return the body stream, the same on every call (a new one over the bytes for a buffered response)
     * @throws IOException if the body cannot be set up (for example, a gzip header that does not parse)
     */
    public InputStream body() throws IOException {
        if (whole != null) {
            return new java.io.ByteArrayInputStream(whole);
        }
        if (decoded == null) {
            InputStream raw = exchange.body();
            if (decoding == null) {
                decoded = raw;
            } else {
                Counting in = new Counting(raw);
                InputStream d = "gzip".equals(decoding) ? new GZIPInputStream(in, 8192) : new InflaterInputStream(in);
                decoded = new RatioGuard(d, in);
            }
        }
        return decoded;
    }

    /**
     * The whole body, decoded; closes the response. At most {@code maxBodyBytes}: a larger body
     * (whatever its Content-Length says, which is never trusted to size a buffer) fails with a
     * {@link ResponseTooLargeException}, and its connection is discarded.
     *
     * @return the body's bytes (a copy for a buffered response); empty for a response without a body
     * @throws ResponseTooLargeException if the body is larger than the limit
     * @throws dev.tether.net.ConnectionFailure if the connection fails while the body is read
     * @throws IOException               for any other read or decoding failure
     */
    public byte[] bytes() throws IOException {
        if (whole != null) {
            return whole.clone();
        }
        try {
            BodyInput raw = exchange.rawBody();
            if (raw == null) {
                return new byte[0];
            }
            long limit = exchange.config().maxBodyBytes();
            long known = raw.remainingLength();
            if (decoding == null && known > limit) {
                throw tooLarge("its Content-Length is " + known + " bytes");
            }
            if (decoding == null && known >= 0 && known <= EXACT_SIZE_MAX) {
                // A small length-framed body: read it into an array of exactly its size (readAllBytes
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
            // Grown as bytes arrive, never sized by a header.
            InputStream in = body();
            byte[] b = new byte[(int) Math.min(limit + 1, known >= 0 ? Math.min(known, EXACT_SIZE_MAX) : 8192)];
            int off = 0;
            while (true) {
                if (off == b.length) {
                    if (off > limit) {
                        throw tooLarge("it is larger than that");
                    }
                    b = java.util.Arrays.copyOf(b, (int) Math.min(limit + 1, (long) b.length * 2));
                }
                int n = in.read(b, off, b.length - off);
                if (n < 0) {
                    break;
                }
                off += n;
                if (off > limit) {
                    throw tooLarge("it is larger than that");
                }
            }
            if (decoding != null) {
                // A decoder may stop at the end of its data without reading the raw body's end.
                exchange.body().transferTo(java.io.OutputStream.nullOutputStream());
            }
            return off == b.length ? b : java.util.Arrays.copyOf(b, off);
        } finally {
            close();
        }
    }

    private static final int EXACT_SIZE_MAX = 64 * 1024;

    /** Refuses the body, discarding the connection (the rest of the body is never read). */
    private ResponseTooLargeException tooLarge(String why) {
        exchange.discard();
        return new ResponseTooLargeException("the response to " + request + " was refused: " + why + ", and"
                + " HttpClientConfig.maxBodyBytes is " + exchange.config().maxBodyBytes() + " bytes; read a body this"
                + " large as a stream with HttpResponse.body(), or raise maxBodyBytes if it is expected");
    }

    /** Counts the encoded bytes a decoder consumed. */
    private static final class Counting extends java.io.FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Fails a decoded body that grows far beyond what arrived: a decompression bomb. */
    private final class RatioGuard extends java.io.FilterInputStream {
        private static final long FREE = 1024 * 1024;
        private final Counting encoded;
        private long decodedBytes;

        RatioGuard(InputStream decoded, Counting encoded) {
            super(decoded);
            this.encoded = encoded;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                decodedBytes += n;
                int ratio = exchange.config().maxDecompressionRatio();
                if (decodedBytes > FREE && decodedBytes > ratio * Math.max(1, encoded.count)) {
                    exchange.discard();
                    throw new ResponseTooLargeException("the response to " + request + " was refused: its "
                            + decoding + " body decodes to more than " + ratio + " times the " + encoded.count
                            + " bytes that arrived (" + decodedBytes + " so far), which is a decompression bomb, not a"
                            + " document; HttpClientConfig.maxDecompressionRatio sets the limit");
                }
            }
            return n;
        }
    }

    /**
     * The whole body as text in the charset of Content-Type (UTF-8 when none is named); closes the response.
     *
     * @return the body's text
     * @throws ResponseTooLargeException if the body is larger than {@link HttpClientConfig#maxBodyBytes()}
     * @throws IOException as {@link #bytes()}
     */
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
