package dev.tether.http.internal;

import dev.tether.http.Headers;

import java.io.IOException;
import java.io.InputStream;

/**
 * A response body as it comes off the wire, delimited by a length, by chunks or by the close of
 * the connection. It reports its end once: {@link Owner#bodyEnded(boolean)} with whether the
 * connection may carry another exchange (a clean end of a length or chunked body), or
 * {@link Owner#bodyFailed} when reading it failed. Closing it before the end is
 * {@link Owner#bodyAbandoned()}.
 *
 * <p>Chunked: 1. read a size line (after the first chunk, the CRLF ending the previous one
 * first); 2. size 0: read the trailer fields, end; 3. else hand out up to that many bytes.
 */
public final class BodyInput extends InputStream {

    /** Who learns how the body ended. */
    public interface Owner {
        void bodyEnded(boolean reusable);

        /** Reading failed: release the connection; returns what to throw (the failure, perhaps explained better). */
        IOException bodyFailed(IOException e);

        void bodyAbandoned();
    }

    private final Wire wire;
    private final Owner owner;
    private final long framing;
    private final int maxTrailerBytes;
    private final int maxTrailerCount;
    private long remaining;      // fixed: bytes left; chunked: bytes left in this chunk
    private boolean firstChunk = true;
    private boolean ended;
    private boolean failed;
    private boolean closed;
    private long read;
    private Headers trailers = Headers.EMPTY;

    public BodyInput(Wire wire, Owner owner, long framing, int maxTrailerBytes, int maxTrailerCount) {
        this.wire = wire;
        this.owner = owner;
        this.framing = framing;
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailerCount = maxTrailerCount;
        this.remaining = framing >= 0 ? framing : 0;
        if (framing == 0) {
            ended = true;
        }
    }

    /** Whether the whole body was read (and the connection handed back). */
    public boolean ended() {
        return ended;
    }

    /** Bytes left of a length-framed body (0 once it ended), or -1 when the length is not known in advance. */
    public long remainingLength() {
        if (ended) {
            return 0;
        }
        return framing >= 0 ? remaining : -1;
    }

    /** Trailer fields of a chunked body, once it ended. */
    public Headers trailers() {
        return trailers;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        if (failed || closed) {
            throw new IOException("the response body was " + (failed ? "already broken" : "closed") + "; it cannot be read any more");
        }
        if (len == 0) {
            return 0;
        }
        try {
            if (framing >= 0) {
                return readFixed(b, off, len);
            }
            if (framing == Http1.CHUNKED) {
                return readChunked(b, off, len);
            }
            int n = wire.read(b, off, len);
            if (n < 0) {
                end(false);
                return -1;
            }
            read += n;
            return n;
        } catch (IOException e) {
            failed = true;
            throw owner.bodyFailed(e);
        } catch (RuntimeException e) {
            failed = true;
            owner.bodyFailed(new IOException(e));
            throw e;
        }
    }

    private int readFixed(byte[] b, int off, int len) throws IOException {
        int n = wire.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw wire.hooks().closed("the response body ended after " + read + " of its " + framing + " bytes");
        }
        remaining -= n;
        read += n;
        if (remaining == 0) {
            // Hand the connection back as soon as the last byte is in, not at the next read.
            end(true);
        }
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            int[] budget = {maxTrailerBytes, maxTrailerBytes};
            if (!firstChunk) {
                String crlf = wire.readLine(budget, "chunk end");
                if (!crlf.isEmpty()) {
                    throw wire.hooks().protocol("chunk data longer than its size, at " + Escape.quote(crlf));
                }
            }
            firstChunk = false;
            String sizeLine = wire.readLine(budget, "chunk size line");
            long size = Http1.chunkSize(wire, sizeLine);
            if (size == 0) {
                trailers = Http1.readFields(wire, budget, maxTrailerCount, "trailer section");
                end(true);
                return -1;
            }
            remaining = size;
        }
        int n = wire.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw wire.hooks().closed("the chunked response body ended inside a chunk after " + read + " bytes");
        }
        remaining -= n;
        read += n;
        return n;
    }

    /**
     * Finishes the body from bytes already received, up to {@code limit} bytes: true if that
     * reached its end (the connection could then be reused). The owner's
     * {@link Wire.Hooks#beforeRead()} refuses to block while draining, which ends the attempt.
     */
    public boolean drain(long limit) {
        if (ended) {
            return true;
        }
        if (failed || closed || framing == Http1.UNTIL_CLOSE || (framing >= 0 && remaining > limit)) {
            return false;
        }
        byte[] scratch = new byte[2048];
        try {
            while (limit > 0 && !ended) {
                int n = read(scratch, 0, (int) Math.min(scratch.length, limit));
                if (n < 0) {
                    break;
                }
                limit -= n;
            }
        } catch (IOException e) {
            return false;
        }
        return ended;
    }

    private void end(boolean reusable) {
        if (!ended) {
            ended = true;
            owner.bodyEnded(reusable);
        }
    }

    @Override
    public int available() throws IOException {
        if (ended || failed || closed) {
            return 0;
        }
        int a = wire.buffered();
        return framing >= 0 ? (int) Math.min(a, remaining) : framing == Http1.CHUNKED ? Math.min(a, (int) Math.min(remaining, Integer.MAX_VALUE)) : a;
    }

    /** Closing before the end discards the connection (or finishes a small buffered remainder). */
    @Override
    public void close() {
        if (ended || failed || closed) {
            return;
        }
        owner.bodyAbandoned();
        closed = true;
    }
}
