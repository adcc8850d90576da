package dev.tether.net.internal;

import dev.tether.net.PeerSignal;
import dev.tether.pool.Connector.IdleHandle;
import dev.tether.pool.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches every idle connection of every pool in the JVM with one thread and one {@link Selector}.
 * An idle connection is never trusted: any readiness on it (FIN, RST, unexpected bytes, a socket
 * error such as exhausted keepalive probes) removes it from its pool at once.
 *
 * <ol>
 *   <li>{@link #watch} (the pool's onIdle): the owner switches the channel to non-blocking, marks
 *       it PENDING, queues it and wakes the selector. Only the watcher thread registers channels:
 *       the JDK refuses to register a channel again while its previous key (cancelled at the last
 *       lease) waits to be flushed by a select, and only that thread knows when one has run.</li>
 *   <li>The thread loops: select; then for each queued connection still PENDING, move it to
 *       REGISTERING, register it for OP_READ, mark it WATCHED.</li>
 *   <li>For a ready key whose {@link Watch} it can move WATCHED -> EXPIRING, it reads one byte
 *       without blocking: EOF is FIN, a byte is DATA, the JDK's reset is RESET, any other error is
 *       LOST, nothing is a spurious wake-up (back to WATCHED). Exception: a TLS connection that has
 *       read no application data yet may only have received the server's session tickets; the TLS
 *       layer reads them (at most 1 ms) and, if that was all, the connection is queued again.</li>
 *   <li>For a sign of life it cancels the key, tells the owner (which records how long it had been
 *       idle), asks the pool to expire it ({@link IdleHandle#expire}, which closes it on this
 *       thread through the connector), and marks it DEAD.</li>
 *   <li>{@link #release} (the pool's onLease): waits out REGISTERING and EXPIRING (both short),
 *       moves PENDING or WATCHED -> LEASED, cancels the key, makes the lease-time check (one
 *       non-blocking 1-byte read: 0 bytes means alive) and switches back to blocking mode, which
 *       the JDK allows once no valid key is left. After that CAS the thread never touches the
 *       connection; it flushes the cancelled key on its next select.</li>
 *   <li>{@link #closed}: the JDK closes the descriptor of a channel that is still registered only
 *       when the selector deregisters it, so a close wakes the selector; otherwise the socket could
 *       linger in CLOSE_WAIT until the next unrelated wake-up.</li>
 * </ol>
 */
public final class IdleWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IdleWatcher.class);

    private static final class Holder {
        static final IdleWatcher SHARED = new IdleWatcher("tether-idle-watcher");
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Watch> queued = new ConcurrentLinkedQueue<>();
    /** Only the watcher thread's own buffer: reads of idle channels happen one at a time there. */
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);

    private IdleWatcher(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("tether: cannot open the idle watcher's selector", e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The one watcher of this JVM, started on first use. */
    public static IdleWatcher shared() {
        return Holder.SHARED;
    }

    /** How many channels the selector holds (idle ones plus cancelled ones not yet flushed). */
    public int registered() {
        return selector.keys().size();
    }

    public void watch(Watch w, IdleHandle handle) throws IOException {
        w.handle = handle;
        w.channel.configureBlocking(false);
        w.state.set(Watch.PENDING);
        queued.add(w);
        selector.wakeup();
    }

    /**
     * Takes a connection back from the watcher for a lease and checks it without waiting.
     * Returns true if it may be used: the peer has shown no sign since it went idle.
     */
    public boolean release(Watch w) throws IOException {
        int spins = 0;
        while (true) {
            int s = w.state.get();
            if ((s == Watch.WATCHED || s == Watch.PENDING) && w.state.compareAndSet(s, Watch.LEASED)) {
                break;
            }
            if (s == Watch.DEAD) {
                return false; // the watcher saw the peer go; the pool retires it
            }
            if (s == Watch.LEASED) {
                break; // never watched: still check it
            }
            // REGISTERING or EXPIRING: the watcher is in the middle of a short step.
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        SelectionKey k = w.key;
        if (k != null) {
            k.cancel();
        }
        boolean alive = check(w);
        if (alive) {
            w.channel.configureBlocking(true);
        }
        return alive;
    }

    /** The lease-time check: a non-blocking read of at most one byte, on the owner's thread. */
    private static boolean check(Watch w) {
        ByteBuffer b = w.probe;
        b.clear();
        PeerSignal signal;
        IOException error = null;
        try {
            if (w.channel.isBlocking()) {
                return w.channel.isOpen();
            }
            if (w.owner.mayHaveTlsHousekeeping()) {
                // Never-read TLS: unread session tickets are not a sign of life; the TLS layer
                // absorbs them (at most 1 ms, once) and leaves the channel in blocking mode.
                signal = w.owner.absorbTlsHousekeeping();
                if (signal == null) {
                    return true;
                }
            } else {
                int n = w.channel.read(b);
                if (n == 0) {
                    return true;
                }
                signal = n < 0 ? PeerSignal.FIN : PeerSignal.DATA;
            }
        } catch (IOException e) {
            error = e;
            signal = Classifier.isReset(e) ? PeerSignal.RESET : PeerSignal.LOST;
        }
        w.state.set(Watch.DEAD);
        w.owner.peerSeen(signal, System.nanoTime() - w.owner.lastUsedNanos(), error, true);
        return false;
    }

    /** Stops watching before the owner closes the channel. */
    public void forget(Watch w) {
        w.state.set(Watch.DEAD);
        SelectionKey k = w.key;
        if (k != null) {
            k.cancel();
        }
    }

    /** After the owner closed the channel: lets the selector release the file descriptor now. */
    public void closed(Watch w) {
        if (w.channel.isRegistered() && Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    private void run() {
        while (true) {
            try {
                selector.select(this::ready);
                registerQueued();
            } catch (ClosedSelectorException gone) {
                return;
            } catch (Throwable t) {
                // The watcher must outlive any one connection's trouble; a tight failure loop is
                // throttled so it cannot eat a core.
                LOG.error("tether idle watcher: select failed; continuing", t);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    /** Registers what went idle since the last pass. Watcher thread only, outside select. */
    private void registerQueued() throws IOException {
        for (int i = queued.size(); i > 0; i--) {
            Watch w = queued.poll();
            if (w == null) {
                return;
            }
            if (!w.state.compareAndSet(Watch.PENDING, Watch.REGISTERING)) {
                continue; // leased or closed while queued
            }
            try {
                SelectionKey k;
                try {
                    k = w.channel.register(selector, SelectionKey.OP_READ, w);
                } catch (CancelledKeyException notFlushedYet) {
                    // Its previous key was cancelled after this thread's last select ended (a
                    // lease that came and went within this pass, or the TLS path below); a
                    // selectNow flushes it, and no new cancel can come while it is REGISTERING.
                    selector.selectNow(this::ready);
                    k = w.channel.register(selector, SelectionKey.OP_READ, w);
                }
                w.key = k;
                w.state.set(Watch.WATCHED);
            } catch (IOException | RuntimeException e) {
                // Closed meanwhile, or the JDK refused: it cannot be watched, so it must go.
                finish(w, null, PeerSignal.LOST, e instanceof IOException ? (IOException) e : new IOException(e));
            }
        }
    }

    private void ready(SelectionKey key) {
        Watch w = (Watch) key.attachment();
        if (!w.state.compareAndSet(Watch.WATCHED, Watch.EXPIRING)) {
            return; // leased or closed since: not ours to touch
        }
        if (w.owner.mayHaveTlsHousekeeping()) {
            // Raw bytes of a TLS stream cannot be peeked at: let the TLS layer read them (a
            // blocking read of at most 1 ms, once per fresh TLS connection) before judging.
            key.cancel();
            PeerSignal signal = w.owner.absorbTlsHousekeeping();
            if (signal == null) {
                try {
                    w.channel.configureBlocking(false);
                    w.state.set(Watch.PENDING);
                    queued.add(w); // registered again after this select, once its key is flushed
                } catch (IOException e) {
                    finish(w, key, PeerSignal.LOST, e);
                }
                return;
            }
            finish(w, key, signal, null);
            return;
        }
        PeerSignal signal;
        IOException error = null;
        one.clear();
        try {
            int n = w.channel.read(one);
            if (n == 0) {
                w.state.set(Watch.WATCHED);
                return;
            }
            signal = n < 0 ? PeerSignal.FIN : PeerSignal.DATA;
        } catch (IOException e) {
            error = e;
            signal = Classifier.isReset(e) ? PeerSignal.RESET : PeerSignal.LOST;
        }
        finish(w, key, signal, error);
    }

    private static void finish(Watch w, SelectionKey key, PeerSignal signal, IOException error) {
        if (key != null) {
            key.cancel();
        }
        try {
            w.owner.peerSeen(signal, System.nanoTime() - w.owner.lastUsedNanos(), error, false);
            IdleHandle h = w.handle;
            if (h != null) {
                h.expire(Reason.PEER_CLOSED);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("tether idle watcher: expiring a closed idle connection failed", e);
        } finally {
            w.state.set(Watch.DEAD);
        }
    }
}
