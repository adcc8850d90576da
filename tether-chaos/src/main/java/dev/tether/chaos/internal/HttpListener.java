package dev.tether.chaos.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The control API's HTTP/1.1 server: as much of RFC 9112 as Toxiproxy's clients, curl and the
 * JDK's clients use, built so that no client can hold up another (the JDK's HttpServer reads a
 * request head without any timeout, on a thread of its fixed pool).
 *
 * <ol>
 *   <li>One accept thread gives each connection a thread of its own, up to
 *       {@link Limits#maxConnections()} at once; past that a new connection is answered 503 and
 *       closed, so a crowd of stalled clients is refused rather than queued.</li>
 *   <li>Every read has a deadline, not just a timeout per read (a client sending one byte at a
 *       time gains nothing): the first byte of a request within the idle timeout (on a new
 *       connection, the head timeout), the whole head within the head timeout of its first byte,
 *       the whole body within the body timeout after the head. A late request is answered 408
 *       and its connection closed; an idle one is closed.</li>
 *   <li>Every response has a deadline too: a watchdog closes the connection when the response
 *       has not left within the write timeout (a client that does not read).</li>
 *   <li>The head is bounded in bytes and fields. Once it is read, {@link Handler#admit} decides on
 *       it alone whether the request may go on; only then is the body read, up to its limit.</li>
 *   <li>A request that breaks the framing is answered 4xx and its connection closed. Otherwise
 *       the connection stays open for the next request, unless the client said
 *       {@code Connection: close} or spoke HTTP/1.0.</li>
 * </ol>
 */
public final class HttpListener implements AutoCloseable {

    /** The bounds on every client. */
    public record Limits(Duration idleTimeout, Duration headTimeout, Duration bodyTimeout, Duration writeTimeout,
                         int maxHeadBytes, int maxHeaderFields, int maxBodyBytes, int maxConnections) {
        /** 30 s idle between requests, 10 s for a head, a body and a response each, 16 KiB heads, 1 MiB bodies, 256 connections. */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(10), 16 * 1024, 100, 1 << 20, 256);
    }

    /** A request: the path percent-decoded, header names in lower case, values in order. */
    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        /** How many times a header was sent. */
        public int count(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? 0 : values.size();
        }
    }

    /** A response: {@code body} null for none (204). */
    public record Response(int status, byte[] body) {
    }

    /** What the server does with requests; no method may throw. */
    public interface Handler {
        /** The answer refusing a request on its head alone (its body is not read yet), or null to go on. */
        Response admit(Request head);

        Response handle(Request request);

        /** The answer to a request the server itself refuses (bad framing, too large, too late). */
        Response error(int status, String message);
    }

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"), Map.entry(201, "Created"),
            Map.entry(204, "No Content"), Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(413, "Content Too Large"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"),
            Map.entry(505, "HTTP Version Not Supported"));

    private final ServerSocket server;
    private final Handler handler;
    private final Limits limits;
    private final ThreadPoolExecutor connections;
    private final ScheduledThreadPoolExecutor watchdogs;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HttpListener(ServerSocket server, Handler handler, Limits limits) {
        this.server = server;
        this.handler = handler;
        this.limits = limits;
        this.connections = new ThreadPoolExecutor(0, limits.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Workers.daemon("tether-chaos-api"));
        this.watchdogs = new ScheduledThreadPoolExecutor(1, Workers.daemon("tether-chaos-api-watchdog"));
        this.watchdogs.setRemoveOnCancelPolicy(true);
    }

    /** Listens on {@code address} and serves until closed. */
    public static HttpListener start(InetSocketAddress address, Handler handler, Limits limits) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(address, 50);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        HttpListener listener = new HttpListener(server, handler, limits);
        Workers.start("tether-chaos-api-accept", listener::acceptLoop);
        return listener;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Stops accepting and closes every connection, in the middle of a request or not. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        live.forEach(HttpListener::closeQuietly);
        connections.shutdownNow();
        watchdogs.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                // Closed (the loop ends), or a failed accept (out of file descriptors): not a busy loop.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                continue;
            }
            live.add(socket);
            try {
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException full) {
                try (socket) {
                    write(socket, handler.error(503, "too many connections to the control API (at most "
                            + limits.maxConnections() + "); try again"), false);
                } catch (IOException ignored) {
                    // the client is gone already
                } finally {
                    live.remove(socket);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DeadlineInput deadlines = new DeadlineInput(socket);
            InputStream in = new BufferedInputStream(deadlines);
            boolean first = true;
            while (!closed) {
                deadlines.startPhase(first ? limits.headTimeout() : limits.idleTimeout());
                int b;
                try {
                    b = in.read();
                } catch (SocketTimeoutException idle) {
                    return;
                }
                if (b < 0) {
                    return;
                }
                first = false;
                if (!exchange(socket, in, deadlines, b)) {
                    return;
                }
            }
        } catch (IOException | RejectedExecutionException e) {
            // The client went away, the watchdog closed it, or the listener is closing: nothing to answer.
        } finally {
            live.remove(socket);
        }
    }

    /** One request and its response; returns whether the connection may carry another. */
    private boolean exchange(Socket socket, InputStream in, DeadlineInput deadlines, int firstByte) throws IOException {
        Head head;
        Response response;
        try {
            deadlines.startPhase(limits.headTimeout());
            head = readHead(in, firstByte);
            Response refusal = handler.admit(head.request(new byte[0]));
            if (refusal != null) {
                write(socket, refusal, false);
                return false;
            }
            deadlines.startPhase(limits.bodyTimeout());
            byte[] body = readBody(in, socket, head);
            response = handler.handle(head.request(body));
        } catch (Refused e) {
            write(socket, handler.error(e.status, e.getMessage()), false);
            return false;
        } catch (SocketTimeoutException e) {
            write(socket, handler.error(408, "request not received in time (the head within "
                    + limits.headTimeout().toMillis() + " ms, the body within " + limits.bodyTimeout().toMillis() + " ms)"), false);
            return false;
        }
        write(socket, response, head.keepAlive);
        return head.keepAlive;
    }

    // Reading

    /** A request the server refuses itself, with the status to answer. */
    private static final class Refused extends IOException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private record Head(String method, String path, Map<String, List<String>> headers, boolean keepAlive) {
        Request request(byte[] body) {
            return new Request(method, path, headers, body);
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(",", values);
        }
    }

    private Head readHead(InputStream in, int firstByte) throws IOException {
        int[] budget = {limits.maxHeadBytes()};
        String line = readLine(in, firstByte, budget);
        while (line.isEmpty()) { // RFC 9112 2.2: empty lines before a request line are ignored
            line = readLine(in, -1, budget);
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[0].chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new Refused(400, "bad request line " + Names.quote(line) + " (expected: METHOD /path HTTP/1.1)");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new Refused(parts[2].startsWith("HTTP/") ? 505 : 400, "bad HTTP version " + Names.quote(parts[2])
                    + " (expected: HTTP/1.1 or HTTP/1.0)");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int fields = 0;
        for (line = readLine(in, -1, budget); !line.isEmpty(); line = readLine(in, -1, budget)) {
            if (++fields > limits.maxHeaderFields()) {
                throw new Refused(431, "more than " + limits.maxHeaderFields() + " header fields");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                throw new Refused(400, "bad header line " + Names.quote(line) + " (expected: Name: value)");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        boolean close = headers.getOrDefault("connection", List.of()).stream()
                .flatMap(v -> Stream.of(v.split(","))).anyMatch(token -> token.strip().equalsIgnoreCase("close"));
        boolean keepAlive = parts[2].equals("HTTP/1.1") && !close;
        return new Head(parts[0], path(parts[1]), headers, keepAlive);
    }

    /** The percent-decoded path of an origin-form ({@code /a/b?q}) or absolute-form target. */
    private static String path(String target) throws Refused {
        try {
            URI uri = new URI(target);
            if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
                throw new URISyntaxException(target, "not a path");
            }
            return uri.getPath();
        } catch (URISyntaxException e) {
            throw new Refused(400, "bad request target " + Names.quote(target) + " (expected: a path such as /proxies)");
        }
    }

    private byte[] readBody(InputStream in, Socket socket, Head head) throws IOException {
        String te = head.header("transfer-encoding");
        String cl = head.header("content-length");
        if (te != null && cl != null) {
            throw new Refused(400, "both Transfer-Encoding and Content-Length (expected: one of them)");
        }
        if (te != null && !te.equalsIgnoreCase("chunked")) {
            throw new Refused(501, "Transfer-Encoding: " + Names.quote(te) + " not supported (expected: chunked)");
        }
        long length = 0;
        if (cl != null) {
            if (!cl.matches("[0-9]{1,18}")) {
                throw new Refused(400, "Content-Length: " + Names.quote(cl) + " (expected: one whole number)");
            }
            length = Long.parseLong(cl);
            if (length > limits.maxBodyBytes()) {
                throw new Refused(413, "request body of " + length + " bytes (expected: at most " + limits.maxBodyBytes() + ")");
            }
        }
        if ((te != null || length > 0) && "100-continue".equalsIgnoreCase(head.header("expect"))) {
            socket.getOutputStream().write(CONTINUE);
            socket.getOutputStream().flush();
        }
        if (te != null) {
            return readChunked(in);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the client closed in the middle of the body");
        }
        return body;
    }

    private byte[] readChunked(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int[] budget = {limits.maxHeadBytes()}; // for the size lines and the trailer
        while (true) {
            String line = readLine(in, -1, budget);
            int semicolon = line.indexOf(';');
            String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
            if (!size.matches("[0-9a-fA-F]{1,8}")) {
                throw new Refused(400, "bad chunk size " + Names.quote(size) + " (expected: a hexadecimal number)");
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                while (!readLine(in, -1, budget).isEmpty()) {
                    // a trailer field: ignored
                }
                return body.toByteArray();
            }
            if (body.size() + n > limits.maxBodyBytes()) {
                throw new Refused(413, "request body of more than " + limits.maxBodyBytes() + " bytes (expected: at most "
                        + limits.maxBodyBytes() + ")");
            }
            byte[] chunk = in.readNBytes((int) n);
            if (chunk.length < n) {
                throw new EOFException("the client closed in the middle of a chunk");
            }
            body.write(chunk);
            if (!readLine(in, -1, budget).isEmpty()) {
                throw new Refused(400, "chunk longer than its size");
            }
        }
    }

    /** A line without its CRLF (or LF), at most {@code budget[0]} bytes, which it uses up. */
    private static String readLine(InputStream in, int firstByte, int[] budget) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b = firstByte >= 0 ? firstByte : in.read();
        while (b != '\n') {
            if (b < 0) {
                throw new EOFException("the client closed in the middle of a line");
            }
            if (--budget[0] < 0) {
                throw new Refused(431, "request head larger than its limit");
            }
            if (b == '\r') {
                b = in.read();
                if (b != '\n') {
                    throw new Refused(400, "a CR not followed by LF in the request head");
                }
                break;
            }
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                throw new Refused(400, "a control character (code " + b + ") in the request head");
            }
            sb.append((char) b);
            b = in.read();
        }
        return sb.toString();
    }

    /** The socket's input with a deadline for each phase: every read waits at most until it. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private long deadline;

        DeadlineInput(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        void startPhase(Duration timeout) {
            deadline = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            // Rounded up: a timeout of 0 would mean none.
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            return in.read(b, off, len);
        }
    }

    // Writing

    private void write(Socket socket, Response r, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(128);
        head.append("HTTP/1.1 ").append(r.status()).append(' ').append(REASONS.getOrDefault(r.status(), "Unknown")).append("\r\n");
        if (r.body() != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(r.body().length).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] bytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        ScheduledFuture<?> watchdog = watchdogs.schedule(() -> closeQuietly(socket), limits.writeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            if (r.body() != null) {
                out.write(r.body());
            }
            out.flush();
        } finally {
            watchdog.cancel(false);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
