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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches every idle connection of every pool in the JVM with one thread and one {@link Selector}.
 * An idle connection is never trusted: any readiness on it (FIN, RST, unexpected bytes, a socket
 * error such as exhausted keepalive probes) removes it from its pool at once.
 *
 * <ol>
 *   <li>{@link #watch}: the owner switches the channel to non-blocking, marks it WATCHED and
 *       registers it for OP_READ (first waiting for the thread to flush the cancelled registration
 *       of its previous idle period, if that is still pending), then wakes the selector so the new
 *       registration takes effect.</li>
 *   <li>The thread selects forever. For a ready key whose {@link Watch} it can move WATCHED ->
 *       EXPIRING, it reads one byte without blocking: EOF is FIN, a byte is DATA, the JDK's reset
 *       type is RESET, any other error is LOST, nothing is a spurious wake-up (back to WATCHED).
 *       Exception: a TLS connection that has read no application data yet may only have received
 *       the server's session tickets; the TLS layer reads them (at most 1 ms) and, if that was
 *       all, the connection is registered again after the select.</li>
 *   <li>It cancels the key, tells the owner (which records how long it had been idle), asks the
 *       pool to expire the connection ({@link IdleHandle#expire}, which closes it on this thread
 *       through the connector), and marks it DEAD.</li>
 *   <li>{@link #release} (the pool's onLease): waits out EXPIRING (one read and one pool call),
 *       moves WATCHED -> LEASED, cancels the key, makes the lease-time check (one non-blocking
 *       1-byte read: 0 bytes means alive; EOF, a byte or an error means dead) and switches the
 *       channel back to blocking. After the CAS the thread never touches the connection again; it
 *       flushes the cancelled registration on its next select.</li>
 *   <li>{@link #closed}: the JDK defers closing the file descriptor of a channel that is still
 *       registered until the selector deregisters it, so a close wakes the selector; otherwise the
 *       socket would linger in CLOSE_WAIT until the next unrelated wake-up.</li>
 * </ol>
 */
public final class IdleWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IdleWatcher.class);
    private static final long FLUSH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final class Holder {
        static final IdleWatcher SHARED = new IdleWatcher("tether-idle-watcher");
    }

    private final Selector selector;
    private final Thread thread;
    /** Only the watcher thread's own buffer: reads of idle channels happen one at a time there. */
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    /** Watcher thread only: TLS connections to register again after the current select. */
    private final List<Watch> reregister = new ArrayList<>();
    private volatile long selectsStarted;
    private volatile long selectsDone;

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
        w.state.set(Watch.WATCHED);
        SelectionKey k;
        while (true) {
            try {
                k = w.channel.register(selector, SelectionKey.OP_READ, w);
                break;
            } catch (CancelledKeyException previousNotFlushed) {
                awaitFlush();
            }
        }
        w.key = k;
        selector.wakeup();
    }

    /**
     * Takes a connection back from the watcher for a lease and checks it without waiting.
     * Returns true if it may be used: the peer has shown no sign since it was watched.
     */
    public boolean release(Watch w) throws IOException {
        int spins = 0;
        while (true) {
            int s = w.state.get();
            if (s == Watch.WATCHED && w.state.compareAndSet(Watch.WATCHED, Watch.LEASED)) {
                break;
            }
            if (s == Watch.DEAD) {
                return false; // the watcher saw the peer go; the pool retires it
            }
            if (s == Watch.LEASED) {
                break; // never watched (onIdle failed half-way): still check it
            }
            // EXPIRING: the watcher is between its read and the pool's answer; that is short.
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
                w.state.set(Watch.DEAD);
                w.owner.peerSeen(signal, System.nanoTime() - w.owner.lastUsedNanos(), null, true);
                return false;
            }
            int n = w.channel.read(b);
            if (n == 0) {
                return true;
            }
            signal = n < 0 ? PeerSignal.FIN : PeerSignal.DATA;
        } catch (IOException e) {
            error = e;
            signal = Classifier.isReset(e) ? PeerSignal.RESET : PeerSignal.LOST;
        }
        w.state.set(Watch.DEAD);
        w.owner.peerSeen(signal, System.nanoTime() - w.owner.lastUsedNanos(), error, true);
        return false;
    }

    /** After the owner closed the channel: lets the selector release the file descriptor now. */
    public void closed(Watch w) {
        w.state.set(Watch.DEAD);
        SelectionKey k = w.key;
        if (k != null) {
            k.cancel();
        }
        if (w.channel.isRegistered() && Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /** Cancels the watch without closing (used by close before closing the channel). */
    public void forget(Watch w) {
        w.state.set(Watch.DEAD);
        SelectionKey k = w.key;
        if (k != null) {
            k.cancel();
        }
    }

    /** Waits until a select that started after now has finished: every earlier cancel is flushed. */
    private void awaitFlush() throws IOException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("tether: the idle watcher cannot re-register a connection from its own thread");
        }
        long target = selectsStarted + 1;
        long deadline = System.nanoTime() + FLUSH_WAIT_NANOS;
        while (selectsDone < target) {
            selector.wakeup();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("tether: the idle watcher did not answer within 5 s (thread " + thread.getState() + ")");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** Watches again the TLS connections whose readiness was only housekeeping. Watcher thread only. */
    private void reregisterAbsorbed() throws IOException {
        List<Watch> again = new ArrayList<>(reregister);
        reregister.clear();
        selector.selectNow(this::ready); // flushes their cancelled keys (and handles anything ready)
        for (Watch w : again) {
            try {
                w.channel.configureBlocking(false);
                w.key = w.channel.register(selector, SelectionKey.OP_READ, w);
                w.state.set(Watch.WATCHED);
            } catch (IOException | RuntimeException e) {
                finish(w, w.key, PeerSignal.LOST, e instanceof IOException ? (IOException) e : new IOException(e));
            }
        }
    }

    private void run() {
        while (true) {
            try {
                long n = selectsStarted + 1;
                selectsStarted = n;
                selector.select(this::ready);
                selectsDone = n;
                if (!reregister.isEmpty()) {
                    reregisterAbsorbed();
                }
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

    private void ready(SelectionKey key) {
        Watch w = (Watch) key.attachment();
        if (!w.state.compareAndSet(Watch.WATCHED, Watch.EXPIRING)) {
            return; // leased or closed since: not ours to touch
        }
        PeerSignal signal;
        IOException error = null;
        if (w.owner.mayHaveTlsHousekeeping()) {
            // Raw bytes of a TLS stream cannot be peeked at: let the TLS layer read them (a
            // blocking read of at most 1 ms, once per fresh TLS connection) before judging.
            key.cancel();
            signal = w.owner.absorbTlsHousekeeping();
            if (signal == null) {
                reregister.add(w); // after this select: flush the cancelled key, then register again
                return;
            }
            finish(w, key, signal, null);
            return;
        }
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
        key.cancel();
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
