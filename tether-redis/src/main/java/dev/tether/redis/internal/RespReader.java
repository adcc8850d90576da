package dev.tether.redis.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.redis.RedisServerException;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read side of one connection: RESP2 and RESP3 replies decoded from a buffer over its input.
 *
 * <p>Java types: simple string {@code String}; error {@link RedisServerException} (returned, not
 * thrown, so a pipeline keeps one per command); integer {@code Long}; bulk string {@code byte[]},
 * or {@code String} when decoding text; null bulk, null array and RESP3 null {@code null}; array
 * and RESP3 set {@code List}; map {@code LinkedHashMap}; double {@code Double}; boolean
 * {@code Boolean}; big number {@code BigInteger}; verbatim string {@code String} (without its
 * format); push {@link Push}. Attributes are read and dropped.
 *
 * <p>Strict, and bounded by what the server cannot raise: a type byte RESP does not have, a line
 * not ended by CR LF, a length that is not a decimal, a bulk string not followed by CR LF, or an
 * unsupported streamed aggregate is a PROTOCOL failure quoting the bytes; so is a bulk string
 * larger than {@code maxBulkBytes}, an aggregate longer than {@code maxArrayLength}, nesting
 * deeper than {@code maxNestingDepth}, a reply of more than {@code maxReplyBytes} on the wire
 * (checked before each value and before a bulk string's bytes are read, so the limits of its parts
 * cannot multiply), or a line longer than the read buffer. Large bulk strings
 * are read into an array that grows with what actually arrives, so a length the server announces
 * and never sends costs no memory. The end of the stream where a reply was expected is
 * {@link Hooks#closed}.
 */
public final class RespReader {
    /** Bulk strings up to this size are allocated at once; larger ones grow as their bytes arrive. */
    private static final int EAGER_BULK = 1024 * 1024;
    private static final int QUOTE = 40;
    private static final byte[] QUEUED = {'Q', 'U', 'E', 'U', 'E', 'D'};

    /** What the reader needs from its connection: failures that carry the connection's history. */
    public interface Hooks {
        /** A PROTOCOL failure with {@code detail}. */
        ConnectionFailure protocol(String detail);

        /** The peer ended the stream where more was expected. */
        ConnectionFailure closed(String detail);
    }

    /** A RESP3 out-of-band message (pub/sub message, invalidation), not the reply to a command. */
    public record Push(List<Object> items) {
    }

    private final InputStream in;
    private final Hooks hooks;
    private final byte[] buf;
    private final int maxBulk;
    private final int maxArray;
    private final int maxDepth;
    private final long maxReply;
    private int pos;
    private int limit;
    /** Bytes taken from the socket since the connection opened: tells whether a reply had begun. */
    private long received;
    private String command = "";
    /** {@link #position()} where the reply being read started. */
    private long replyStart;

    public RespReader(InputStream in, Hooks hooks, int bufferSize, int maxBulkBytes, int maxArrayLength, int maxNestingDepth,
                      long maxReplyBytes) {
        this.in = in;
        this.hooks = hooks;
        this.buf = new byte[bufferSize];
        this.maxBulk = maxBulkBytes;
        this.maxArray = maxArrayLength;
        this.maxDepth = maxNestingDepth;
        this.maxReply = maxReplyBytes;
    }

    /** Bytes read from the socket and not yet consumed: after a whole reply, bytes the server should not have sent. */
    public int buffered() {
        return limit - pos;
    }

    /** Where the next reply starts, counted in bytes from the start of the stream. */
    public long position() {
        return received - (limit - pos);
    }

    /** Whether any byte beyond {@code position} (a former {@link #position()}) has arrived. */
    public boolean receivedBeyond(long position) {
        return received > position;
    }

    /**
     * Waits for the first byte of the next reply; false at the end of the stream. A read timeout
     * here leaves the reader at a reply boundary (a subscriber uses it to ping an idle server).
     */
    public boolean awaitReply() throws IOException {
        return pos < limit || fill();
    }

    /**
     * Reads one reply.
     *
     * @param text    decode bulk strings as UTF-8 {@code String}s instead of {@code byte[]}
     * @param command the command's name, for the {@link RedisServerException}s of error replies
     */
    public Object read(boolean text, String command) throws IOException {
        this.command = command;
        if (pos == limit && !fill()) {
            throw hooks.closed("the server closed the connection before replying to " + command);
        }
        replyStart = position();
        return value(text, 0);
    }

    private Object value(boolean text, int depth) throws IOException {
        checkReplySize(0);
        byte type = next();
        switch (type) {
            case '+':
                return simpleString();
            case '-':
                return new RedisServerException(command, line("error"));
            case ':':
                return number("integer", Long.MIN_VALUE);
            case '$':
                return bulk(text, "bulk string");
            case '*':
                return list(text, depth, "array");
            case '_':
                crlfAfter("null");
                return null;
            case ',':
                return doubleValue(line("double"));
            case '#': {
                String b = line("boolean");
                if (b.equals("t") || b.equals("f")) {
                    return b.equals("t");
                }
                throw hooks.protocol("a boolean reply " + quoteText("#" + b) + " is neither #t nor #f");
            }
            case '!': {
                return new RedisServerException(command, (String) bulk(true, "bulk error"));
            }
            case '=': {
                String s = (String) bulk(true, "verbatim string");
                if (s.length() < 4 || s.charAt(3) != ':') {
                    throw hooks.protocol("a verbatim string without its three-letter format: " + quoteText(s));
                }
                return s.substring(4);
            }
            case '(': {
                String s = line("big number");
                if (!s.matches("-?[0-9]+")) {
                    throw hooks.protocol("a big number reply " + quoteText("(" + s) + " is not a decimal integer");
                }
                return new BigInteger(s);
            }
            case '%': {
                int n = length("map", maxArray / 2);
                if (n < 0) {
                    throw hooks.protocol("a map of negative size " + n);
                }
                checkDepth(depth, "map");
                Map<Object, Object> m = new LinkedHashMap<>(Math.min(n, 64) * 2);
                for (int i = 0; i < n; i++) {
                    Object k = value(text, depth + 1);
                    m.put(k, value(text, depth + 1));
                }
                return m;
            }
            case '~':
                return list(text, depth, "set");
            case '>': {
                List<Object> items = list(text, depth, "push");
                if (items == null) {
                    throw hooks.protocol("a null push message");
                }
                return new Push(items);
            }
            case '|': {
                // Attributes describe the reply that follows; nothing here uses them. Those in a row
                // are skipped in a loop, not by recursion, and only so many: a server that sends
                // nothing but empty attributes must meet a limit, not exhaust the stack.
                for (int seen = 1; ; seen++) {
                    int n = length("attribute", maxArray / 2);
                    checkDepth(depth, "attribute");
                    for (int i = 0; i < 2 * n; i++) {
                        value(text, depth + 1);
                    }
                    if (peek() != '|') {
                        return value(text, depth);
                    }
                    if (seen == maxDepth) {
                        throw hooks.protocol("more than " + maxDepth + " attributes in a row before a reply (maxNestingDepth)");
                    }
                    next();
                }
            }
            default:
                pos--;
                throw hooks.protocol("a reply starts with " + quoteBytes() + ", which is no RESP type");
        }
    }

    private List<Object> list(boolean text, int depth, String what) throws IOException {
        int n = length(what, maxArray);
        if (n == -1 && what.equals("array")) {
            return null;
        }
        if (n < 0) {
            throw hooks.protocol("a" + (what.equals("array") ? "n " : " ") + what + " of size " + n + " (only an array may be -1, for null)");
        }
        checkDepth(depth, what);
        List<Object> items = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            items.add(value(text, depth + 1));
        }
        return items;
    }

    /** Refuses a reply that, with {@code coming} bytes more, would exceed maxReplyBytes. */
    private void checkReplySize(long coming) throws ConnectionFailure {
        long size = position() - replyStart + coming;
        if (size > maxReply) {
            throw hooks.protocol("a reply to " + command + " of more than " + maxReply + " bytes (maxReplyBytes): "
                    + (coming > 0 ? "a bulk string of " + coming + " bytes would end at byte " + size : size + " bytes so far"));
        }
    }

    private void checkDepth(int depth, String what) throws ConnectionFailure {
        if (depth + 1 > maxDepth) {
            throw hooks.protocol("a " + what + " nested " + (depth + 1) + " deep, deeper than maxNestingDepth " + maxDepth);
        }
    }

    private Object bulk(boolean text, String what) throws IOException {
        int len = length(what, maxBulk);
        if (len == -1 && what.equals("bulk string")) {
            return null;
        }
        if (len < 0) {
            throw hooks.protocol("a " + what + " of length " + len);
        }
        checkReplySize(len);
        Object v;
        if (limit - pos >= len) {
            v = text ? new String(buf, pos, len, StandardCharsets.UTF_8) : Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
        } else {
            byte[] b = readBulk(len, what);
            v = text ? new String(b, StandardCharsets.UTF_8) : b;
        }
        crlfAfter(what);
        return v;
    }

    private byte[] readBulk(int len, String what) throws IOException {
        byte[] out = new byte[Math.min(len, EAGER_BULK)];
        int have = 0;
        while (have < len) {
            if (pos == limit && !fill()) {
                throw hooks.closed("the stream ended after " + have + " of the " + len + " bytes of a " + what);
            }
            if (have == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(len, 2L * out.length));
            }
            int n = Math.min(limit - pos, out.length - have);
            System.arraycopy(buf, pos, out, have, n);
            pos += n;
            have += n;
        }
        return out;
    }

    /** A length line: -1 or 0..max; "?" (a streamed aggregate) is refused. */
    private int length(String what, int max) throws IOException {
        if (peek() == '?') {
            throw hooks.protocol("a streamed " + what + " (length ?), which tether-redis does not accept");
        }
        long n = number(what, true, -1);
        if (n > max) {
            throw hooks.protocol("a " + what + " of " + n + (what.contains("string") || what.contains("error") ? " bytes" : " elements")
                    + ", larger than its limit " + max + " (" + (what.contains("string") || what.contains("error") ? "maxBulkBytes" : "maxArrayLength") + ")");
        }
        return (int) n;
    }

    /** A decimal line, no sign but '-', no leading '+', no spaces, no overflow; at least {@code min}. */
    private long number(String what, long min) throws IOException {
        return number(what, false, min);
    }

    /**
     * A decimal line: {@code what} itself, or with {@code ofLength} the length line of a
     * {@code what}, whose name is made for a message only: a string concatenated per bulk string
     * was 64 bytes of garbage per reply whenever the compiler did not inline this.
     */
    private long number(String what, boolean ofLength, long min) throws IOException {
        int end = lineEnd(what, ofLength);
        int start = pos;
        pos = end + 2;
        int i = start;
        boolean negative = end > i && buf[i] == '-';
        if (negative) {
            i++;
        }
        if (i == end || end - i > 19) {
            throw hooks.protocol("the " + label(what, ofLength) + " " + quote(buf, start, end - start) + " is not a decimal integer");
        }
        // Accumulated as a negative number, whose range reaches Long.MIN_VALUE.
        long v = 0;
        for (; i < end; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw hooks.protocol("the " + label(what, ofLength) + " " + quote(buf, start, end - start) + " is not a decimal integer");
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw hooks.protocol("the " + label(what, ofLength) + " " + quote(buf, start, end - start) + " overflows a 64-bit integer");
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw hooks.protocol("the " + label(what, ofLength) + " " + quote(buf, start, end - start) + " overflows a 64-bit integer");
            }
            v = -v;
        }
        if (v < min) {
            throw hooks.protocol("the " + label(what, ofLength) + " " + v + " is below " + min);
        }
        return v;
    }

    private Double doubleValue(String s) throws ConnectionFailure {
        switch (s) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                if (!s.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                    throw hooks.protocol("a double reply " + quoteText("," + s) + " is not a number");
                }
                return Double.parseDouble(s);
        }
    }

    /**
     * A simple string; the ones that answer most commands are shared rather than made per reply:
     * a pipeline of 100 SETs is 100 OKs, a transaction a QUEUED per command.
     */
    private String simpleString() throws IOException {
        int end = lineEnd("simple string");
        int len = end - pos;
        String s;
        if (len == 2 && buf[pos] == 'O' && buf[pos + 1] == 'K') {
            s = "OK";
        } else if (len == 6 && Arrays.equals(buf, pos, end, QUEUED, 0, 6)) {
            s = "QUEUED";
        } else {
            s = latin1OrUtf8(buf, pos, len);
        }
        pos = end + 2;
        return s;
    }

    /** A line's text (ISO-8859-1 for ASCII speed, UTF-8 when a byte is not ASCII), its CR LF consumed. */
    private String line(String what) throws IOException {
        int end = lineEnd(what);
        String s = latin1OrUtf8(buf, pos, end - pos);
        pos = end + 2;
        return s;
    }

    private static String latin1OrUtf8(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                return new String(b, off, len, StandardCharsets.UTF_8);
            }
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /**
     * The index of the CR that ends the line starting at {@code pos}, with its LF after it,
     * reading more as needed (moving the line to the buffer's start). A bare CR or LF inside, or a
     * line longer than the buffer, is PROTOCOL.
     */
    private int lineEnd(String what) throws IOException {
        return lineEnd(what, false);
    }

    private int lineEnd(String what, boolean ofLength) throws IOException {
        int from = pos;
        while (true) {
            for (int i = from; i < limit; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    throw hooks.protocol("a bare LF in the " + label(what, ofLength) + " line " + quote(buf, pos, i - pos + 1));
                }
                if (b == '\r') {
                    if (i + 1 < limit) {
                        if (buf[i + 1] != '\n') {
                            throw hooks.protocol("a CR not followed by LF in the " + label(what, ofLength) + " line " + quote(buf, pos, i - pos + 2));
                        }
                        return i;
                    }
                    break; // the LF may come with the next read
                }
            }
            from = Math.max(pos, limit - 1);
            int consumed = pos;
            if (!more()) {
                throw hooks.closed("the stream ended in the " + label(what, ofLength) + " line " + quote(buf, pos, limit - pos));
            }
            from -= consumed - pos;
        }
    }

    private static String label(String what, boolean ofLength) {
        return ofLength ? what + " length" : what;
    }

    /** After a value: exactly CR LF. */
    private void crlfAfter(String what) throws IOException {
        while (limit - pos < 2) {
            if (!more()) {
                throw hooks.closed("the stream ended after a " + what + " without its CR LF");
            }
        }
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw hooks.protocol("a " + what + " is followed by " + quote(buf, pos, Math.min(limit - pos, QUOTE)) + " instead of CR LF");
        }
        pos += 2;
    }

    private byte next() throws IOException {
        if (pos == limit && !fill()) {
            throw hooks.closed("the stream ended in the middle of a reply to " + command);
        }
        return buf[pos++];
    }

    private byte peek() throws IOException {
        if (pos == limit && !fill()) {
            throw hooks.closed("the stream ended in the middle of a reply to " + command);
        }
        return buf[pos];
    }

    /** Reads into an empty buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        pos = limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        received += n;
        limit = n;
        return true;
    }

    /**
     * Reads more while keeping the unconsumed bytes from {@code pos} (moved to the start); a line
     * that fills the whole buffer is refused: lines are the short parts of RESP.
     */
    private boolean more() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            throw hooks.protocol("a line longer than the read buffer (" + buf.length + " bytes) at " + quote(buf, 0, QUOTE));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n <= 0) {
            return false;
        }
        received += n;
        limit += n;
        return true;
    }

    private String quoteBytes() {
        return quote(buf, pos, Math.min(limit - pos, QUOTE));
    }

    private static String quoteText(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return quote(b, 0, b.length);
    }

    /** Bytes from the wire for a message: printable ASCII as is, the rest escaped, at most 40 bytes. */
    static String quote(byte[] b, int off, int len) {
        int n = Math.max(0, Math.min(len, Math.min(QUOTE, b.length - off)));
        StringBuilder sb = new StringBuilder(n + 8).append('"');
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xff;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        sb.append('"');
        return len > n ? sb + "..." : sb.toString();
    }
}
