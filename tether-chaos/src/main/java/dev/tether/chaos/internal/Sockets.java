package dev.tether.chaos.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the lab closes sockets, so every close is logged with its reason and the
 * choice between FIN and RST is made in one way.
 */
public final class Sockets {

    private static final Logger LOG = LoggerFactory.getLogger(Sockets.class);

    /** How a socket is ended. */
    public enum Close {
        /** An orderly close: the peer reads end of stream (FIN). */
        FIN,
        /** An abortive close: SO_LINGER 0 makes the kernel send RST and drop unsent data. */
        RST
    }

    private Sockets() {
    }

    public static void close(Socket socket, Close how, String reason) {
        if (socket == null || socket.isClosed()) {
            return;
        }
        LOG.debug("closing {} with {}: {}", socket, how, reason);
        try {
            if (how == Close.RST) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            LOG.debug("could not set SO_LINGER 0 on {} for an RST, closing anyway", socket, e);
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("close of {} failed", socket, e);
        }
    }

    /** Sends FIN and keeps the socket open for reading: a half-close. */
    public static void finOutput(Socket socket, String reason) {
        if (socket.isClosed() || socket.isOutputShutdown()) {
            return;
        }
        LOG.debug("half-closing {}: {}", socket, reason);
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("shutdownOutput of {} failed", socket, e);
        }
    }

    public static void close(ServerSocket socket, String reason) {
        if (socket == null || socket.isClosed()) {
            return;
        }
        LOG.debug("closing listener {}: {}", socket, reason);
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("close of listener {} failed", socket, e);
        }
    }
}
