package dev.tether.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A request body: its bytes, its length when known (sent as {@code Content-Length}; otherwise the
 * body is sent chunked) and whether it can be sent again. Only a replayable body lets tether retry
 * a request after a stale connection failed it. The bodies made here are immutable; one made
 * from a stream is used by one request, once.
 */
public abstract class RequestBody {

    private RequestBody() {
    }

    /**
     * The body's length.
     *
     * @return the length in bytes, or -1 when unknown (sent chunked)
     */
    public abstract long length();

    /**
     * Whether {@link #writeTo} may be called more than once with the same bytes each time.
     *
     * @return true when the request may be retried with this body
     */
    public abstract boolean replayable();

    /**
     * Writes the whole body. Called once per attempt; more than once only if {@link #replayable()}.
     *
     * @param out the connection's stream; not to be closed
     * @throws IOException if writing fails, or a streamed body's length differs from the one declared (the connection is then discarded)
     */
    public abstract void writeTo(OutputStream out) throws IOException;

    /**
     * The bytes as they are (the array is copied, so later changes to it do not leak in).
     *
     * @param bytes the body
     * @return a replayable body with a known length
     * @throws NullPointerException if {@code bytes} is null
     */
    public static RequestBody of(byte[] bytes) {
        return new Bytes(bytes.clone());
    }

    /**
     * A string in UTF-8.
     *
     * @param text the body
     * @return a replayable body with a known length
     * @throws NullPointerException if {@code text} is null
     */
    public static RequestBody of(String text) {
        return of(text, StandardCharsets.UTF_8);
    }

    /**
     * A string in a charset.
     *
     * @param text the body
     * @param charset its encoding
     * @return a replayable body with a known length
     * @throws NullPointerException if either is null
     */
    public static RequestBody of(String text, Charset charset) {
        return new Bytes(text.getBytes(charset));
    }

    /**
     * A stream read once: not replayable, so a request carrying it is never retried.
     *
     * @param stream the body, read to its end and closed by the request
     * @param length its length, or -1 to send it chunked
     * @return a body that is not replayable
     * @throws NullPointerException     if {@code stream} is null
     * @throws IllegalArgumentException if {@code length} is below -1
     */
    public static RequestBody ofStream(InputStream stream, long length) {
        Objects.requireNonNull(stream, "stream");
        checkLength(length);
        return new Streamed(() -> stream, length, false);
    }

    /**
     * A body that {@code supplier} opens anew for each attempt (a file, a buffer): replayable.
     *
     * @param supplier opens the body; each stream is read to its end and closed
     * @param length   its length, or -1 to send it chunked
     * @return a replayable body
     * @throws NullPointerException     if {@code supplier} is null
     * @throws IllegalArgumentException if {@code length} is below -1
     */
    public static RequestBody ofSupplier(Supplier<? extends InputStream> supplier, long length) {
        Objects.requireNonNull(supplier, "supplier");
        checkLength(length);
        return new Streamed(supplier, length, true);
    }

    private static void checkLength(long length) {
        if (length < -1) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0, or -1 for unknown)");
        }
    }

    private static final class Bytes extends RequestBody {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long length() { return bytes.length; }

        @Override
        public boolean replayable() { return true; }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
        }

        @Override
        public String toString() { return "RequestBody[" + bytes.length + " bytes]"; }
    }

    private static final class Streamed extends RequestBody {
        private final Supplier<? extends InputStream> supplier;
        private final long length;
        private final boolean replayable;

        Streamed(Supplier<? extends InputStream> supplier, long length, boolean replayable) {
            this.supplier = supplier;
            this.length = length;
            this.replayable = replayable;
        }

        @Override
        public long length() { return length; }

        @Override
        public boolean replayable() { return replayable; }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            InputStream in = supplier.get();
            if (in == null) {
                throw new IOException("the request body's supplier returned null");
            }
            try (in) {
                byte[] buf = new byte[8192];
                long sent = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (length >= 0 && sent + n > length) {
                        throw new IOException("the request body is longer than its declared length " + length
                                + " bytes: the connection is discarded so the extra bytes cannot start a request of their own");
                    }
                    out.write(buf, 0, n);
                    sent += n;
                }
                if (length >= 0 && sent != length) {
                    throw new IOException("the request body ended after " + sent + " bytes, before its declared length "
                            + length + ": the connection is discarded");
                }
            }
        }

        @Override
        public String toString() {
            return "RequestBody[" + (length < 0 ? "chunked" : length + " bytes") + (replayable ? ", replayable" : ", once") + "]";
        }
    }

}
