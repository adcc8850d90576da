package dev.tether.http.internal;

import dev.tether.http.Headers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * RFC 9112 parsing of a response head and of its framing, strict where leniency lets a response
 * be read two ways (request smuggling, response splitting):
 *
 * <ol>
 *   <li>Status line: {@code HTTP/1.0} or {@code HTTP/1.1}, one space, three digits (100..599),
 *       then nothing or a space and a reason phrase. Anything else is PROTOCOL.</li>
 *   <li>Fields: a token, a colon with no space before it, a value with optional whitespace around
 *       it. A line starting with whitespace (obs-fold), a control character, more fields than the
 *       count limit or more bytes than the section limit are PROTOCOL. Line ends may be CRLF or LF.</li>
 *   <li>Framing ({@link #framing}): no body for HEAD, 1xx, 204 and 304; else Transfer-Encoding
 *       {@code chunked} (only that coding; with a Content-Length as well is PROTOCOL); else one
 *       Content-Length (several fields or list members must all be equal, digits only, at most 18);
 *       else the body runs until the server closes.</li>
 * </ol>
 * Every PROTOCOL failure quotes the offending bytes, escaped and truncated.
 */
public final class Http1 {

    /** {@link #framing} result: the body is chunked. */
    public static final long CHUNKED = -1;
    /** {@link #framing} result: the body ends when the server closes the connection. */
    public static final long UNTIL_CLOSE = -2;

    private Http1() {
    }

    /** Reads one response head (interim or final). */
    public static ResponseHead readHead(Wire w, int maxBytes, int maxCount) throws IOException {
        int[] budget = {maxBytes, maxBytes};
        String statusLine = w.lineInBufferFilling(budget, "status line") ? w.text(0, w.lineStart(), w.lineEnd())
                : w.readLine(budget, "status line");
        int minor = parseVersion(w, statusLine);
        int status = parseStatus(w, statusLine);
        String reason = statusLine.length() <= 13 ? ""
                : status == 200 && statusLine.length() == 15 && statusLine.endsWith("OK") ? "OK" : statusLine.substring(13);
        ResponseHead head = new ResponseHead(minor, status, reason);
        head.headers(readFields(w, budget, maxCount, "header section", head));
        return head;
    }

    /** Reads field lines up to the empty line (a header section or a chunked body's trailers). */
    public static Headers readFields(Wire w, int[] budget, int maxCount, String section) throws IOException {
        return readFields(w, budget, maxCount, section, null);
    }

    /** {@link #readFields(Wire, int[], int, String)}, noting the framing fields in {@code head} if it is given. */
    private static Headers readFields(Wire w, int[] budget, int maxCount, String section, ResponseHead head) throws IOException {
        Headers.Builder b = Headers.builder();
        int count = 0;
        while (true) {
            byte[] line;
            int start;
            int end;
            boolean inBuffer = w.lineInBuffer(budget, section);
            if (inBuffer) {
                // The usual case: parsed from the connection's buffer, with no String per line.
                line = w.buffer();
                start = w.lineStart();
                end = w.lineEnd();
            } else {
                line = w.readLine(budget, section).getBytes(StandardCharsets.ISO_8859_1);
                start = 0;
                end = line.length;
            }
            if (start == end) {
                return b.build();
            }
            if (++count > maxCount) {
                throw w.hooks().protocol("the " + section + " has more than " + maxCount + " fields (the limit) at "
                        + Escape.quote(text(line, start, end)));
            }
            byte first = line[start];
            if (first == ' ' || first == '\t') {
                throw w.hooks().protocol("obsolete line folding (a field line starting with whitespace) in the "
                        + section + ": " + Escape.quote(text(line, start, end)));
            }
            int colon = start;
            while (colon < end && line[colon] != ':') {
                colon++;
            }
            if (colon == end || colon == start) {
                throw w.hooks().protocol("a field line without a name and colon in the " + section + ": "
                        + Escape.quote(text(line, start, end)));
            }
            // The value without the optional whitespace around it (the builder trims too; this
            // spares it a copy). Anything else at its ends is left for the builder's check.
            int from = colon + 1;
            int to = end;
            while (from < to && (line[from] == ' ' || line[from] == '\t')) {
                from++;
            }
            while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
                to--;
            }
            try {
                // The builder checks the name (token characters) and the value (no control
                // characters) in one pass each; its refusal is the server's protocol error here.
                // From the buffer: the Strings of the connection's last response when the bytes
                // are the same (slots 1.. by field position; 0 is the status line's).
                String name;
                int kind;
                if (inBuffer) {
                    name = w.text(2 * count - 1, start, colon);
                    kind = w.lastKind();
                } else {
                    name = text(line, start, colon);
                    kind = Wire.kindOf(name);
                }
                String value = inBuffer ? w.text(2 * count, from, to) : text(line, from, to);
                b.add(name, value);
                if (head != null && kind != Wire.OTHER) {
                    head.note(kind, value.trim()); // as the builder keeps it
                }
            } catch (IllegalArgumentException bad) {
                throw w.hooks().protocol((bad.getMessage().startsWith("header name")
                        ? "an invalid character in a field name in the " : "a control character in a field value in the ")
                        + section + ": " + Escape.quote(text(line, start, end)));
            }
        }
    }

    private static String text(byte[] b, int from, int to) {
        return from == to ? "" : new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static int parseVersion(Wire w, String line) throws IOException {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || (line.charAt(7) != '0' && line.charAt(7) != '1')) {
            throw w.hooks().protocol("an invalid status line (expected \"HTTP/1.1 200 OK\"): " + Escape.quote(line));
        }
        return line.charAt(7) - '0';
    }

    private static int parseStatus(Wire w, String line) throws IOException {
        int s = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw w.hooks().protocol("an invalid status code in the status line: " + Escape.quote(line));
            }
            s = s * 10 + (c - '0');
        }
        if (s < 100 || s > 599 || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw w.hooks().protocol("an invalid status code in the status line: " + Escape.quote(line));
        }
        return s;
    }

    /**
     * How the body of {@code head} is delimited: its length (0: no body), {@link #CHUNKED} or
     * {@link #UNTIL_CLOSE}.
     */
    public static long framing(Wire w, ResponseHead head, boolean headRequest) throws IOException {
        int s = head.status();
        Headers h = head.headers();
        // The first of each, noted while the section was parsed (what h.first would find).
        String te = head.transferEncoding;
        String cl = head.contentLength;
        if (headRequest || s < 200 || s == 204 || s == 304) {
            // Still refuse the contradictions: they say the response cannot be trusted at all.
            if (te != null && cl != null) {
                throw w.hooks().protocol("both Transfer-Encoding and Content-Length: " + Escape.quote("Transfer-Encoding: " + te
                        + ", Content-Length: " + cl));
            }
            if (cl != null) {
                contentLength(w, head);
            }
            return 0;
        }
        if (te != null) {
            if (cl != null) {
                throw w.hooks().protocol("both Transfer-Encoding and Content-Length: " + Escape.quote("Transfer-Encoding: " + te
                        + ", Content-Length: " + cl));
            }
            java.util.List<String> all = h.all("Transfer-Encoding");
            String joined = String.join(",", all);
            String[] codings = joined.split(",");
            if (codings.length != 1 || !codings[0].trim().equalsIgnoreCase("chunked")) {
                throw w.hooks().protocol("an unsupported Transfer-Encoding (only chunked is accepted): "
                        + Escape.quote(joined));
            }
            return CHUNKED;
        }
        if (cl != null) {
            return contentLength(w, head);
        }
        return UNTIL_CLOSE;
    }

    private static long contentLength(Wire w, ResponseHead head) throws IOException {
        if (head.contentLengths == 1) {
            return contentLength(w, head.headers(), head.contentLength, -1); // the usual single field: no scan
        }
        Headers h = head.headers();
        long length = -1;
        for (int f = 0; f < h.size(); f++) {
            if (h.name(f).equalsIgnoreCase("Content-Length")) {
                length = contentLength(w, h, h.value(f), length);
            }
        }
        return length;
    }

    /** The length one Content-Length field states, which must equal {@code length} unless that is -1 (none yet). */
    private static long contentLength(Wire w, Headers h, String field, long length) throws IOException {
        // Comma-separated members, each trimmed.
        int at = 0;
        while (at <= field.length()) {
            int stop = FieldList.stop(field, at);
            int a = FieldList.trimmedStart(field, at, stop);
            int z = FieldList.trimmedEnd(field, a, stop);
            if (a == z || z - a > 18) {
                throw w.hooks().protocol("an invalid Content-Length: " + Escape.quote(field));
            }
            long n = 0;
            for (int i = a; i < z; i++) {
                char c = field.charAt(i);
                if (c < '0' || c > '9') {
                    throw w.hooks().protocol("an invalid Content-Length: " + Escape.quote(field));
                }
                n = n * 10 + (c - '0');
            }
            if (length >= 0 && n != length) {
                throw w.hooks().protocol("several differing Content-Length values: "
                        + Escape.quote(String.join(", ", h.all("Content-Length"))));
            }
            length = n;
            at = stop + 1;
        }
        return length;
    }

    /** Parses a chunk-size line (hex digits, optional extensions after ';'). */
    public static long chunkSize(Wire w, String line) throws IOException {
        int end = line.indexOf(';');
        String hex = (end >= 0 ? line.substring(0, end) : line);
        // Whitespace before the ';' is tolerated (RFC 9112 BWS), never inside the digits.
        int n = hex.length();
        while (n > 0 && (hex.charAt(n - 1) == ' ' || hex.charAt(n - 1) == '\t')) {
            n--;
        }
        if (n == 0 || n > 15) {
            throw w.hooks().protocol("an invalid chunk size: " + Escape.quote(line));
        }
        long size = 0;
        for (int i = 0; i < n; i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0 || hex.charAt(i) > 'f') {
                throw w.hooks().protocol("an invalid chunk size: " + Escape.quote(line));
            }
            size = size * 16 + d;
        }
        return size;
    }
}
