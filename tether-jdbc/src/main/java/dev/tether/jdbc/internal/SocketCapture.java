package dev.tether.jdbc.internal;

import dev.tether.net.SocketConfig;
import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Catches the socket a driver opens through {@link WatchedSocketFactory} during one connect.
 *
 * <p>A driver instantiates the factory by class name and calls it on the thread that connects,
 * so the connector says "this connect is mine" with an inheritable thread-local around
 * {@code Driver.connect} (inheritable: pgjdbc connects on a thread of its own when a
 * {@code loginTimeout} is set). The factory hands the driver a channel-backed socket
 * ({@code SocketChannel.socket()}), the only kind the JDK lets a selector watch, and records the
 * channel here. After the connect, {@link #end} returns the one channel that connected; a driver
 * that tried several hosts leaves closed attempts behind, which are skipped.
 */
final class SocketCapture {
    private static final InheritableThreadLocal<SocketCapture> CURRENT = new InheritableThreadLocal<>();

    /** Written by the connecting thread (or one it started), read after the connect returned. */
    private final Queue<SocketChannel> channels = new ConcurrentLinkedQueue<>();
    private volatile boolean ended;

    private SocketCapture() {
    }

    /** Starts capturing on this thread (and threads it starts) until {@link #end}. */
    static SocketCapture begin() {
        SocketCapture c = new SocketCapture();
        CURRENT.set(c);
        return c;
    }

    /** Stops capturing; the connected channel, or null if none or more than one connected. */
    SocketChannel end() {
        CURRENT.remove();
        // A thread that inherited this capture (a driver's timer, say) must not add to it any more.
        ended = true;
        SocketChannel found = null;
        for (SocketChannel ch : channels) {
            if (ch.isOpen() && ch.isConnected()) {
                if (found != null) {
                    return null; // two live sockets for one session: not a driver we understand
                }
                found = ch;
            }
        }
        return found;
    }

    /** A new channel for the factory, recorded if a connect of the pool's is under way. */
    static SocketChannel open() throws IOException {
        SocketChannel ch = SocketChannel.open();
        SocketCapture c = CURRENT.get();
        if (c != null && !c.ended) {
            c.channels.add(ch);
        }
        return ch;
    }

    /** Sets TCP keepalive and its timers on a captured session's socket (after the driver's own settings). */
    static void keepAlive(SocketChannel ch, SocketConfig c) throws IOException {
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, c.keepAlive());
        if (c.keepAlive() && ch.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            ch.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) c.keepAliveIdle().getSeconds());
            ch.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) c.keepAliveInterval().getSeconds());
            ch.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, c.keepAliveCount());
        }
    }
}
