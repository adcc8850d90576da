package dev.tether.net;

import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server whose accepted sockets the test controls: it echoes what it reads (when asked
 * to) and hands every accepted socket to the test, which closes, resets or half-closes it.
 */
final class TestServer implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final boolean echo;
    private final Thread acceptor;

    private TestServer(ServerSocket server, boolean echo) {
        this.server = server;
        this.echo = echo;
        this.acceptor = new Thread(this::acceptLoop, "test-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TestServer echo() throws IOException {
        return new TestServer(ServerSocketFactory.getDefault().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), true);
    }

    static TestServer silent() throws IOException {
        return new TestServer(ServerSocketFactory.getDefault().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), false);
    }

    static TestServer tlsEcho(SSLContext context) throws IOException {
        return new TestServer(context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), true);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next accepted socket (waits up to 10 s). */
    Socket next() throws InterruptedException {
        Socket s = accepted.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no connection accepted within 10 s on port " + port());
        }
        return s;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                if (echo) {
                    Thread t = new Thread(() -> echo(s), "test-echo-" + s.getPort());
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void echo(Socket s) {
        byte[] buf = new byte[4096];
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the test closed or reset it
        }
    }

    /** Closes with SO_LINGER 0: the kernel sends RST instead of FIN. */
    static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s;
        while ((s = accepted.poll()) != null) {
            s.close();
        }
    }
}
