package dev.tether.net.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds blocking writes. The JDK has no write timeout: a write to a peer that stopped reading
 * blocks once the send buffers are full, for ever. One daemon thread for the JVM ends such writes.
 * Only TLS connections write in blocking mode (under the JDK's TLS socket); a plain TCP
 * connection's non-blocking write waits for room in slices of {@link #TICK_NANOS} and ends itself
 * when overdue, so it is not registered here.
 *
 * <ol>
 *   <li>A TLS connection registers when it opens and leaves when it closes (not per write: the hot
 *       path only stores a deadline in a volatile field before a write and clears it after).</li>
 *   <li>Every {@value #TICK_MILLIS} ms, while any connection is registered, the thread looks at
 *       each one's write deadline; one that has passed, with the write still blocked, is stopped:
 *       the connection shuts its output down, which makes the blocked write fail at once. The
 *       connection is not closed here: the failure reaches its owner, who retires it, and the
 *       connector closes it in the one place that closes connections.</li>
 * </ol>
 * A deadline is therefore honoured within a tick, which is what a timeout of seconds needs.
 */
public final class WriteGuard {
    private static final Logger LOG = LoggerFactory.getLogger(WriteGuard.class);
    static final int TICK_MILLIS = 50;
    /** The tick in nanoseconds: how long a non-blocking write waits for room before it looks at its deadline again. */
    public static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;

    /** What the guard needs from a connection. */
    public interface Guarded {
        /** Whether a write is blocked past its deadline right now (on the connection's own ticker). */
        boolean writeOverdue();

        /** Ends the overdue write (shut the output down); called on the guard's thread. */
        void stopWrite();
    }

    private static final WriteGuard SHARED = new WriteGuard();

    private final Set<Guarded> connections = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    private WriteGuard() {
        thread = new Thread(this::run, "tether-write-guard");
        thread.setDaemon(true);
        thread.start();
    }

    public static WriteGuard shared() {
        return SHARED;
    }

    public void register(Guarded c) {
        if (connections.add(c) && connections.size() == 1) {
            LockSupport.unpark(thread);
        }
    }

    public void unregister(Guarded c) {
        connections.remove(c);
    }

    private void run() {
        while (true) {
            if (connections.isEmpty()) {
                LockSupport.park(this); // register() unparks; a spurious wake just loops
                continue;
            }
            LockSupport.parkNanos(this, TICK_MILLIS * 1_000_000L);
            for (Guarded c : connections) {
                try {
                    if (c.writeOverdue()) {
                        c.stopWrite();
                    }
                } catch (RuntimeException | Error e) {
                    LOG.warn("tether write guard: stopping an overdue write failed", e);
                }
            }
        }
    }
}
