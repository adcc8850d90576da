package dev.tether.cli.lab.support;

import dev.tether.cli.wire.MiniHttp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server embedded in the lab, on 127.0.0.1 and a port the OS picks, that behaves
 * like the servers the failures come from. One thread per connection:
 *
 * <ol>
 *   <li>Wait for the next request until the connection has been idle for the idle timeout; then
 *       close it, with a FIN or, in RST mode, with SO_LINGER 0.</li>
 *   <li>If the first byte of a request arrives within the race window before that deadline, act
 *       as if it arrived after the close: reset the connection with the request unread (what W ms
 *       of network delay does to a real server, see TECHNIQUES.md).</li>
 *   <li>Otherwise read the request, "apply" it (count its X-Request-Id, so that a request applied
 *       twice shows as a duplicate), optionally wait ({@code /slow?ms=N}), and answer
 *       {@code 200 ok}; when armed, apply a POST and reset the connection instead of answering.</li>
 * </ol>
 * {@link #stop()} and {@link #start()} model a restart on the same port; {@link #stall()} a server
 * that hangs before accepting: a listener with backlog 1 that never accepts and whose queue is
 * full, so that new connects time out.
 */
public final class LabServer implements AutoCloseable {
    /** Serialises start, stop, stall and close (they bind and close sockets: a lock, never a monitor). */
    private final java.util.concurrent.locks.ReentrantLock lifecycle = new java.util.concurrent.locks.ReentrantLock();

    private final Duration idleTimeout;
    private final boolean resetOnIdle;
    private final Duration raceWindow;
    private final boolean keepAlive;
    private final Duration advertisedTimeout;
    private final javax.net.ssl.SSLContext tls;

    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger raced = new AtomicInteger();
    private final AtomicInteger armedApplyThenReset = new AtomicInteger();
    private final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile ServerSocket stalled;
    private final List<Socket> fillers = new ArrayList<>();
    private volatile int port;

    private LabServer(Builder b) {
        this.idleTimeout = b.idleTimeout;
        this.resetOnIdle = b.resetOnIdle;
        this.raceWindow = b.raceWindow;
        this.keepAlive = b.keepAlive;
        this.advertisedTimeout = b.advertisedTimeout;
        this.tls = b.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    /** Connections accepted so far (each one the client opened and the server saw). */
    public int accepted() {
        return accepted.get();
    }

    /** Requests reset because they arrived in the race window. */
    public int raced() {
        return raced.get();
    }

    /** Requests applied more than once (same X-Request-Id), counted once per extra application. */
    public int duplicates() {
        int d = 0;
        for (AtomicInteger n : applied.values()) {
            d += Math.max(0, n.get() - 1);
        }
        return d;
    }

    public int appliedCount(String requestId) {
        AtomicInteger n = applied.get(requestId);
        return n == null ? 0 : n.get();
    }

    /** The next POST is applied, then its connection reset before any response byte. */
    public void applyThenResetNextPost() {
        armedApplyThenReset.incrementAndGet();
    }

    /** Listens (again) on 127.0.0.1: port 0 the first time, the same port after a stop. */
    public LabServer start() throws IOException {
        lifecycle.lock();
        try {
            ServerSocket ss = bind(port, 50);
            port = ss.getLocalPort();
            listener = ss;
            Thread t = new Thread(() -> acceptLoop(ss), "lab-server-" + port);
            t.setDaemon(true);
            t.start();
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    /** A shutdown: the listener closes (connects are refused) and live connections get a FIN. */
    public void stop() {
        lifecycle.lock();
        try {
            closeQuietly(listener);
            listener = null;
            for (Socket s : live) {
                closeQuietly(s);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * The server hangs before accepting: live connections are reset, and the port is held by a
     * listener with backlog 1 whose queue two connections fill, so the next SYNs are dropped.
     */
    public void stall() throws IOException {
        lifecycle.lock();
        try {
            closeQuietly(listener);
            listener = null;
            for (Socket s : live) {
                reset(s);
            }
            ServerSocket ss = bind(port, 1);
            stalled = ss;
            for (int i = 0; i < 2; i++) {
                Socket f = new Socket();
                f.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                fillers.add(f);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Ends a stall: the stalled listener goes away and the server accepts again. */
    public void unstall() throws IOException {
        lifecycle.lock();
        try {
            closeQuietly(stalled);
            stalled = null;
            for (Socket f : fillers) {
                closeQuietly(f);
            }
            fillers.clear();
            start();
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Binds 127.0.0.1:port. A listener closed while its accept thread was blocked releases the port
     * only when that thread has left accept(), so a rebind retries for a while.
     */
    private static ServerSocket bind(int port, int backlog) throws IOException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (true) {
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            try {
                ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
                return ss;
            } catch (java.net.BindException e) {
                ss.close();
                if (port == 0 || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            stop();
            closeQuietly(stalled);
            for (Socket f : fillers) {
                closeQuietly(f);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private void acceptLoop(ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            live.add(s);
            Thread t = new Thread(() -> serve(s), "lab-conn-" + port);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket plain) {
        Socket s = plain;
        if (tls != null) {
            try {
                // Server side of TLS over the accepted socket; the handshake runs on the first read.
                javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(plain, null, true);
                ssl.setUseClientMode(false);
                s = ssl;
            } catch (IOException e) {
                closeQuietly(plain);
                return;
            }
        }
        serveOn(s);
    }

    private void serveOn(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            long lastActivity = System.nanoTime();
            while (true) {
                int first;
                if (idleTimeout != null) {
                    long deadline = lastActivity + idleTimeout.toNanos();
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        idleClose(s);
                        return;
                    }
                    s.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    try {
                        first = in.read();
                    } catch (SocketTimeoutException e) {
                        idleClose(s);
                        return;
                    }
                    if (first >= 0 && raceWindow != null && System.nanoTime() - (deadline - raceWindow.toNanos()) >= 0) {
                        raced.incrementAndGet();
                        reset(s); // the request "arrived after the close": unread, answered by an RST
                        return;
                    }
                } else {
                    s.setSoTimeout(0);
                    first = in.read();
                }
                if (first < 0) {
                    return;
                }
                s.setSoTimeout(10_000);
                MiniHttp.Head head = MiniHttp.readHead(in, first);
                String cl = head.header("Content-Length");
                if (cl != null) {
                    MiniHttp.readFully(in, Long.parseLong(cl));
                }
                String[] line = head.firstLine().split(" ");
                String method = line[0];
                String target = line.length > 1 ? line[1] : "/";
                String id = head.header("X-Request-Id");
                if (id != null && method.equals("POST")) { // a repeated GET changes nothing: only POSTs can be duplicated
                    applied.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
                if (method.equals("POST") && armedApplyThenReset.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    reset(s); // applied, then the connection dies before the answer
                    return;
                }
                int slow = target.startsWith("/slow") ? parseMillis(target) : 0;
                if (slow > 0) {
                    Thread.sleep(slow);
                }
                boolean http10 = head.version().equals("HTTP/1.0");
                boolean persist = keepAlive && !head.hasToken("Connection", "close")
                        && (!http10 || head.hasToken("Connection", "keep-alive"));
                StringBuilder resp = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n");
                if (!persist) {
                    resp.append("Connection: close\r\n");
                } else if (advertisedTimeout != null) {
                    resp.append("Keep-Alive: timeout=").append(advertisedTimeout.toSeconds()).append("\r\n");
                }
                resp.append("\r\nok\n");
                out.write(resp.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (!persist) {
                    s.shutdownOutput();
                    drain(in);
                    return;
                }
                lastActivity = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage: this connection is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live.remove(s);
        }
    }

    private void idleClose(Socket s) {
        if (resetOnIdle) {
            reset(s);
        } else {
            closeQuietly(s);
        }
    }

    private static void drain(InputStream in) {
        try {
            while (in.read() >= 0) {
                // wait for the client's close, so the client is the side in TIME_WAIT or not
            }
        } catch (IOException ignored) {
            // reset or timed out: closed either way
        }
    }

    private static int parseMillis(String target) {
        int i = target.indexOf("ms=");
        if (i < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(target.substring(i + 3).replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already
        }
        closeQuietly(s);
    }

    public static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing to do: it is gone
            }
        }
    }

    public static final class Builder {
        private Duration idleTimeout;
        private boolean resetOnIdle;
        private Duration raceWindow;
        private boolean keepAlive = true;
        private Duration advertisedTimeout;
        private javax.net.ssl.SSLContext tls;

        /** Close connections idle this long (none: never). */
        public Builder idleTimeout(Duration d) { idleTimeout = d; return this; }
        /** Close idle connections with an RST instead of a FIN. */
        public Builder resetOnIdle(boolean on) { resetOnIdle = on; return this; }
        /** Reset a request whose first byte arrives this close to the idle deadline. */
        public Builder raceWindow(Duration d) { raceWindow = d; return this; }
        /** Answer {@code Connection: close} to every request when false. */
        public Builder keepAlive(boolean on) { keepAlive = on; return this; }
        /** Send {@code Keep-Alive: timeout=N} with every response. */
        public Builder advertise(Duration d) { advertisedTimeout = d; return this; }
        /** Speak TLS with this context's key (HTTPS); an idle close then sends close_notify before the FIN. */
        public Builder tls(javax.net.ssl.SSLContext context) { tls = context; return this; }

        public LabServer start() throws IOException {
            return new LabServer(this).start();
        }
    }
}
