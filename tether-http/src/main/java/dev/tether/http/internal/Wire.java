package dev.tether.http.internal;

import dev.tether.net.ConnectionFailure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The read side of one connection: a buffer over its input, line reading with a byte budget for
 * header sections, and raw body reads that drain the buffer first. Failures come from the
 * {@link Hooks}, so that they carry the connection's history (and tests can use a plain stream).
 */
public final class Wire {

    /** What the wire needs from its connection. */
    public interface Hooks {
        /** Called before each blocking read: lets the owner shorten the read timeout to a request deadline. */
        void beforeRead() throws IOException;

        /** A PROTOCOL failure with {@code detail}. */
        ConnectionFailure protocol(String detail);

        /** The peer ended the stream where more was expected. */
        ConnectionFailure closed(String detail);
    }

    private final InputStream in;
    private final Hooks hooks;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** The last line {@link #lineInBuffer} found. */
    private int lineStart;
    private int lineEnd;

    public Wire(InputStream in, Hooks hooks, int bufferSize) {
        this.in = in;
        this.hooks = hooks;
        this.buf = new byte[bufferSize];
    }

    public Hooks hooks() {
        return hooks;
    }

    /** Bytes already read from the socket and not yet consumed. */
    public int buffered() {
        return limit - pos;
    }

    /** Buffered bytes plus what the socket holds without blocking. */
    public int available() throws IOException {
        return buffered() + Math.max(0, in.available());
    }

    /** Forgets buffered bytes (they belonged to a response that is being discarded). */
    public void clear() {
        pos = limit = 0;
    }

    /** Makes at least one byte buffered; returns false at the end of the stream. */
    public boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        pos = limit = 0;
        hooks.beforeRead();
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    /** Reads body bytes: from the buffer first, large reads straight from the socket. -1 at the end of the stream. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos < limit) {
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (len >= buf.length) {
            hooks.beforeRead();
            return in.read(b, off, len);
        }
        if (!fill()) {
            return -1;
        }
        return read(b, off, len);
    }

    /**
     * The common case of {@link #readLine} without making a String: if a whole line is in the
     * buffer, consumes it (within {@code budget}, refusing a CR or NUL inside it as readLine does)
     * and returns true, its bytes being {@link #buffer()} from {@link #lineStart()} to
     * {@link #lineEnd()} (CR LF excluded) until the next read. Otherwise consumes nothing and
     * returns false: the caller uses readLine.
     */
    public boolean lineInBuffer(int[] budget, String what) throws IOException {
        for (int i = pos; i < limit; i++) {
            if (buf[i] == '\n') {
                int used = i + 1 - pos;
                if (used > budget[0]) {
                    throw tooLong(null, i, what, budget);
                }
                int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                for (int j = pos; j < end; j++) {
                    if (buf[j] == '\r' || buf[j] == 0) {
                        checkControls(new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1), what); // throws
                    }
                }
                budget[0] -= used;
                lineStart = pos;
                lineEnd = end;
                pos = i + 1;
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #lineInBuffer}, first reading from the socket when nothing is buffered (a response's
     * first line, usually): the line is then parsed in the buffer, not copied into a String.
     * False when a partial line is buffered (the caller uses readLine, which joins the pieces).
     */
    public boolean lineInBufferFilling(int[] budget, String what) throws IOException {
        if (lineInBuffer(budget, what)) {
            return true;
        }
        if (pos < limit) {
            return false;
        }
        if (!fill()) {
            throw hooks.closed("the stream ended in the " + what + " after " + Escape.quote("")); // as readLine says it
        }
        return lineInBuffer(budget, what);
    }

    /** Slots of {@link #text}: a connection's responses repeat most of their heads. */
    private static final int RECENT = 32;
    private final String[] recent = new String[RECENT];
    /** The bytes of each slot's String, compared in one vectorized call rather than char by char. */
    private final byte[][] recentBytes = new byte[RECENT][];
    /** The {@link #kindOf} of each slot's String, worked out once per String. */
    private final byte[] recentKinds = new byte[RECENT];
    /** The kind of the name the last {@link #text} call returned. */
    private int lastKind;

    /** {@link #kindOf}: a field that neither framing nor reuse depends on. */
    public static final int OTHER = 0;
    public static final int CONTENT_LENGTH = 1;
    public static final int TRANSFER_ENCODING = 2;
    public static final int CONNECTION = 3;
    public static final int KEEP_ALIVE = 4;
    public static final int CONTENT_ENCODING = 5;

    /** Which of the fields that framing, reuse and decoding read a name is (any case), else {@link #OTHER}. */
    public static int kindOf(String name) {
        switch (name.length()) {
            case 10:
                return name.equalsIgnoreCase("Connection") ? CONNECTION : name.equalsIgnoreCase("Keep-Alive") ? KEEP_ALIVE : OTHER;
            case 14:
                return name.equalsIgnoreCase("Content-Length") ? CONTENT_LENGTH : OTHER;
            case 16:
                return name.equalsIgnoreCase("Content-Encoding") ? CONTENT_ENCODING : OTHER;
            case 17:
                return name.equalsIgnoreCase("Transfer-Encoding") ? TRANSFER_ENCODING : OTHER;
            default:
                return OTHER;
        }
    }

    /**
     * The text of bytes {@code from..to} of {@link #buffer()} (ISO-8859-1): the String this slot
     * gave last time if the bytes are the same (the same server sends the same status line, names
     * and most values on every response of a connection), else a new one, kept for next time.
     * Slots past the last one always make a new String. {@link #lastKind()} then tells the
     * {@link #kindOf kind} of the text as a field name.
     */
    public String text(int slot, int from, int to) {
        int n = to - from;
        if (n == 0) {
            lastKind = OTHER;
            return "";
        }
        if (slot >= RECENT) {
            String s = new String(buf, from, n, StandardCharsets.ISO_8859_1);
            lastKind = kindOf(s);
            return s;
        }
        byte[] b = recentBytes[slot];
        if (b != null && b.length == n && java.util.Arrays.equals(b, 0, n, buf, from, to)) {
            lastKind = recentKinds[slot];
            return recent[slot];
        }
        String r = new String(buf, from, n, StandardCharsets.ISO_8859_1);
        recent[slot] = r;
        if (b != null && b.length == n) {
            System.arraycopy(buf, from, b, 0, n); // a value that changes at the same length (a date, an id)
        } else {
            recentBytes[slot] = java.util.Arrays.copyOfRange(buf, from, to);
        }
        lastKind = kindOf(r);
        recentKinds[slot] = (byte) lastKind;
        return r;
    }

    /** The {@link #kindOf kind} of what the last {@link #text} call returned, read as a field name. */
    public int lastKind() {
        return lastKind;
    }

    /** The buffer {@link #lineInBuffer} found its line in. */
    public byte[] buffer() {
        return buf;
    }

    /** Where the line {@link #lineInBuffer} found begins in {@link #buffer()}. */
    public int lineStart() {
        return lineStart;
    }

    /** Where it ends (exclusive, CR LF excluded). */
    public int lineEnd() {
        return lineEnd;
    }

    /**
     * Reads one line ending in LF (a preceding CR is dropped), as ISO-8859-1. {@code budget[0]}
     * holds the bytes the section may still use and is reduced by the line; going over it is a
     * PROTOCOL failure naming {@code what}. A CR anywhere else, or a NUL, is a PROTOCOL failure.
     * The end of the stream is {@link Hooks#closed}.
     */
    public String readLine(int[] budget, String what) throws IOException {
        StringBuilder spill = null;
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    int used = i + 1 - pos;
                    if (used > budget[0]) {
                        throw tooLong(spill, i, what, budget);
                    }
                    budget[0] -= used;
                    int end = i;
                    if (end > pos && buf[end - 1] == '\r') {
                        end--;
                    }
                    String line;
                    if (spill == null) {
                        line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    } else {
                        spill.append(new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1));
                        line = spill.toString();
                        if (line.endsWith("\r") && end == i) {
                            line = line.substring(0, line.length() - 1);
                        }
                    }
                    pos = i + 1;
                    checkControls(line, what);
                    return line;
                }
            }
            // No LF in the buffer: keep what there is and read more, within the budget.
            int have = limit - pos;
            if (have > budget[0]) {
                throw tooLong(spill, limit, what, budget);
            }
            budget[0] -= have;
            if (have > 0) { // nothing buffered (the usual first read of a response): nothing to keep
                if (spill == null) {
                    spill = new StringBuilder(Math.max(64, have * 2));
                }
                spill.append(new String(buf, pos, have, StandardCharsets.ISO_8859_1));
            }
            pos = limit;
            if (!fill()) {
                throw hooks.closed("the stream ended in the " + what + " after " + Escape.quote(spill == null ? "" : spill));
            }
        }
    }

    private ConnectionFailure tooLong(StringBuilder spill, int upTo, String what, int[] budget) {
        String start = (spill == null ? "" : spill.toString())
                + new String(buf, pos, Math.min(upTo - pos, Escape.MAX), StandardCharsets.ISO_8859_1);
        return hooks.protocol("the " + what + " is larger than its limit (" + budget[1] + " bytes) at " + Escape.quote(start));
    }

    private void checkControls(String line, String what) throws ConnectionFailure {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\r' || c == 0) {
                throw hooks.protocol("a bare " + (c == 0 ? "NUL" : "CR") + " in the " + what + ": " + Escape.quote(line));
            }
        }
    }
}
