package dev.tether.micrometer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 server on loopback for these tests: answers {@code METHOD ok}. After
 * {@link #hold(int) hold(n)}, the next n requests to {@code /slow} are held until {@link #release()}
 * (or 30 s), so that a test can kill their connections while they are in flight; later ones (the
 * retries) are answered at once.
 */
final class TinyHttpServer implements AutoCloseable {
    private final ServerSocket server;
    final AtomicInteger slowArrived = new AtomicInteger();
    private final AtomicInteger toHold = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);

    TinyHttpServer() throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "tiny-http-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Holds the next {@code n} requests to /slow until {@link #release()}. */
    void hold(int n) {
        gate = new CountDownLatch(1);
        toHold.set(n);
    }

    /** Lets held /slow requests answer. */
    void release() {
        gate.countDown();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "tiny-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = s.getOutputStream();
            String requestLine;
            while ((requestLine = in.readLine()) != null) {
                int length = 0;
                String h;
                while ((h = in.readLine()) != null && !h.isEmpty()) {
                    if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                for (int i = 0; i < length; i++) {
                    in.read();
                }
                String[] parts = requestLine.split(" ");
                if (parts.length > 1 && parts[1].startsWith("/slow")
                        && toHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    CountDownLatch g = gate;
                    slowArrived.incrementAndGet();
                    g.await(30, TimeUnit.SECONDS);
                }
                byte[] body = (parts[0] + " ok").getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the connection was killed (the point of these tests) or the server closed
        }
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
    }
}
