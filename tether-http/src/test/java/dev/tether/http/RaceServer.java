package dev.tether.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server of the stale-connection scenarios (see TECHNIQUES.md, "A server that races its own
 * idle timer"), on plain sockets:
 *
 * <ol>
 *   <li>Each connection has an idle deadline {@code idle} after its last response. Waiting for a
 *       request past it, the server closes the connection (a FIN).</li>
 *   <li>A request whose first byte arrives within {@code window} of that deadline is treated as
 *       arriving after the close, as a network with that much delay would make it: the server
 *       closes with the request unread, so the kernel sends an RST.</li>
 *   <li>Otherwise it reads the request, counts it as applied under its {@code X-Request-Id}, and
 *       answers 200 (with {@code Keep-Alive: timeout=N} if asked to).</li>
 *   <li>In duplicate mode it resets a reused connection after applying the request, before answering.</li>
 * </ol>
 */
public final class RaceServer implements AutoCloseable {
    private final ServerSocket server;
    private final long idleMillis;
    private final long windowMillis;
    private final String keepAliveHeader;
    private final boolean resetReusedAfterApplying;
    final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger raced = new AtomicInteger();
    /** System.nanoTime() of the last close for idleness (the FIN). */
    public volatile long lastIdleCloseNanos;
    /** Connections closed for idleness. */
    public final AtomicInteger idleClosed = new AtomicInteger();

    public RaceServer(long idleMillis, long windowMillis, String keepAliveHeader, boolean resetReusedAfterApplying) throws IOException {
        this.idleMillis = idleMillis;
        this.windowMillis = windowMillis;
        this.keepAliveHeader = keepAliveHeader;
        this.resetReusedAfterApplying = resetReusedAfterApplying;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "race-server-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public static RaceServer staleRace(boolean keepAliveHeader) throws IOException {
        return new RaceServer(1000, 30, keepAliveHeader ? "Keep-Alive: timeout=1" : null, false);
    }

    public static RaceServer duplicating() throws IOException {
        return new RaceServer(60_000, 0, null, true);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Request ids applied more than once. */
    public long duplicates() {
        return applied.values().stream().filter(n -> n.get() > 1).count();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "race-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            long deadline = System.nanoTime() + idleMillis * 1_000_000L;
            for (int exchange = 1; ; exchange++) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    lastIdleCloseNanos = System.nanoTime();
                    idleClosed.incrementAndGet();
                    return; // idle timeout: FIN
                }
                s.setSoTimeout((int) left);
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException idle) {
                    lastIdleCloseNanos = System.nanoTime();
                    idleClosed.incrementAndGet();
                    return; // idle timeout: FIN
                }
                if (first < 0) {
                    return;
                }
                if (exchange > 1 && (deadline - System.nanoTime()) / 1_000_000L < windowMillis) {
                    raced.incrementAndGet();
                    s.setSoLinger(true, 0);
                    return; // "arrived after the close": RST with the request unread
                }
                s.setSoTimeout(10_000);
                Map<String, String> headers = readHead(in, first);
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                in.readNBytes(length);
                String id = headers.getOrDefault("x-request-id", "none");
                applied.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                if (resetReusedAfterApplying && exchange > 1) {
                    s.setSoLinger(true, 0);
                    return;
                }
                String body = "applied " + id;
                String head = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n"
                        + (keepAliveHeader != null ? keepAliveHeader + "\r\n" : "") + "\r\n";
                out.write((head + body).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                deadline = System.nanoTime() + idleMillis * 1_000_000L;
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static Map<String, String> readHead(InputStream in, int first) throws IOException {
        Map<String, String> headers = new ConcurrentHashMap<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.write(first);
        boolean requestLine = true;
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1).trim();
                line.reset();
                if (l.isEmpty()) {
                    break;
                }
                if (!requestLine) {
                    int colon = l.indexOf(':');
                    headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
                }
                requestLine = false;
            } else {
                line.write(c);
            }
        }
        return headers;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
