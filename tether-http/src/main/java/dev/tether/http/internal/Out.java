package dev.tether.http.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A write buffer over a connection's output, so that a request head and a small body leave in one
 * write (one TCP segment) and ASCII is written without allocating.
 */
public final class Out extends OutputStream {
    private final OutputStream raw;
    private final byte[] buf;
    private int n;

    public Out(OutputStream raw, int size) {
        this.raw = raw;
        this.buf = new byte[size];
    }

    /**
     * Writes visible ASCII, space and tab. Anything else is refused, whatever the caller checked
     * before: a character cast to a byte could become a CR or LF and split the request.
     */
    public void ascii(String s) throws IOException {
        int len = s.length();
        if (len <= buf.length - n) {
            n = ascii(s, buf, n); // the usual case: it fits, no check for room per character
            return;
        }
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                throw refused(c);
            }
            if (n == buf.length) {
                flushBuffer();
            }
            buf[n++] = (byte) c;
        }
    }

    /**
     * Puts {@code s} into {@code to} from {@code at}, refused as {@link #ascii(String)} refuses, and
     * returns where it ended. {@code to} must have room.
     */
    static int ascii(String s, byte[] to, int at) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                throw refused(c);
            }
            to[at++] = (byte) c;
        }
        return at;
    }

    private static IllegalArgumentException refused(char c) {
        return new IllegalArgumentException("refused to write U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c)
                + " into a request head: only visible ASCII, space and tab may be sent");
    }

    public void crlf() throws IOException {
        if (n + 2 > buf.length) {
            flushBuffer();
        }
        buf[n++] = '\r';
        buf[n++] = '\n';
    }

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) {
            flushBuffer();
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - n) {
            flushBuffer();
            if (len >= buf.length) {
                raw.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void flushBuffer() throws IOException {
        if (n > 0) {
            int k = n;
            n = 0; // dropped even if the write fails: the connection is discarded then
            raw.write(buf, 0, k);
        }
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        raw.flush();
    }

    /** Forgets unwritten bytes (an attempt that failed). */
    public void reset() {
        n = 0;
    }

    @Override
    public void close() {
        // the connection's fate is decided by its lease
    }

    /** Chunked transfer coding over this buffer; {@link #close()} writes the last chunk. */
    public OutputStream chunked() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return;
                }
                ascii(Integer.toHexString(len));
                crlf();
                Out.this.write(b, off, len);
                crlf();
            }

            @Override
            public void close() throws IOException {
                ascii("0");
                crlf();
                crlf();
            }
        };
    }
}
