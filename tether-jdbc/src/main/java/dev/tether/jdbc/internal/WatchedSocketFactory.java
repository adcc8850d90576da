package dev.tether.jdbc.internal;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;

/**
 * The {@code socketFactory} tether gives pgjdbc and MariaDB Connector/J: sockets backed by a
 * {@link java.nio.channels.SocketChannel}, so that tether-net's idle watcher can watch the session
 * while it sits in the pool (see {@link SocketCapture}). Both drivers create an unconnected socket
 * and connect it themselves; the other forms are here for drivers that call them.
 *
 * <p>Public with public constructors because the driver instantiates it by name (pgjdbc tries a
 * {@link Properties} constructor first, MariaDB the no-argument one).
 */
public final class WatchedSocketFactory extends SocketFactory {

    public WatchedSocketFactory() {
    }

    /** pgjdbc's form: it passes the connection's properties, which are not needed. */
    public WatchedSocketFactory(Properties ignored) {
    }

    @Override
    public Socket createSocket() throws IOException {
        return SocketCapture.open().socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private static Socket connected(InetSocketAddress remote, InetSocketAddress... local) throws IOException {
        Socket s = SocketCapture.open().socket();
        try {
            if (local.length > 0) {
                s.bind(local[0]);
            }
            s.connect(remote);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
