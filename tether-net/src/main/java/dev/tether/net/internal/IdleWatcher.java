package dev.tether.net.internal;

import dev.tether.net.PeerSignal;
import dev.tether.pool.Connector.IdleHandle;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches every idle connection of every pool in the JVM with one thread and one {@link Selector}.
 * An idle connection is never trusted: any readiness on it (FIN, RST, unexpected bytes, a socket
 * error such as exhausted keepalive probes) removes it from its pool at once.
 *
 * <p>Registration is deferred by a short {@link #DEFAULT_DELAY delay}: a keep-alive connection
 * is usually leased again within microseconds of its return, and for it a registration, two mode
 * switches, a wake-up and a key cancel would all be wasted. The lease-time check covers the delay
 * (a client may skip it for a connection returned less than a millisecond ago: see
 * {@code TcpConnector.Builder.leaseCheckAfterIdle}).
 *
 * <ol>
 *   <li>{@link #watch} (the pool's onIdle): the owner sets the handle and the connection's due
 *       time (now + the delay), marks it PENDING and pushes an entry (the Watch and that due time)
 *       on a lock-free stack. No system call: the channel stays in its mode, and the selector
 *       is woken only if the watcher sleeps with no deadline (nothing pending), since otherwise it
 *       wakes at a due time no later than this one.</li>
 *   <li>The thread loops: move the pushed entries, oldest first, to its own FIFO (due times rise
 *       along it, the delay being constant); drop at once every entry whose connection was leased
 *       since or has a later due time (it was leased and returned since, and a later entry speaks
 *       for it); for each other entry now due, move it PENDING -> REGISTERING, switch it to
 *       non-blocking, register it for OP_READ, mark it WATCHED. Then select until the next due
 *       time; if no entry is left, for one delay when entries arrived in this pass (more are
 *       likely, and none can be due sooner), else with no deadline. (A channel that is non-blocking for good,
 *       {@link Watch#nonBlocking}, as plain TCP connections are, switches no mode here or at a
 *       lease; its owner drops its private selector once registered, {@link Watch.Owner#watchedByWatcher}.) Only this thread registers channels: the
 *       JDK refuses to register a channel again while its previous key (cancelled at a lease)
 *       waits to be flushed by a select, and only this thread knows when one has run.</li>
 *   <li>For a ready key whose {@link Watch} it can move WATCHED -> EXPIRING, it reads one byte
 *       without blocking: EOF is FIN, a byte is DATA, the JDK's reset is RESET, any other error is
 *       LOST, nothing is a spurious wake-up (back to WATCHED). Exception: the raw bytes of a TLS
 *       connection cannot be judged (a close_notify alert is bytes too), so the TLS layer reads
 *       them (at most 1 ms): its end of stream is FIN, as on plain TCP, so a client learns from a
 *       TLS server's idle close too; session tickets (of a connection that read nothing yet) are no
 *       sign of life, and the connection is PENDING again, due at once.</li>
 *   <li>For a sign of life it cancels the key, tells the owner (which records how long it had been
 *       idle), asks the pool to expire it ({@link IdleHandle#expire}, which closes it on this
 *       thread through the connector), and marks it DEAD.</li>
 *   <li>{@link #release} (the pool's onLease): waits out REGISTERING and EXPIRING (both short) and
 *       moves PENDING or WATCHED -> LEASED; after that CAS the thread never touches the connection
 *       (a stale entry finds it LEASED, a cancelled key is flushed by the next select). If it was
 *       WATCHED, it cancels the key. Then the lease-time check: one 1-byte read in non-blocking
 *       mode (0 bytes means alive; a PENDING connection still in blocking mode is switched for it; on TLS
 *       with bytes waiting, the TLS layer reads them first, as above), and
 *       back to blocking mode unless the channel is non-blocking for good, which the JDK allows
 *       once no valid key is left.</li>
 *   <li>{@link #closed}: the JDK closes the descriptor of a channel that is still registered only
 *       when the selector deregisters it, so a close wakes the selector; otherwise the socket could
 *       linger in CLOSE_WAIT until the next unrelated wake-up.</li>
 * </ol>
 */
public final class IdleWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IdleWatcher.class);

    /**
     * How long a returned connection waits before it is registered. Long enough to cover a
     * keep-alive client's next request, short enough that a peer's close still leaves the socket
     * in CLOSE_WAIT for only a few milliseconds (the lease-time check covers the wait).
     */
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(3);

    private static final class Holder {
        static final IdleWatcher SHARED = new IdleWatcher("tether-idle-watcher", DEFAULT_DELAY.toNanos());
    }

    /** One onIdle: the connection and when it becomes due for registration. */
    private static final class Entry {
        final Watch watch;
        final long dueNanos;
        /** Toward older entries while on the stack; toward later ones in the watcher's FIFO. */
        Entry next;

        Entry(Watch watch, long dueNanos) {
            this.watch = watch;
            this.dueNanos = dueNanos;
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final long delayNanos;
    /** Entries pushed by owners (newest first); the watcher takes them all at once. */
    private final AtomicReference<Entry> pushed = new AtomicReference<>();
    /** Set by the watcher just before a select with no deadline; whoever clears it wakes it. */
    private final AtomicBoolean sleepsWithoutDeadline = new AtomicBoolean();
    /** Watcher thread only: entries in due order. */
    private Entry first;
    private Entry last;
    /**
     * The lease-time check's one-byte buffer, per owner thread rather than per connection (an idle
     * connection should cost as little heap as possible). On the heap, not direct: a direct
     * buffer per thread would be native memory and a cleaner for each of many virtual threads.
     */
    private static final ThreadLocal<ByteBuffer> PROBE = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1));
    /** Only the watcher thread's own buffer: reads of idle channels happen one at a time there. */
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);

    /**
     * The registration delay is a real-time wait on this thread's selector, shared by every pool
     * in the JVM whatever ticker each client was given, so it reads the system's clock. Idle
     * ages (what a client learns from) are measured by each connection on its own ticker.
     */
    private static final Ticker CLOCK = Ticker.SYSTEM;

    private IdleWatcher(String name, long delayNanos) {
        this.delayNanos = delayNanos;
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

    /**
     * A watcher of its own with another registration delay (zero: every connection is registered
     * at once and races its next lease), so a test can drive a given path; package-private, and
     * reached from tests only. Stop it with {@link #stop}.
     */
    static IdleWatcher start(String name, Duration delay) {
        return new IdleWatcher(name, delay.toNanos());
    }

    /** Ends a watcher of its own: its thread exits and its selector is closed. */
    void stop() throws IOException {
        selector.close();
    }

    /** How many channels the selector holds (idle ones plus cancelled ones not yet flushed). */
    public int registered() {
        return selector.keys().size();
    }

    public void watch(Watch w, IdleHandle handle) {
        w.handle = handle;
        long due = CLOCK.nanoTime() + delayNanos;
        w.dueNanos = due;
        w.state(Watch.PENDING);
        Entry e = new Entry(w, due);
        Entry head;
        do {
            head = pushed.get();
            e.next = head;
        } while (!pushed.compareAndSet(head, e));
        // A watcher with a deadline wakes by this entry's due time anyway (due times only grow).
        if (sleepsWithoutDeadline.get() && sleepsWithoutDeadline.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    /**
     * Takes a connection back from the watcher for a lease and checks it without waiting.
     * Returns true if it may be used: the peer has shown no sign since it went idle.
     */
    public boolean release(Watch w) throws IOException {
        return release(w, 0);
    }

    /**
     * As {@link #release(Watch)}, but a connection returned less than {@code checkAfterNanos}
     * ago and not yet registered is trusted without the check (see
     * {@code TcpConnector.Builder.leaseCheckAfterIdle}).
     */
    public boolean release(Watch w, long checkAfterNanos) throws IOException {
        int spins = 0;
        int from;
        while (true) {
            int s = w.state();
            if ((s == Watch.WATCHED || s == Watch.PENDING) && w.casState(s, Watch.LEASED)) {
                from = s;
                break;
            }
            if (s == Watch.DEAD) {
                return false; // the watcher saw the peer go; the pool retires it
            }
            if (s == Watch.LEASED) {
                from = s;
                break; // never handed to the watcher: still check it
            }
            // REGISTERING or EXPIRING: the watcher is in the middle of a short step.
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        if (from == Watch.WATCHED) {
            SelectionKey k = w.key;
            if (k != null) {
                k.cancel();
            }
        } else if (from == Watch.PENDING && checkAfterNanos > 0
                && CLOCK.nanoTime() - (w.dueNanos - delayNanos) < checkAfterNanos) {
            return true; // back a moment ago, never registered: its channel is as the owner left it
        }
        boolean alive = check(w);
        if (alive && !w.nonBlocking) {
            w.channel.configureBlocking(true); // no system call if it is already blocking
        }
        return alive;
    }

    /** The lease-time check: a non-blocking read of at most one byte, on the owner's thread. */
    private static boolean check(Watch w) {
        ByteBuffer b = PROBE.get();
        b.clear();
        PeerSignal signal;
        IOException error = null;
        try {
            if (w.owner.mayHaveTlsHousekeeping()) {
                // Never-read TLS: unread session tickets are not a sign of life; the TLS layer
                // absorbs them (at most 1 ms, once) and leaves the channel in blocking mode.
                signal = w.owner.readTls();
                if (signal == null) {
                    return true;
                }
            } else if (w.owner.isTls() && available(w) > 0) {
                // Bytes wait on an idle TLS connection: a close_notify or data, which only the TLS
                // layer can tell apart. Rare (the watcher usually saw them first), so its 1 ms is.
                signal = w.owner.readTls();
                if (signal == null) {
                    return true;
                }
            } else {
                // Still blocking if it was leased while PENDING: the read must not wait. (No
                // system call for a channel that is never blocking.)
                if (!w.nonBlocking) {
                    w.channel.configureBlocking(false);
                }
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
        w.state(Watch.DEAD);
        w.owner.peerSeen(signal, w.owner.idleNanos(), error, true);
        return false;
    }

    /** Unread bytes in the socket, without consuming them (FIONREAD; 0 at end of stream). */
    private static int available(Watch w) throws IOException {
        return w.channel.socket().getInputStream().available();
    }

    /** Stops watching before the owner closes the channel. */
    public void forget(Watch w) {
        w.state(Watch.DEAD);
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
                long waitNanos = registerDue();
                if (waitNanos > 0) {
                    // Rounded up: select's 0 would mean "no deadline", and an early wake finds nothing due.
                    selector.select(this::ready, (waitNanos + 999_999) / 1_000_000);
                } else {
                    sleepsWithoutDeadline.set(true);
                    // Checked after the flag is set: an owner that pushed before it saw the flag
                    // clear is seen here, and one that pushes after it sees the flag and wakes us.
                    if (pushed.get() == null) {
                        selector.select(this::ready);
                    }
                    sleepsWithoutDeadline.set(false);
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

    /**
     * Takes what owners pushed, registers every entry now due, and returns the nanos until the
     * next one is due (0: none left). Watcher thread only, outside select.
     */
    private long registerDue() {
        Entry taken = pushed.getAndSet(null);
        boolean arrived = taken != null;
        if (taken != null) {
            // The stack is newest first: reverse it so that due times rise along the FIFO.
            Entry newest = taken;
            Entry chain = null;
            while (taken != null) {
                Entry older = taken.next;
                taken.next = chain;
                chain = taken;
                taken = older;
            }
            if (last == null) {
                first = chain;
            } else {
                last.next = chain;
            }
            last = newest;
        }
        long now = CLOCK.nanoTime();
        Entry e;
        while ((e = first) != null) {
            // An entry whose connection was leased since, or leased and returned (a later entry
            // speaks for it), is dropped at once rather than at its due time: a busy connection
            // pushes an entry per use, and waiting for each would wake this thread every
            // millisecond (it shares the cores with the client and often with its server).
            Watch w = e.watch;
            boolean stale = w.state() != Watch.PENDING || w.dueNanos - e.dueNanos > 0;
            if (!stale && e.dueNanos - now > 0) {
                now = CLOCK.nanoTime();
                if (e.dueNanos - now > 0) {
                    return e.dueNanos - now;
                }
            }
            first = e.next;
            if (first == null) {
                last = null;
            }
            e.next = null;
            if (!stale) {
                register(e);
            }
        }
        // Connections came and went since the last pass: wake again one delay from now rather
        // than sleeping with no deadline, which would make every next return wake this thread
        // with a system call. Whatever is pushed meanwhile is due no earlier than that.
        return arrived ? delayNanos : 0;
    }

    private void register(Entry e) {
        Watch w = e.watch;
        if (w.state() != Watch.PENDING) {
            return; // leased or closed since; if it went idle again, a later entry speaks for it
        }
        if (w.dueNanos - e.dueNanos > 0) {
            return; // leased and returned since: its later entry registers it when that is due
        }
        if (!w.casState(Watch.PENDING, Watch.REGISTERING)) {
            return; // leased meanwhile
        }
        try {
            w.channel.configureBlocking(false);
            SelectionKey k;
            try {
                k = w.channel.register(selector, SelectionKey.OP_READ, w);
            } catch (CancelledKeyException notFlushedYet) {
                // Its previous key was cancelled after this thread's last select ended (a lease
                // that came and went within this pass, or the TLS path below); a selectNow
                // flushes it, and no new cancel can come while it is REGISTERING.
                selector.selectNow(this::ready);
                k = w.channel.register(selector, SelectionKey.OP_READ, w);
            }
            w.key = k;
            w.owner.watchedByWatcher();
            w.state(Watch.WATCHED);
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof ClosedSelectorException) {
                throw (ClosedSelectorException) ex; // a test's watcher stopped
            }
            // Closed meanwhile, or the JDK refused: it cannot be watched, so it must go.
            finish(w, null, PeerSignal.LOST, ex instanceof IOException ? (IOException) ex : new IOException(ex));
        }
    }

    /** Watcher thread only: queues a connection for registration after this select. */
    private void requeueNow(Watch w) {
        long now = CLOCK.nanoTime();
        w.dueNanos = now;
        w.state(Watch.PENDING);
        Entry e = new Entry(w, now);
        e.next = first;
        first = e;
        if (last == null) {
            last = e;
        }
    }

    private void ready(SelectionKey key) {
        Watch w = (Watch) key.attachment();
        if (!w.casState(Watch.WATCHED, Watch.EXPIRING)) {
            return; // leased or closed since: not ours to touch
        }
        if (w.owner.isTls()) {
            // Raw bytes of a TLS stream cannot be judged (a close_notify is bytes too): let the
            // TLS layer read them, a blocking read of at most 1 ms, before judging.
            key.cancel();
            PeerSignal signal = w.owner.readTls();
            if (signal == null) {
                requeueNow(w); // registered again after this select, once its key is flushed
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
                w.state(Watch.WATCHED);
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
            w.owner.peerSeen(signal, w.owner.idleNanos(), error, false);
            IdleHandle h = w.handle;
            if (h != null) {
                h.expire(Reason.PEER_CLOSED);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("tether idle watcher: expiring a closed idle connection failed", e);
        } finally {
            w.state(Watch.DEAD);
        }
    }
}
