package dev.tether.chaos;

import dev.tether.chaos.internal.Addresses;
import dev.tether.chaos.internal.Workers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An upstream for the lab: a TCP (or TLS) server on loopback that sends back every byte it
 * reads. Put a proxy in front of it to see what a fault does to a live connection without a
 * server of your own.
 *
 * <pre>{@code
 * try (EchoServer echo = EchoServer.start(); ChaosLab lab = ChaosLab.create()) {
 *     ChaosProxy proxy = lab.createProxy("echo", echo.address());
 *     proxy.addToxic(Toxic.halfClose());
 *     ...
 * }
 * }</pre>
 *
 * <ol>
 *   <li>One thread accepts; each connection gets a thread that echoes until the client's FIN,
 *       then half-closes too (a plain connection: TLS has no half-close) and closes.</li>
 *   <li>A test that plays the server's part takes the server's end of each connection with
 *       {@link #next}, in accept order, and closes it (FIN), resets it or writes to it while
 *       the echo goes on.</li>
 *   <li>{@link #close} closes the listener and every connection. All threads are daemons.</li>
 * </ol>
 * Thread-safe.
 */
public final class EchoServer implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    /** Every connection, for close(); the ones not yet handed out by next() are also in unclaimed. */
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Socket> unclaimed = new LinkedBlockingQueue<>();

    private EchoServer(ServerSocket server) {
        this.server = server;
        Workers.start("tether-echo-accept-" + server.getLocalPort(), this::acceptLoop);
    }

    /**
     * An echo server on a free loopback port.
     *
     * @return the running server; close it when done
     * @throws IOException if no loopback port can be bound
     */
    public static EchoServer start() throws IOException {
        return new EchoServer(ServerSocketFactory.getDefault().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /**
     * An echo server speaking TLS with the key and certificate of {@code context}, on a free loopback port.
     *
     * @param context holds the server's key and certificate
     * @return the running server; close it when done
     * @throws IOException if no loopback port can be bound
     */
    public static EchoServer startTls(SSLContext context) throws IOException {
        return new EchoServer(context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * {@code 127.0.0.1:PORT}: the form a proxy's upstream takes.
     *
     * @return the address
     */
    public String address() {
        return Addresses.format(server.getInetAddress(), port());
    }

    /**
     * Connections accepted so far.
     *
     * @return the count
     */
    public int accepted() {
        return accepted.get();
    }

    /**
     * {@link #next(Duration)} waiting up to 10 s.
     *
     * @return the server's end of the next connection
     * @throws InterruptedException if the thread is interrupted while it waits
     * @throws IllegalStateException if none was accepted within 10 s
     */
    public Socket next() throws InterruptedException {
        return next(Duration.ofSeconds(10));
    }

    /**
     * The server's end of the next connection accepted (each one once, in accept order), to
     * close, reset or write to as the server would. The echo goes on until it is closed.
     *
     * @param timeout how long to wait for a connection
     * @return the server's end of the connection
     * @throws IllegalStateException if no connection was accepted within {@code timeout}
     * @throws InterruptedException  if the thread is interrupted while it waits
     */
    public Socket next(Duration timeout) throws InterruptedException {
        Socket s = unclaimed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (s == null) {
            throw new IllegalStateException("no connection accepted within " + timeout.toMillis() + " ms on " + address());
        }
        return s;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(s);
            unclaimed.add(s);
            Workers.start("tether-echo-" + s.getPort(), () -> echo(s));
        }
    }

    private static void echo(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            if (!(s instanceof SSLSocket)) {
                s.shutdownOutput(); // the client's FIN answered with ours once everything is echoed
            }
        } catch (IOException e) {
            // the client, the test or close() ended this connection
        }
    }

    /** Closes the listener and every connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public String toString() {
        return "EchoServer[" + address() + (server instanceof SSLServerSocket ? ", TLS" : "") + "]";
    }
}
