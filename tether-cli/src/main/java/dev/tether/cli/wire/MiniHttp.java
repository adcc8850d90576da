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
 * close). No checks beyond what framing needs: the naive clients are meant to be naive.
 */
public final class MiniHttp {

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
        String first = readLine(in, firstByte);
        while (first.isEmpty()) { // tolerate a stray CRLF between messages
            first = readLine(in, -1);
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

    /** Reads a response to a request of {@code method}, its body included. */
    public static Response readResponse(InputStream in, String method) throws IOException {
        Head head;
        do {
            head = readHead(in, -1);
        } while (head.status() >= 100 && head.status() < 200 && head.status() != 101);
        boolean http10 = head.version().equals("HTTP/1.0");
        boolean keepAlive = http10 ? head.hasToken("Connection", "keep-alive") : !head.hasToken("Connection", "close");
        int status = head.status();
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if (head.hasToken("Transfer-Encoding", "chunked")) {
            body = readChunked(in);
        } else if (head.header("Content-Length") != null) {
            body = readFully(in, Long.parseLong(head.header("Content-Length")));
        } else {
            body = in.readAllBytes(); // delimited by the close
            keepAlive = false;
        }
        return new Response(head, body, keepAlive);
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

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(in, -1);
            int semi = line.indexOf(';');
            long size = Long.parseLong((semi >= 0 ? line.substring(0, semi) : line).trim(), 16);
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
