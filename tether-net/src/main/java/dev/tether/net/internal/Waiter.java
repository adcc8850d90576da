package dev.tether.net.internal;

import dev.tether.pool.Ticker;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Waits for one channel that stays in non-blocking mode to become readable or writable, with a
 * selector of its own, so that a read with a timeout costs no mode switch. The JDK 17 socket
 * adaptor switches a blocking channel to non-blocking and back (four {@code fcntl}) around every
 * read with a timeout; here a read that finds nothing costs one {@code epoll_wait}, and a read
 * that finds its bytes costs nothing more than the read.
 *
 * <p>The selector is opened at the first wait and kept while the connection is in use; it is
 * closed when the connection has been idle long enough for the idle watcher to take it over
 * ({@link #release}), so that an idle connection holds no descriptor or heap for it, and when the
 * connection closes. One owner thread waits at a time (the lease holder); {@link #release} may
 * come from another thread, which makes a wait under way fail as an asynchronous close.
 */
public final class Waiter {
    /**
     * Waits on a selector are real time whatever ticker a client was given (the kernel's
     * timeout, as SO_TIMEOUT was), so they read the system's clock.
     */
    public static final Ticker CLOCK = Ticker.SYSTEM;
    private static final Consumer<SelectionKey> NOTHING = k -> { };

    private final SocketChannel channel;
    /** Open while the connection is in use; null before the first wait and after a release. */
    private volatile Selector selector;
    /** Owner thread only: the key in {@link #selector} and the operation it waits for. */
    private SelectionKey key;
    private int interest;

    /**
     * A waiter for one channel; no selector is opened until the first wait.
     *
     * @param channel a channel in non-blocking mode
     */
    public Waiter(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Waits until the channel is ready for {@code op} ({@link SelectionKey#OP_READ} or
     * {@link SelectionKey#OP_WRITE}) or {@code nanos} have passed (rounded up to a millisecond);
     * it may return early, so the caller retries its operation and checks its own deadline.
     * Owner thread only.
     *
     * @param op the operation to wait for
     * @param nanos the longest wait
     * @throws IOException if the selector cannot be opened or the channel registered
     * @throws AsynchronousCloseException if the connection was closed meanwhile
     */
    public void await(int op, long nanos) throws IOException {
        Selector s = selector;
        try {
            if (s == null) {
                s = Selector.open();
                selector = s;
                // A close on another thread closes the channel, then releases this: checked after
                // publishing the selector, so one of the two sees the other and it is never left
                // open (it would hold the channel's descriptor).
                if (!channel.isOpen()) {
                    release();
                    throw new AsynchronousCloseException();
                }
                key = channel.register(s, op);
                interest = op;
            } else if (interest != op) {
                key.interestOps(op);
                interest = op;
            }
            s.select(NOTHING, Math.max(1, (nanos + 999_999) / 1_000_000));
        } catch (ClosedSelectorException | java.nio.channels.CancelledKeyException closed) {
            throw new AsynchronousCloseException();
        } catch (java.nio.channels.ClosedChannelException closed) {
            release();
            throw closed;
        }
    }

    /** Closes the selector, if one is open (any thread); the next wait opens another. */
    public void release() {
        Selector s = selector;
        if (s != null) {
            selector = null;
            try {
                s.close();
            } catch (IOException ignored) {
                // the descriptors are released either way
            }
        }
    }
}
