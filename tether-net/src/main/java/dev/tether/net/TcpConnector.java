package dev.tether.net;

import dev.tether.net.internal.BusyPoll;
import dev.tether.net.internal.Dialer;
import dev.tether.net.internal.IdleWatcher;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens TCP and TLS connections for tether-pool and keeps idle ones honest.
 *
 * <ol>
 *   <li>{@code open}: resolve, try each address within the connect timeout, set TCP_NODELAY and
 *       keepalive with short timers, and for TLS handshake with SNI and hostname verification.
 *       Every failure is a {@link ConnectionFailure} with a {@link ConnectionFailure.Kind}.</li>
 *   <li>{@code onIdle}: hand the connection to the JVM's one idle watcher (no system call), which
 *       registers it a few milliseconds later unless it was leased again, then closes it with
 *       {@link Reason#PEER_CLOSED} as soon as the peer shows any sign (FIN, RST, bytes, an error),
 *       records how long it had been idle and tells the {@link IdleCloseListener}.</li>
 *   <li>{@code onLease}: take it back from the watcher (which has let go when this returns), make
 *       the zero-wait check (one non-blocking read: no byte and no EOF means alive; a plain TCP
 *       channel is non-blocking for good, so no mode switch either way, and a TLS one is left in
 *       blocking mode), unless it came back less than {@link Builder#leaseCheckAfterIdle} ago;
 *       {@code isReusable} reports that verdict.</li>
 *   <li>{@code close}: the one place a connection is closed, with the pool's reason.</li>
 * </ol>
 *
 * <p>Immutable and thread-safe: one connector serves every connection of a pool, from any thread.
 */
public final class TcpConnector implements Connector<Endpoint, Connection> {

    /**
     * The longest {@link Builder#leaseCheckAfterIdle}: a millisecond, below the idle watcher's
     * registration delay, so a connection the watcher has taken over is always checked.
     */
    public static final Duration MAX_LEASE_CHECK_AFTER_IDLE = Duration.ofMillis(1);

    // Read by each Connection it opens, which keeps a reference to its connector instead of copies.
    final SocketConfig socketConfig;
    final Ticker ticker;
    final SettingNames names;
    final IdleCloseListener listener;
    final long writeTimeoutNanos;
    /** SocketConfig.busyPoll in nanoseconds; 0 when it is off or the machine has one CPU. */
    final long busyPollNanos;
    private final boolean watchIdle;
    private final IdleWatcher watcher;
    private final long leaseCheckAfterIdleNanos;
    private final Dialer dialer;

    private TcpConnector(Builder b) {
        this.socketConfig = b.socketConfig;
        this.ticker = b.ticker;
        this.names = b.names;
        this.listener = b.listener;
        this.writeTimeoutNanos = b.socketConfig.writeTimeout().toNanos();
        this.busyPollNanos = BusyPoll.SHARED == null ? 0 : b.socketConfig.busyPoll().toNanos();
        this.watchIdle = b.watchIdle;
        this.watcher = b.watcher;
        this.leaseCheckAfterIdleNanos = b.leaseCheckAfterIdle.toNanos();
        this.dialer = new Dialer(b.socketConfig, b.resolver, b.ticker, b.names);
    }

    /**
     * Starts a connector from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A connector with {@link SocketConfig#DEFAULT} and the system resolver.
     *
     * @return the connector
     */
    public static TcpConnector create() {
        return builder().build();
    }

    /**
     * How this connector opens and tunes sockets.
     *
     * @return the socket configuration
     */
    public SocketConfig socketConfig() {
        return socketConfig;
    }

    /**
     * The clock that connections measure their age and idle time with.
     *
     * @return the ticker
     */
    public Ticker ticker() {
        return ticker;
    }

    /**
     * Opens a connection within the connect timeout (outside a pool). The caller owns it and
     * closes it with {@link #close(Connection, Reason)}.
     *
     * @param endpoint where to connect
     * @return the open connection
     * @throws ConnectionFailure if resolving, connecting or the TLS handshake fails or times out
     */
    public Connection open(Endpoint endpoint) throws ConnectionFailure {
        // No caller deadline: connectTimeout alone bounds the open (and is what the message names).
        return open(endpoint, Deadline.none());
    }

    /**
     * Opens a connection within the earlier of {@code deadline} and the connect timeout.
     *
     * @param endpoint where to connect
     * @param deadline the caller's deadline
     * @return the open connection
     * @throws ConnectionFailure if resolving, connecting or the TLS handshake fails or times out
     */
    @Override
    public Connection open(Endpoint endpoint, Deadline deadline) throws ConnectionFailure {
        long id = Connection.nextId();
        Dialer.Dialed d = dialer.dial(endpoint, deadline, id);
        try {
            return new Connection(id, endpoint, this, d.channel(), d.ssl(), d.remote());
        } catch (IOException e) {
            try {
                d.channel().close();
            } catch (IOException ignored) {
                // failed before anyone could use it
            }
            throw new ConnectionFailure(ConnectionFailure.Kind.PROTOCOL, "connection #" + id + " to "
                    + endpoint.authority() + " could not set up its streams: " + e, ConnectionFacts.notOpened(endpoint, id), e);
        }
    }

    @Override
    public boolean isReusable(Connection c, long idleNanos) {
        return c.leaseCheckPassed && c.isOpen();
    }

    @Override
    public void onIdle(Connection c, IdleHandle handle) {
        if (!watchIdle) {
            return;
        }
        watcher.watch(c.watch, handle);
    }

    @Override
    public void onLease(Connection c) {
        if (!watchIdle) {
            return;
        }
        try {
            c.leaseCheckPassed = c.leaseCheckPassed && watcher.release(c.watch, leaseCheckAfterIdleNanos);
        } catch (IOException e) {
            c.leaseCheckPassed = false;
        }
    }

    @Override
    public int localPort(Connection c) {
        return c.localAddress() == null ? -1 : c.localAddress().getPort();
    }

    @Override
    public void close(Connection c, Reason reason) {
        c.close(Objects.requireNonNull(reason, "reason"), watcher);
    }

    /**
     * Collects a connector's collaborators. Not thread-safe; each setter replaces the earlier
     * value and returns this builder.
     */
    public static final class Builder {
        private SocketConfig socketConfig = SocketConfig.DEFAULT;
        private Ticker ticker = Ticker.SYSTEM;
        private SettingNames names = SettingNames.DEFAULT;
        private Resolver resolver = Resolver.SYSTEM;
        private IdleCloseListener listener = IdleCloseListener.NONE;
        private boolean watchIdle = true;
        private IdleWatcher watcher = IdleWatcher.shared();
        private Duration leaseCheckAfterIdle = Duration.ZERO;

        private Builder() {
        }

        /**
         * How sockets are opened and tuned (default {@link SocketConfig#DEFAULT}).
         *
         * @param config the socket configuration
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder socketConfig(SocketConfig config) { socketConfig = Objects.requireNonNull(config, "socketConfig"); return this; }

        /**
         * How host names become addresses (default {@link Resolver#SYSTEM}).
         *
         * @param r the resolver
         * @return this builder
         * @throws NullPointerException if {@code r} is null
         */
        public Builder resolver(Resolver r) { resolver = Objects.requireNonNull(r, "resolver"); return this; }

        /**
         * The clock for connections' ages, idle times and connect budgets (default
         * {@link Ticker#SYSTEM}); give the pool's, so that both read the same time.
         *
         * @param t the clock
         * @return this builder
         * @throws NullPointerException if {@code t} is null
         */
        public Builder ticker(Ticker t) { ticker = Objects.requireNonNull(t, "ticker"); return this; }

        /**
         * How failure messages name the settings they advise changing (default
         * {@link SettingNames#DEFAULT}); a protocol client passes its users' spelling.
         *
         * @param n the spelling
         * @return this builder
         * @throws NullPointerException if {@code n} is null
         */
        public Builder settingNames(SettingNames n) { names = Objects.requireNonNull(n, "settingNames"); return this; }

        /**
         * Who hears about idle connections the peer closed (default {@link IdleCloseListener#NONE}).
         *
         * @param l the listener
         * @return this builder
         * @throws NullPointerException if {@code l} is null
         */
        public Builder idleCloseListener(IdleCloseListener l) { listener = Objects.requireNonNull(l, "idleCloseListener"); return this; }

        /**
         * Whether idle connections are watched (default true). Off only to measure what watching
         * buys: without it a closed idle connection sits in CLOSE_WAIT until it is leased again.
         *
         * @param on whether to watch
         * @return this builder
         */
        public Builder watchIdle(boolean on) { watchIdle = on; return this; }

        /**
         * How long a connection must have been back in the pool for its lease to make the
         * zero-wait check (default ZERO: every lease does). A protocol whose server closes a
         * connection only when told to or after an idle timeout of its own (Redis) may skip the
         * check, one system call, for a connection returned a moment ago: a close within that
         * moment is then found by the request, as a close during it would be. At most
         * {@link #MAX_LEASE_CHECK_AFTER_IDLE}, far below any server's idle timeout.
         *
         * @param d the idle time from which leases are checked
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative or above the maximum
         */
        public Builder leaseCheckAfterIdle(Duration d) {
            Objects.requireNonNull(d, "leaseCheckAfterIdle");
            if (d.isNegative() || d.compareTo(MAX_LEASE_CHECK_AFTER_IDLE) > 0) {
                throw new IllegalArgumentException("leaseCheckAfterIdle: " + d + " (expected: >= 0 and <= "
                        + MAX_LEASE_CHECK_AFTER_IDLE + ")");
            }
            leaseCheckAfterIdle = d;
            return this;
        }

        /** Tests only: a watcher of their own (another registration delay) instead of the shared one. */
        Builder idleWatcher(IdleWatcher w) { watcher = Objects.requireNonNull(w, "idleWatcher"); return this; }

        /**
         * Builds the connector.
         *
         * @return the immutable connector
         */
        public TcpConnector build() {
            return new TcpConnector(this);
        }
    }
}
