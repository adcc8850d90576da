package dev.tether.cli.wire;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest HTTP/1.1 that the lab's naive clients, its servers and the probe need: write a
 * request, read a request or a response head and its body (Content-Length, chunked or until the
 * close). No checks beyond what framing needs (the naive clients are meant to be naive), but
 * the framing is checked: a status line that is not HTTP, a size that is not a number and a body
 * past the caller's limit are {@link IOException}s that say so, never a wrong read or an
 * unbounded buffer.
 */
public final class MiniHttp {

    /** The most a response body may hold unless the caller says otherwise. */
    public static final long MAX_BODY = 64 << 20;

    /** A response body longer than the reader's limit; nothing past the limit was read. */
    public static final class BodyTooLarge extends IOException {
        private final boolean closeDelimited;

        BodyTooLarge(boolean closeDelimited, String message) {
            super(message);
            this.closeDelimited = closeDelimited;
        }

        /** Whether the body had no length and would have ended only with the connection (a stream, perhaps endless). */
        public boolean closeDelimited() {
            return closeDelimited;
        }
    }

    private MiniHttp() {
    }

    /** A request or response head: the first line and the header fields in order. */
    public record Head(String firstLine, List<String[]> fields) {
        public String header(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }

        public boolean hasToken(String name, String token) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    for (String t : f[1].split(",")) {
                        if (t.trim().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /** The status code of a response head. */
        public int status() {
            String[] parts = firstLine.split(" ", 3);
            try {
                return parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        public String version() {
            return firstLine.startsWith("HTTP/") ? firstLine.split(" ", 2)[0] : firstLine.substring(firstLine.lastIndexOf(' ') + 1);
        }
    }

    /** A response: its head, its body and whether the server meant to keep the connection. */
    public record Response(Head head, byte[] body, boolean keepAlive) {
        public int status() {
            return head.status();
        }
    }

    public static void writeRequest(OutputStream out, String method, String target, String host, List<String[]> headers,
                                    byte[] body) throws IOException {
        StringBuilder sb = new StringBuilder(128);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (body != null || method.equals("POST") || method.equals("PUT")) {
            sb.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    /**
     * Reads a head; {@code firstByte} is a byte the caller already read, or -1.
     *
     * @throws EOFException if the stream ends before the first byte (the peer closed)
     */
    public static Head readHead(InputStream in, int firstByte) throws IOException {
        return readHead(in, firstByte, false);
    }

    /** {@link #readHead(InputStream, int)}; a response's status line is checked before any header is waited for. */
    private static Head readHead(InputStream in, int firstByte, boolean response) throws IOException {
        String first = readLine(in, firstByte);
        while (first.isEmpty()) { // tolerate a stray CRLF between messages
            first = readLine(in, -1);
        }
        if (response && !first.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
            throw new IOException("not an HTTP response: its first line is " + quote(first)
                    + " (expected: HTTP/1.1 followed by a status code)");
        }
        List<String[]> fields = new ArrayList<>();
        for (String line = readLine(in, -1); !line.isEmpty(); line = readLine(in, -1)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            if (fields.size() > 200) {
                throw new IOException("more than 200 header fields");
            }
        }
        return new Head(first, fields);
    }

    /** Reads a response to a request of {@code method}, its body included, up to {@link #MAX_BODY}. */
    public static Response readResponse(InputStream in, String method) throws IOException {
        return readResponse(in, method, MAX_BODY);
    }

    /**
     * Reads a response to a request of {@code method}, its body included.
     *
     * @throws BodyTooLarge if the body is longer than {@code maxBody} bytes (a Content-Length says so,
     *     or more than that arrived)
     * @throws IOException if the first line is not an HTTP/1.x status line, or a size is not a number
     */
    public static Response readResponse(InputStream in, String method, long maxBody) throws IOException {
        Head head;
        do {
            head = readHead(in, -1, true);
        } while (head.status() >= 100 && head.status() < 200 && head.status() != 101);
        boolean http10 = head.version().equals("HTTP/1.0");
        boolean keepAlive = http10 ? head.hasToken("Connection", "keep-alive") : !head.hasToken("Connection", "close");
        int status = head.status();
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if (head.hasToken("Transfer-Encoding", "chunked")) {
            body = readChunked(in, maxBody);
        } else if (head.header("Content-Length") != null) {
            long length = number("Content-Length", head.header("Content-Length"), 10);
            if (length > maxBody) {
                throw new BodyTooLarge(false, "a response body of " + length + " bytes (Content-Length), more than the "
                        + maxBody + " read");
            }
            body = readFully(in, length);
        } else {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1)); // delimited by the close
            if (body.length > maxBody) {
                throw new BodyTooLarge(true, "a response body without a length (it ends when the server closes) that"
                        + " went on past the " + maxBody + " bytes read");
            }
            keepAlive = false;
        }
        return new Response(head, body, keepAlive);
    }

    /** A size field as a number, or an IOException that quotes it. */
    private static long number(String what, String text, int radix) throws IOException {
        String t = text.trim();
        if (t.isEmpty() || t.length() > 15 || !t.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
            throw new IOException("bad " + what + " " + quote(text) + " (expected: a " + (radix == 16 ? "hexadecimal" : "decimal")
                    + " number)");
        }
        return Long.parseLong(t, radix);
    }

    /** A line from the peer as a message shows it: quoted, control characters escaped, cut after 60 characters. */
    public static String quote(String line) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(line.length(), 60); i++) {
            char c = line.charAt(i);
            sb.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.append(line.length() > 60 ? "...\"" : "\"").toString();
    }

    public static byte[] readFully(InputStream in, long length) throws IOException {
        if (length < 0 || length > 64 << 20) {
            throw new IOException("Content-Length " + length + " out of range");
        }
        byte[] b = in.readNBytes((int) length);
        if (b.length < length) {
            throw new EOFException("the peer closed after " + b.length + " of " + length + " body bytes");
        }
        return b;
    }

    private static byte[] readChunked(InputStream in, long maxBody) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(in, -1);
            int semi = line.indexOf(';');
            long size = number("chunk size", semi >= 0 ? line.substring(0, semi) : line, 16);
            if (out.size() + size > maxBody) {
                throw new BodyTooLarge(false, "a chunked response body of more than " + maxBody + " bytes");
            }
            if (size == 0) {
                while (!readLine(in, -1).isEmpty()) {
                    // trailers: ignored
                }
                return out.toByteArray();
            }
            out.write(readFully(in, size));
            readLine(in, -1);
        }
    }

    private static String readLine(InputStream in, int firstByte) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b = firstByte >= 0 ? firstByte : in.read();
        if (b < 0) {
            throw new EOFException("the peer closed the connection before sending a response");
        }
        while (b != '\n') {
            if (b < 0) {
                throw new EOFException("the peer closed the connection in the middle of a line");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
            if (sb.length() > 16 * 1024) {
                throw new IOException("line longer than 16 KiB");
            }
            b = in.read();
        }
        return sb.toString();
    }
}
