package dev.tether.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server that accepts and then never reads or writes: a hung server, whose accepted
 * sockets the test takes ({@link #next()}) to close, reset or write to as the server. (A server
 * that answers is tether-chaos's {@code EchoServer}, which hands out its sockets the same way.)
 */
final class TestServer implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();

    private TestServer(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "test-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TestServer silent() throws IOException {
        return new TestServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
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
                accepted.add(server.accept());
            } catch (IOException closed) {
                return;
            }
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
