package dev.tether.cli.wire;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest RESP that the lab's naive Redis clients, its admin connection and the probe need:
 * write a command as an array of bulk strings, read one reply of RESP2 or RESP3. Bulk strings
 * arrive as UTF-8 {@code String}s, integers as {@code Long}, errors as {@link Err} (a value, not
 * an exception: the connection is fine), maps as {@code Map}, arrays, sets and pushes as
 * {@code List}, nulls as null; attributes are skipped. Framing is checked: an unknown type byte,
 * a length that is not a number, a value or an array past the limits below, or nesting deeper
 * than {@link #MAX_DEPTH} are {@link IOException}s that say so, never a wrong read or an
 * unbounded buffer. Messages name a command by its name only: its arguments may hold a password.
 */
public final class MiniResp {
    /** The largest bulk string read (CLIENT LIST of a busy server is the largest the lab asks for). */
    public static final int MAX_BULK = 16 << 20;
    public static final int MAX_ELEMENTS = 1 << 20;
    public static final int MAX_DEPTH = 16;
    private static final int MAX_LINE = 64 * 1024;

    /** An error reply: {@code -ERR ...}, {@code -NOPERM ...}, {@code -WRONGPASS ...}; the text without its {@code -}. */
    public record Err(String text) {
        /** The first word, the part clients switch on: ERR, NOPERM, NOAUTH, WRONGPASS, ... */
        public String prefix() {
            int sp = text.indexOf(' ');
            return sp < 0 ? text : text.substring(0, sp);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private MiniResp() {
    }

    /** Writes {@code args} as one command (an array of bulk strings) and flushes. */
    public static void write(OutputStream out, List<String> args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        out.write(b.toByteArray());
        out.flush();
    }

    /** Reads one reply. */
    public static Object read(InputStream in) throws IOException {
        return read(in, 0);
    }

    private static Object read(InputStream in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("a reply nested deeper than " + MAX_DEPTH + " levels");
        }
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the server closed the connection before its reply");
        }
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Err(line);
            case '!': { // RESP3 blob error
                Object text = bulk(in, line);
                return text == null ? new Err("") : new Err((String) text);
            }
            case ':':
                return number(line, "integer");
            case '$':
                return bulk(in, line);
            case '=': {
                String s = (String) bulk(in, line);
                return s != null && s.length() >= 4 ? s.substring(4) : s; // verbatim: "txt:" first
            }
            case '*':
            case '~':
            case '>': {
                long n = count(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) {
                    items.add(read(in, depth + 1));
                }
                return items;
            }
            case '%': {
                long n = count(line);
                Map<Object, Object> map = new LinkedHashMap<>();
                for (long i = 0; i < n; i++) {
                    map.put(read(in, depth + 1), read(in, depth + 1));
                }
                return map;
            }
            case '|': { // attributes precede the reply they describe: skipped
                long n = count(line);
                for (long i = 0; i < 2 * n; i++) {
                    read(in, depth + 1);
                }
                return read(in, depth);
            }
            case '_':
                return null;
            case '#':
                return line.equals("t");
            case ',':
            case '(':
                return line;
            default:
                throw new IOException("not a RESP reply: it starts with " + MiniHttp.quote((char) type + line));
        }
    }

    private static Object bulk(InputStream in, String line) throws IOException {
        long n = number(line, "bulk length");
        if (n < 0) {
            return null;
        }
        if (n > MAX_BULK) {
            throw new IOException("a bulk string of " + n + " bytes, more than the " + MAX_BULK + " read");
        }
        byte[] data = in.readNBytes((int) n);
        if (data.length < n || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("the reply ended inside a bulk string");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    private static long count(String line) throws IOException {
        long n = number(line, "length");
        if (n > MAX_ELEMENTS) {
            throw new IOException("an aggregate of " + n + " elements, more than the " + MAX_ELEMENTS + " read");
        }
        return n;
    }

    private static long number(String line, String what) throws IOException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new IOException("a RESP " + what + " that is not a number: " + MiniHttp.quote(line));
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection inside a reply");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("a RESP line not ended by CRLF: " + MiniHttp.quote(sb.toString()));
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("a RESP line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) b);
        }
    }

    /** The value of {@code field} in an {@code INFO} reply ({@code field:value} lines), or null. */
    public static String info(Object reply, String field) {
        if (!(reply instanceof String text)) {
            return null;
        }
        for (String line : text.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }
}
