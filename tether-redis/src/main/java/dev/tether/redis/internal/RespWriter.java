package dev.tether.redis.internal;

import dev.tether.redis.Command;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The write side of one connection: commands encoded as RESP arrays of bulk strings into a buffer
 * that goes to the socket in one write per flush (a command, or a whole pipeline, in as few TCP
 * segments as its size allows). Strings are encoded as UTF-8 and numbers in decimal straight into
 * the buffer, so encoding a command allocates nothing but, on a name's first use on this
 * connection (or after another name took its place), that name's encoding.
 */
public final class RespWriter {
    private static final byte[] DIGITS_MIN_LONG = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
    /** Room for a bulk string's header ({@code $} and up to 20 digits, CR LF) and its CR LF after. */
    private static final int BULK_FRAME = 25;
    private static final int NAME_SLOTS = 16;

    private final OutputStream raw;
    private final byte[] buf;
    private int n;
    /** Recent command names by the low bits of their hash, and their bulk strings ({@link #name}). */
    private final String[] names = new String[NAME_SLOTS];
    private final byte[][] encodedNames = new byte[NAME_SLOTS][];

    public RespWriter(OutputStream raw, int size) {
        this.raw = raw;
        this.buf = new byte[size];
    }

    /** Appends {@code command} (name and arguments) to the buffer. */
    public void command(Command command) throws IOException {
        int count = command.argCount();
        header('*', count + 1);
        name(command.name());
        for (int i = 0; i < count; i++) {
            arg(command.arg(i));
        }
    }

    /** Appends a command given as a name and arguments (byte[], String or Number). */
    public void command(String name, Object... args) throws IOException {
        header('*', args.length + 1);
        name(name);
        for (Object a : args) {
            arg(a);
        }
    }

    /**
     * A command's name as a bulk string, copied from its encoding when a recent command had the
     * same name: a pipeline repeats a few names many times, and its names are the one part of a
     * command known before it is sent.
     */
    private void name(String name) throws IOException {
        int slot = name.hashCode() & (NAME_SLOTS - 1);
        byte[] encoded = encodedNames[slot];
        if (encoded == null || !name.equals(names[slot])) {
            encoded = ("$" + name.getBytes(StandardCharsets.UTF_8).length + "\r\n" + name + "\r\n").getBytes(StandardCharsets.UTF_8);
            names[slot] = name;
            encodedNames[slot] = encoded;
        }
        write(encoded, 0, encoded.length);
    }

    private void arg(Object a) throws IOException {
        if (a instanceof byte[]) {
            byte[] b = (byte[]) a;
            header('$', b.length);
            write(b, 0, b.length);
            crlf();
        } else if (a instanceof String) {
            string((String) a);
        } else if (a instanceof Long || a instanceof Integer || a instanceof Short || a instanceof Byte) {
            long v = ((Number) a).longValue();
            header('$', decimalLength(v));
            decimal(v);
            crlf();
        } else if (a instanceof Double || a instanceof Float) {
            string(doubleText(((Number) a).doubleValue()));
        } else if (a instanceof BigInteger || a instanceof BigDecimal) {
            string(a instanceof BigDecimal ? ((BigDecimal) a).toPlainString() : a.toString());
        } else {
            // Command checked the types; another Number (AtomicLong...) goes in its decimal form.
            string(String.valueOf(a));
        }
    }

    /** A double as Redis reads it: {@code inf}, {@code -inf}, or a decimal (integral values without ".0"). */
    static String doubleText(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** A bulk string of {@code s} in UTF-8 (a lone surrogate becomes '?', as String.getBytes does). */
    private void string(String s) throws IOException {
        int len = s.length();
        if (len <= buf.length - BULK_FRAME) {
            // Most arguments are ASCII, whose length is their size: written in one pass, and
            // written again below, measured first, only when a character turns out not to be.
            if (buf.length - n < len + BULK_FRAME) {
                flushBuffer();
            }
            int start = n;
            header('$', len);
            int i = 0;
            for (; i < len; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                buf[n++] = (byte) c;
            }
            if (i == len) {
                crlf();
                return;
            }
            n = start;
        }
        int bytes = 0;
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else {
                ascii = false;
                if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else if (Character.isSurrogate(c)) {
                    bytes++;
                } else {
                    bytes += 3;
                }
            }
        }
        header('$', bytes);
        if (ascii) {
            for (int i = 0; i < len; i++) {
                if (n == buf.length) {
                    flushBuffer();
                }
                buf[n++] = (byte) s.charAt(i);
            }
        } else {
            utf8(s);
        }
        crlf();
    }

    private void utf8(String s) throws IOException {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            if (buf.length - n < 4) {
                flushBuffer();
            }
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[n++] = (byte) c;
            } else if (c < 0x800) {
                buf[n++] = (byte) (0xc0 | (c >> 6));
                buf[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[n++] = (byte) (0xf0 | (cp >> 18));
                buf[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[n++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                buf[n++] = '?';
            } else {
                buf[n++] = (byte) (0xe0 | (c >> 12));
                buf[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }

    /** {@code *<count>\r\n} or {@code $<length>\r\n}. */
    private void header(char type, long count) throws IOException {
        if (buf.length - n < 24) {
            flushBuffer();
        }
        buf[n++] = (byte) type;
        decimal(count);
        buf[n++] = '\r';
        buf[n++] = '\n';
    }

    private void crlf() throws IOException {
        if (buf.length - n < 2) {
            flushBuffer();
        }
        buf[n++] = '\r';
        buf[n++] = '\n';
    }

    private void decimal(long v) throws IOException {
        if (buf.length - n < 20) {
            flushBuffer();
        }
        if (v == Long.MIN_VALUE) {
            System.arraycopy(DIGITS_MIN_LONG, 0, buf, n, DIGITS_MIN_LONG.length);
            n += DIGITS_MIN_LONG.length;
            return;
        }
        if (v < 0) {
            buf[n++] = '-';
            v = -v;
        }
        int digits = decimalLength(v);
        int end = n + digits;
        for (int i = end - 1; i >= n; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        n = end;
    }

    static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int len = v < 0 ? 2 : 1;
        long x = Math.abs(v);
        while (x >= 10) {
            x /= 10;
            len++;
        }
        return len;
    }

    private void write(byte[] b, int off, int len) throws IOException {
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

    /** Sends what is buffered. */
    public void flush() throws IOException {
        flushBuffer();
        raw.flush();
    }

    /** Forgets unwritten bytes (an attempt that failed). */
    public void reset() {
        n = 0;
    }
}
