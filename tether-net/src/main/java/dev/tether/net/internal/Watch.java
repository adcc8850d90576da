package dev.tether.net.internal;

import dev.tether.net.PeerSignal;
import dev.tether.pool.Connector.IdleHandle;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection's side of idle watching: its channel, its registration, and who owns it now.
 * The state decides between the watcher thread and the connection's owner by compare-and-set:
 * LEASED (the owner's) -> PENDING (idle, waiting out the registration delay, channel still in
 * blocking mode) -> REGISTERING -> WATCHED (non-blocking, registered) -> EXPIRING (the watcher saw
 * readiness and is deciding) -> DEAD; PENDING or WATCHED -> LEASED when the pool lends it again;
 * anything -> DEAD on close.
 */
public final class Watch {
    static final int LEASED = 0;
    /** Idle, queued for the watcher thread to register once {@link #dueNanos} has passed. */
    static final int PENDING = 1;
    /** The watcher thread is registering it. */
    static final int REGISTERING = 2;
    static final int WATCHED = 3;
    static final int EXPIRING = 4;
    static final int DEAD = 5;

    /** Told what the peer did; implemented by the connection. */
    public interface Owner {
        /** How long no byte has gone either way, on the connection's own ticker. */
        long idleNanos();

        void peerSeen(PeerSignal signal, long idleNanos, IOException error, boolean atLease);

        /**
         * Whether the stream is TLS: its raw bytes cannot be judged (a close_notify alert, session
         * tickets and application data all look like "bytes"), so the TLS layer must read them.
         */
        boolean isTls();

        /**
         * Whether a TLS connection has read no application data yet: it may have the server's
         * post-handshake messages (TLS 1.3 session tickets) unread in its socket, which make it
         * readable without any sign of life. Must be cheap.
         */
        boolean mayHaveTlsHousekeeping();

        /**
         * Lets the TLS layer read what arrived (waiting at most a millisecond, channel in blocking
         * mode and not registered): null if it was only housekeeping (keep watching; bounded, so a
         * peer cannot keep a connection busy this way), otherwise what the peer did, a close_notify
         * or anything else the TLS layer reads as the end of the stream being {@link PeerSignal#FIN}.
         */
        PeerSignal readTls();

        /**
         * The watcher registered the idle connection with its selector (on the watcher's thread,
         * while no lease can take it back): the owner may drop what only a leased connection
         * needs. Must not block.
         */
        default void watchedByWatcher() {
        }
    }

    final SocketChannel channel;
    final Owner owner;
    /**
     * Whether the channel stays in non-blocking mode for good (its owner waits with a selector of
     * its own): the lease-time check then switches no mode either way.
     */
    final boolean nonBlocking;
    /** One of the states above; read and changed through {@link #STATE} (no AtomicInteger per connection). */
    private volatile int state = LEASED;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Watch.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    volatile SelectionKey key;
    volatile IdleHandle handle;
    /**
     * When the latest onIdle wants it registered; written before the state becomes PENDING, so
     * an entry with an earlier due time knows it is stale.
     */
    volatile long dueNanos;

    /**
     * A channel its owner uses in blocking mode: the lease-time check switches it for its read.
     *
     * @param channel the connection's channel
     * @param owner what the watcher tells and asks
     */
    public Watch(SocketChannel channel, Owner owner) {
        this(channel, owner, false);
    }

    /**
     * A channel in the mode its owner says.
     *
     * @param channel the connection's channel
     * @param owner what the watcher tells and asks
     * @param nonBlocking true if the channel is in non-blocking mode for its whole life (the
     *        owner never uses it in blocking mode), false if the owner needs it blocking when leased
     */
    public Watch(SocketChannel channel, Owner owner, boolean nonBlocking) {
        this.channel = channel;
        this.owner = owner;
        this.nonBlocking = nonBlocking;
    }

    int state() {
        return state;
    }

    void state(int s) {
        state = s;
    }

    boolean casState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** Still waiting to be registered (the deferred path). */
    boolean isPending() {
        return state == PENDING;
    }

    /** Registered with the selector and watched. */
    boolean isWatched() {
        return state == WATCHED;
    }
}
