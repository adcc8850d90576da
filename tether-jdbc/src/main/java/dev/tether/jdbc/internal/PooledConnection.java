package dev.tether.jdbc.internal;

import dev.tether.net.PeerSignal;
import dev.tether.net.internal.Watch;
import dev.tether.pool.Ticker;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session of the driver, as the pool holds it: the driver's connection, its socket when tether
 * watches it, the session state leases change, and the statements the current lease left open.
 * Touched by one owner at a time (the pool's hand-over orders the accesses), except
 * {@link #peerSignal}, which the idle watcher writes.
 */
public final class PooledConnection implements Watch.Owner {
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final JdbcConnector connector;
    final Connection raw;
    final Session session;
    /** The driver's socket, or null when tether could not capture it (then isValid guards reuse). */
    final SocketChannel channel;
    final Watch watch;
    /** Idle this long, the server cuts the session (less the margin); Long.MAX_VALUE: no known cut. */
    final long idleLimitNanos;
    final String serverIdleSetting;
    private final Ticker ticker;

    /** The lease-time socket check's verdict (true when not watched). */
    boolean alive = true;
    /** The next lease must ask the driver isValid() first (an unwatched session idle long enough). */
    boolean validate;
    /** What the idle watcher or the lease-time check saw the server do; null while it is quiet. */
    volatile PeerSignal peerSignal;
    private volatile long idleSince;

    /** Statements the current lease opened and has not closed. */
    private ProxyStatement[] open = new ProxyStatement[4];
    private int openCount;

    PooledConnection(JdbcConnector connector, Connection raw, boolean autoCommit, SocketChannel channel,
                     long idleLimitNanos, String serverIdleSetting, Ticker ticker) {
        this.connector = connector;
        this.raw = raw;
        this.session = new Session(autoCommit);
        this.channel = channel;
        this.watch = channel == null ? null : new Watch(channel, this);
        this.idleLimitNanos = idleLimitNanos;
        this.serverIdleSetting = serverIdleSetting;
        this.ticker = ticker;
    }

    /** The driver's connection (what {@code unwrap} reaches). */
    public Connection raw() {
        return raw;
    }

    /** Whether tether watches this session's socket while it is idle. */
    public boolean watched() {
        return watch != null;
    }

    /** Whether the lease just taken must be validated with {@link #isValid} before use. */
    public boolean needsValidation() {
        return validate;
    }

    /** The driver's {@link Connection#isValid(int)}; a failure counts as "no". */
    public boolean isValid(int timeoutSeconds) {
        try {
            return raw.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    void track(ProxyStatement s) {
        if (openCount == open.length) {
            open = Arrays.copyOf(open, openCount * 2);
        }
        open[openCount++] = s;
    }

    void untrack(ProxyStatement s) {
        // The most recent statement is usually the one closed: search from the end.
        for (int i = openCount - 1; i >= 0; i--) {
            if (open[i] == s) {
                open[i] = open[--openCount];
                open[openCount] = null;
                return;
            }
        }
    }

    int openStatements() {
        return openCount;
    }

    /** Takes the open statements away (for the lease's end), newest first. */
    ProxyStatement takeLastOpen() {
        if (openCount == 0) {
            return null;
        }
        ProxyStatement s = open[--openCount];
        open[openCount] = null;
        return s;
    }

    void markIdle() {
        idleSince = ticker.nanoTime();
    }

    // ---- Watch.Owner: told by tether-net's idle watcher what the server did ----------------------

    @Override
    public long idleNanos() {
        return ticker.nanoTime() - idleSince;
    }

    @Override
    public void peerSeen(PeerSignal signal, long idleNanos, IOException error, boolean atLease) {
        peerSignal = signal;
        JdbcConnector.LOG.debug("{} idle for {} ms: {}{}; it leaves the pool", this, idleNanos / 1_000_000, describe(signal),
                atLease ? " (seen by the lease-time check)" : "");
    }

    private static String describe(PeerSignal signal) {
        switch (signal) {
            case FIN: return "the server closed it";
            case RESET: return "the server reset it";
            case DATA: return "the server sent bytes unasked (its error message before it closes, or a notification)";
            default: return "the network lost it";
        }
    }

    @Override
    public boolean mayHaveTlsHousekeeping() {
        // The driver has read the whole startup exchange (and any TLS tickets with it) before a
        // session is first idle: nothing unasked-for is pending.
        return false;
    }

    @Override
    public boolean isTls() {
        // The watcher judges raw bytes only: a driver's TLS (if any) is not seen through its socket
        // factory's channel, and any byte from a session's server while idle ends it anyway.
        return false;
    }

    @Override
    public PeerSignal readTls() {
        return null;
    }

    @Override
    public String toString() {
        return "session #" + id;
    }
}
