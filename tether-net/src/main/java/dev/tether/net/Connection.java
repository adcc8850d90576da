package dev.tether.net;

import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.internal.BusyPoll;
import dev.tether.net.internal.Classifier;
import dev.tether.net.internal.IdleWatcher;
import dev.tether.net.internal.Messages;
import dev.tether.net.internal.Phase;
import dev.tether.net.internal.Waiter;
import dev.tether.net.internal.Watch;
import dev.tether.net.internal.WriteGuard;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP or TLS connection opened by {@link TcpConnector}. While leased it is used through
 * {@link #input()} and {@link #output()}, whose failures are {@link ConnectionFailure}s carrying
 * this connection's history. While idle in a pool it belongs to the idle watcher.
 *
 * <p>A plain TCP connection's channel stays in non-blocking mode for its whole life: its streams
 * wait for readiness with a selector of their own ({@link Waiter}), so neither a read with a
 * timeout nor the lease-time check switches modes (each switch is two {@code fcntl} calls). A
 * TLS connection's channel is in blocking mode while leased, under the JDK's TLS socket.
 *
 * <p>A protocol client calls {@link #beginExchange()} before each request; the connection then
 * counts the request bytes written and notes whether any response byte arrived, the facts a retry
 * decision needs ({@link #facts()}). Closing the streams does not close the connection: give the
 * lease back, or retire it. The connector is the one place that closes it, always with a reason.
 *
 * <p>Thread safety: one owner at a time (the lease holder, or the idle watcher while it is idle)
 * reads, writes and begins exchanges; the accessors that report state may be called from any
 * thread and see the latest values.
 */
public final class Connection {
    private static final AtomicLong IDS = new AtomicLong();
    /** Answers in a row later than the busy-poll budget after which a connection stops polling. */
    static final int MISSES_BEFORE_BACKOFF = 2;
    /** A connection that stopped polling tries again on every this many requests (a power of two). */
    static final int REPROBE_EVERY = 64;

    private final long id;
    private final Endpoint endpoint;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final SocketChannel channel;
    private final SSLSocket ssl;
    /**
     * The connector that opened it: its clock, its users' names for settings, its listener and
     * write timeout are the same for all its connections, so each keeps one reference to them
     * rather than copies (an idle connection should cost little heap).
     */
    private final TcpConnector from;
    /** When it opened, as an Instant's two fields (an idle connection should cost little heap). */
    private final long openedEpochSecond;
    private final int openedNano;
    private final long openedNanos;
    private final Input in;
    private final Output out;
    /**
     * Plain TCP: waits for readiness of the non-blocking channel. Made at the first wait of a
     * lease and dropped when the watcher takes the idle connection (an idle connection should
     * cost little heap); volatile for {@link #close} on another thread.
     */
    private volatile Waiter waiter;
    final Watch watch;

    // Written by the owner (or the watcher while it owns the connection); read by anyone.
    // Times are on the connector's Ticker.
    private volatile long lastUsedNanos;
    private volatile int useCount;
    private volatile long idleBeforeUseNanos;
    private volatile long bytesWritten;
    private volatile boolean responseStarted;
    private volatile boolean everRead;
    /** How often a TLS read found only housekeeping (bounded, so a chatty peer cannot keep it). */
    private int tlsAbsorbs;
    private static final int MAX_TLS_HOUSEKEEPING = 3;
    private volatile Duration readTimeout;
    private volatile IdleClose idleClose;
    private volatile Reason closeReason;
    /** The lease-time check's verdict, reported by isReusable. */
    volatile boolean leaseCheckPassed = true;

    /** Write deadlines: see {@link WriteGuard}. */
    private static final int WRITE_PIECE = 64 * 1024;
    private static final long NO_WRITE = Long.MIN_VALUE;
    /** When the write under way must have finished (ticker nanos), or NO_WRITE; read by the guard. */
    private volatile long writeDeadline = NO_WRITE;
    /** The caller's deadline that also bounds writes (a request deadline), or none. */
    private volatile Deadline callerWriteDeadline = Deadline.none();
    /** Whether the guard stopped a write because it was overdue. */
    private volatile boolean writeStopped;
    /** Whether the last overdue write was bounded by the caller's deadline rather than the write timeout. */
    private volatile boolean writeStoppedByCaller;

    static long nextId() {
        return IDS.incrementAndGet();
    }

    Connection(long id, Endpoint endpoint, TcpConnector from, SocketChannel channel, SSLSocket ssl,
               InetSocketAddress remote) throws IOException {
        this.id = id;
        this.endpoint = endpoint;
        this.from = from;
        this.channel = channel;
        this.ssl = ssl;
        this.remote = remote;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        Instant now = Instant.now();
        this.openedEpochSecond = now.getEpochSecond();
        this.openedNano = now.getNano();
        this.openedNanos = from.ticker.nanoTime();
        this.lastUsedNanos = openedNanos;
        this.readTimeout = from.socketConfig.readTimeout();
        // Plain TCP reads and writes the channel itself: no stream of the JDK's socket adaptor.
        InputStream rawIn = ssl != null ? ssl.getInputStream() : null;
        OutputStream rawOut = ssl != null ? ssl.getOutputStream() : null;
        if (ssl == null) {
            channel.configureBlocking(false); // for good: see the class comment
        }
        this.in = new Input(rawIn);
        this.out = new Output(rawOut);
        this.watch = new Watch(channel, out, ssl == null);
        if (ssl != null) {
            // Only a TLS write blocks (under the JDK's socket); a plain TCP write waits for room
            // itself and ends when overdue, so it needs no guard thread looking at it.
            WriteGuard.shared().register(out);
        }
    }

    /**
     * The connection's id, unique in this JVM; logs and failures name it.
     *
     * @return the id, counting from 1
     */
    public long id() { return id; }

    /**
     * Where the connection goes, as it was asked for.
     *
     * @return the endpoint
     */
    public Endpoint endpoint() { return endpoint; }

    /**
     * The address this connection reached (one of those the resolver gave).
     *
     * @return the remote address and port
     */
    public InetSocketAddress remoteAddress() { return remote; }

    /**
     * The local address and port (the port identifies this socket in {@code ss} or /proc/net/tcp).
     *
     * @return the local address and port
     */
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * When the connection was opened, on the wall clock (for display only).
     *
     * @return the time the connect finished
     */
    public Instant openedAt() { return Instant.ofEpochSecond(openedEpochSecond, openedNano); }

    /**
     * How long the connection has been open, on the connector's ticker.
     *
     * @return the age
     */
    public Duration age() { return Duration.ofNanos(from.ticker.nanoTime() - openedNanos); }

    /**
     * When a byte was last read or written (the opening, if none yet).
     *
     * @return the time, derived from {@link #openedAt()} and the ticker
     */
    public Instant lastUsed() {
        return openedAt().plusNanos(lastUsedNanos - openedNanos);
    }

    /**
     * How long no byte has gone either way: what a server's idle timer measures.
     *
     * @return the idle time, never negative
     */
    public Duration idleTime() {
        return Duration.ofNanos(Math.max(0, from.ticker.nanoTime() - lastUsedNanos));
    }

    /**
     * How long it sat unused before the current exchange began, in nanoseconds of the connector's
     * ticker (what {@link ConnectionFacts#idleBeforeUse()} reports, without allocating).
     *
     * @return the nanoseconds, never negative
     */
    public long idleBeforeUseNanos() { return Math.max(0, idleBeforeUseNanos); }

    /**
     * Exchanges begun on this connection ({@link #beginExchange()} calls).
     *
     * @return the count; 0 before the first
     */
    public int useCount() { return useCount; }

    /**
     * Whether the current exchange runs on a connection that served an earlier one.
     *
     * @return {@code useCount() > 1}
     */
    public boolean wasReused() { return useCount > 1; }

    /**
     * Bytes of the current exchange handed to the socket, including a write that failed.
     *
     * @return the count since {@link #beginExchange()}
     */
    public long requestBytesWritten() { return bytesWritten; }

    /**
     * Whether any byte was read in the current exchange.
     *
     * @return true once a byte arrived since {@link #beginExchange()}
     */
    public boolean responseStarted() { return responseStarted; }

    /**
     * Whether the connection runs TLS.
     *
     * @return true for TLS, false for plain TCP
     */
    public boolean isTls() { return ssl != null; }

    /**
     * The TLS session: protocol, cipher suite, peer certificates.
     *
     * @return the session, or null for plain TCP
     */
    public SSLSession sslSession() { return ssl != null ? ssl.getSession() : null; }

    /**
     * How the peer ended this connection while it was idle.
     *
     * @return the close seen, or null if the peer did not end it while idle
     */
    public IdleClose idleClose() { return idleClose; }

    /**
     * Why it was closed.
     *
     * @return the reason, or null while open
     */
    public Reason closeReason() { return closeReason; }

    /**
     * Whether the connection is still open on this side (the peer may have gone: see
     * {@link #idleClose()} and the reuse check).
     *
     * @return false once the connector closed it
     */
    public boolean isOpen() { return channel.isOpen() && closeReason == null; }

    /**
     * Reads: never blocks longer than the read timeout; failures are {@link ConnectionFailure}s.
     * Closing the stream does not close the connection.
     *
     * @return the connection's input stream, the same on every call
     */
    public InputStream input() { return in; }

    /**
     * Writes go straight to the socket (add a buffer on top); a write waits at most the write
     * timeout; failures are {@link ConnectionFailure}s. Closing the stream does not close the
     * connection.
     *
     * @return the connection's output stream, the same on every call
     */
    public OutputStream output() { return out; }

    /**
     * Starts an exchange (a request and its response): counts a use, remembers how long the
     * connection sat unused before it, and resets the request/response facts.
     */
    public void beginExchange() {
        long now = from.ticker.nanoTime();
        idleBeforeUseNanos = now - lastUsedNanos;
        useCount++;
        bytesWritten = 0;
        responseStarted = false;
    }

    /**
     * Bounds every write of the current exchange by {@code deadline} too (for example a request's
     * deadline), besides the write timeout; {@link Deadline#none()} lifts it.
     *
     * @param deadline the caller's deadline for writes, on the connector's ticker
     */
    public void writeDeadline(Deadline deadline) {
        callerWriteDeadline = deadline;
    }

    private void armWrite() {
        long now = from.ticker.nanoTime();
        long d = now + from.writeTimeoutNanos;
        boolean byCaller = false;
        Deadline caller = callerWriteDeadline;
        if (!caller.isNone()) {
            long left = Math.max(0, caller.remainingNanos());
            if (left < from.writeTimeoutNanos) {
                d = now + left;
                byCaller = true;
            }
        }
        writeStoppedByCaller = byCaller;
        writeDeadline = d;
    }

    /** A failed write as the owner sees it: WRITE_TIMEOUT if the guard stopped it. */
    private ConnectionFailure writeFailure(IOException e) {
        if (writeStopped && !(e instanceof ConnectionFailure)) {
            String detail = writeStoppedByCaller ? "the caller's deadline passed" : null;
            ConnectionFacts f = facts();
            return new ConnectionFailure(Kind.WRITE_TIMEOUT, Messages.describe(Kind.WRITE_TIMEOUT, f, detail,
                    writeStoppedByCaller ? null : Duration.ofNanos(from.writeTimeoutNanos), from.names), f, e);
        }
        return failure(e, true);
    }

    /**
     * Changes the read timeout from now on (for example for one slow call).
     *
     * @param timeout at least 1 ms and at most {@link Integer#MAX_VALUE} ms
     * @throws IllegalArgumentException if {@code timeout} is null or out of range
     * @throws IOException              if the socket refuses the option (it was closed)
     */
    public void readTimeout(Duration timeout) throws IOException {
        if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("readTimeout: " + timeout + " (expected: >= 1 ms and <= " + Integer.MAX_VALUE + " ms)");
        }
        readTimeout = timeout;
        if (ssl != null) {
            ssl.setSoTimeout((int) timeout.toMillis());
        } // plain TCP: the next read's wait reads the field
    }

    /**
     * The read timeout in force: how long a read waits for a byte.
     *
     * @return the timeout ({@link SocketConfig#readTimeout()} unless changed)
     */
    public Duration readTimeout() { return readTimeout; }

    /**
     * A snapshot of the facts a retry decision and a failure message need.
     *
     * @return the facts, immutable
     */
    public ConnectionFacts facts() {
        return new ConnectionFacts(endpoint, id, true, age(), Duration.ofNanos(Math.max(0, idleBeforeUseNanos)),
                useCount, bytesWritten, responseStarted);
    }

    /**
     * A failure of this connection found by the protocol (an unexpected end of stream is
     * {@link Kind#PEER_CLOSED}, a malformed response {@link Kind#PROTOCOL}), with its history.
     *
     * @param kind   what went wrong
     * @param detail what the protocol saw, for the message (no secrets), or null
     * @param cause  the underlying exception, or null
     * @return the failure to throw
     */
    public ConnectionFailure failure(Kind kind, String detail, Throwable cause) {
        ConnectionFacts f = facts();
        Duration timeout = kind == Kind.READ_TIMEOUT ? readTimeout : null;
        return new ConnectionFailure(kind, Messages.describe(kind, f, detail, timeout, from.names), f, cause);
    }

    /**
     * Turns an I/O exception met while using this connection into a classified failure.
     *
     * @param e            the exception; a {@link ConnectionFailure} is returned as it is
     * @param whileWriting whether it happened while writing (decides, for example, a broken pipe)
     * @return the failure to throw
     */
    public ConnectionFailure failure(IOException e, boolean whileWriting) {
        if (e instanceof ConnectionFailure) {
            return (ConnectionFailure) e;
        }
        Kind kind = Classifier.classify(whileWriting ? Phase.WRITE : Phase.READ, e);
        return failure(kind, null, e);
    }

    /** The one place a connection is closed (the connector calls it exactly once). */
    void close(Reason reason, IdleWatcher watcher) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        if (ssl != null) {
            WriteGuard.shared().unregister(out);
        }
        watcher.forget(watch);
        // No TLS close_notify: sending it can block on a full send buffer, and a close must not.
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the descriptor is released either way
        }
        Waiter w = waiter;
        if (w != null) {
            // After the channel's close: the JDK releases the descriptor of a channel once its
            // last selector lets go of it, and a wait under way ends as an asynchronous close.
            w.release();
        }
        watcher.closed(watch);
    }

    /**
     * An idle TLS connection became readable (on the watcher thread, channel deregistered; or at
     * lease time when bytes wait): let the TLS layer read what arrived, waiting at most 1 ms. The
     * server's post-handshake messages (TLS 1.3 session tickets) are consumed and are no sign of
     * life: null, keep watching (at most {@value #MAX_TLS_HOUSEKEEPING} times). A close_notify, or
     * anything else the TLS layer reads as the end of the stream, is the peer's close: FIN, the
     * same as on a plain connection, so a client learns from it. Application data is DATA.
     */
    private PeerSignal readTls() {
        try {
            channel.configureBlocking(true);
            ssl.setSoTimeout(1);
            int b = ssl.getInputStream().read();
            return b < 0 ? PeerSignal.FIN : PeerSignal.DATA;
        } catch (java.net.SocketTimeoutException onlyHousekeeping) {
            return ++tlsAbsorbs > MAX_TLS_HOUSEKEEPING ? PeerSignal.DATA : null;
        } catch (IOException e) {
            if (Classifier.isReset(e)) {
                return PeerSignal.RESET;
            }
            // An alert or a stream cut without close_notify: the TLS layer says the peer is done.
            return e instanceof javax.net.ssl.SSLException || e instanceof java.io.EOFException ? PeerSignal.FIN : PeerSignal.LOST;
        } finally {
            try {
                ssl.setSoTimeout((int) readTimeout.toMillis());
            } catch (SocketException ignored) {
                // closed: the watcher or the lease check will see it
            }
        }
    }

    /** For tests: answers in a row that came later than the busy-poll budget (0 to {@link #MISSES_BEFORE_BACKOFF}). */
    int pollMisses() {
        return in.pollMisses;
    }

    /** For tests: whether a read or write of this lease has slept on the connection's selector. */
    boolean hasWaiter() {
        return waiter != null;
    }

    /** The owner's waiter, made on first need (owner thread only). */
    private Waiter waiter() {
        Waiter w = waiter;
        if (w == null) {
            w = new Waiter(channel);
            waiter = w; // published before its selector opens: see Waiter.await and close()
        }
        return w;
    }

    @Override
    public String toString() {
        return "Connection#" + id + "[" + endpoint + " via " + remote + ", uses " + useCount
                + (closeReason != null ? ", closed " + closeReason : "") + "]";
    }

    private final class Input extends InputStream {
        private final InputStream raw;
        /** Plain TCP: the caller's array wrapped once (callers read into the same buffer each time). */
        private byte[] wrapped;
        private ByteBuffer buffer;
        /**
         * Plain TCP, owner only: the last I/O was a write, so the read that follows is most likely
         * for an answer that has not arrived yet; it waits for readiness before reading.
         */
        private boolean answerAwaited;
        /**
         * Owner only: how many answers in a row came later than the busy-poll budget (at most
         * {@link #MISSES_BEFORE_BACKOFF}), and the requests since this connection stopped polling.
         * Bytes: they fit in the object's padding, so an idle connection costs nothing more.
         */
        private byte pollMisses;
        private byte sincePoll;

        Input(InputStream raw) {
            this.raw = raw;
        }

        /**
         * A read of the non-blocking channel that waits at most the read timeout for a first byte
         * (real time, as SO_TIMEOUT did): the clock is read only when nothing has arrived yet.
         */
        private int readPlain(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (b != wrapped) {
                wrapped = b;
                buffer = ByteBuffer.wrap(b);
            }
            ByteBuffer buf = buffer;
            buf.limit(off + len).position(off);
            int n;
            long start;
            if (answerAwaited) {
                // Right after a request the answer is still on its way (measured: the first read
                // found nothing 85 % of the time against a Redis on the same host). Poll for it a
                // little while (busyPoll), or wait first, which saves that read's system call; a
                // wait for what is there returns at once. The poll counts toward the read timeout.
                answerAwaited = false;
                start = Waiter.CLOCK.nanoTime();
                if (from.busyPollNanos > 0 && (n = poll(buf, start)) != 0) {
                    return n;
                }
            } else if ((n = channel.read(buf)) != 0) {
                return n;
            } else {
                start = Waiter.CLOCK.nanoTime();
            }
            long budget = readTimeout.toNanos();
            while (true) {
                long left = budget - (Waiter.CLOCK.nanoTime() - start);
                if (left <= 0) {
                    throw new SocketTimeoutException("Read timed out");
                }
                waiter().await(SelectionKey.OP_READ, left);
                n = channel.read(buf);
                if (n != 0) {
                    return n;
                }
            }
        }

        /**
         * Polls the channel for up to {@code busyPollNanos} from {@code start} instead of sleeping
         * (see {@link SocketConfig#busyPoll()}): what a read returned, or 0 when nothing came in
         * time, no polling slot was free, or this connection's answers have been coming later.
         */
        private int poll(ByteBuffer buf, long start) throws IOException {
            if (pollMisses >= MISSES_BEFORE_BACKOFF && (++sincePoll & (REPROBE_EVERY - 1)) != 0) {
                return 0; // this server answers later than the budget: sleep, and try again now and then
            }
            BusyPoll slots = BusyPoll.SHARED;
            if (!slots.enter()) {
                return 0;
            }
            try {
                long until = start + from.busyPollNanos;
                do {
                    int n = channel.read(buf);
                    if (n != 0) {
                        pollMisses = 0;
                        return n;
                    }
                    Thread.onSpinWait();
                } while (Waiter.CLOCK.nanoTime() - until < 0);
            } finally {
                slots.exit();
            }
            if (pollMisses < MISSES_BEFORE_BACKOFF) {
                pollMisses++;
            }
            return 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = raw == null ? readPlain(b, off, len) : raw.read(b, off, len);
            } catch (IOException e) {
                throw failure(e, false);
            }
            if (n > 0) {
                responseStarted = true;
                everRead = true;
            }
            lastUsedNanos = from.ticker.nanoTime();
            return n;
        }

        @Override
        public int available() throws IOException {
            if (raw == null) {
                // Rare (a drain decision): the socket adaptor is made on first use only.
                try {
                    return channel.socket().getInputStream().available();
                } catch (IOException e) {
                    throw failure(e, false);
                }
            }
            return raw.available();
        }

        /** Drops the wrapper of the caller's buffer (the idle watcher's thread, the owner not reading). */
        void release() {
            wrapped = null;
            buffer = null;
        }

        @Override
        public void close() {
            // Deliberately not closing the socket: the lease decides its fate.
        }
    }

    /**
     * The output stream, and also the idle watcher's and the write guard's view of this
     * connection (one object rather than three: an idle connection should cost little heap). An
     * overdue write is ended by shutting the output down (not a close).
     */
    private final class Output extends OutputStream implements Watch.Owner, WriteGuard.Guarded {
        /** The TLS socket's stream; null for plain TCP, written through the channel. */
        private final OutputStream raw;
        private byte[] wrapped;
        private ByteBuffer buffer;

        Output(OutputStream raw) {
            this.raw = raw;
        }

        /**
         * Writes all of it to the non-blocking channel. While the send buffer is full it waits for
         * room in slices of the write guard's tick and ends an overdue write as the guard would
         * (shutting the output down), so the write timeout holds as it did for a blocking write.
         */
        private void writePlain(byte[] b, int off, int len) throws IOException {
            if (b != wrapped) {
                wrapped = b;
                buffer = ByteBuffer.wrap(b);
            }
            ByteBuffer buf = buffer;
            buf.limit(off + len).position(off);
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    if (writeOverdue()) {
                        stopWrite(); // the next write fails: WRITE_TIMEOUT
                    } else {
                        waiter().await(SelectionKey.OP_WRITE, WriteGuard.TICK_NANOS);
                    }
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            // Counted before the call: a write that fails may still have sent part of it.
            bytesWritten += len;
            try {
                // In pieces, each with its own deadline: the write timeout bounds how long the
                // peer may take no bytes at all, not how long a large body takes to send.
                while (len > 0) {
                    int n = Math.min(len, WRITE_PIECE);
                    armWrite();
                    if (raw != null) {
                        raw.write(b, off, n);
                    } else {
                        writePlain(b, off, n);
                        in.answerAwaited = true;
                    }
                    off += n;
                    len -= n;
                }
            } catch (IOException e) {
                throw writeFailure(e);
            } finally {
                writeDeadline = NO_WRITE;
                lastUsedNanos = from.ticker.nanoTime();
            }
        }

        /** Drops the wrapper of the caller's buffer (the idle watcher's thread, the owner not writing). */
        void release() {
            wrapped = null;
            buffer = null;
        }

        @Override
        public void flush() throws IOException {
            if (raw == null) {
                return; // plain TCP: every write went to the socket at once
            }
            try {
                armWrite();
                raw.flush();
            } catch (IOException e) {
                throw writeFailure(e);
            } finally {
                writeDeadline = NO_WRITE;
            }
        }

        @Override
        public void close() {
            // Deliberately not closing the socket: the lease decides its fate.
        }

        @Override
        public long idleNanos() {
            return from.ticker.nanoTime() - lastUsedNanos;
        }

        @Override
        public void peerSeen(PeerSignal signal, long idleNanos, IOException error, boolean atLease) {
            IdleClose c = new IdleClose(signal, Duration.ofNanos(Math.max(0, idleNanos)), error, atLease);
            idleClose = c;
            try {
                from.listener.peerClosedIdle(Connection.this, c);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Connection.class).warn("IdleCloseListener failed for {}", Connection.this, e);
            }
        }

        @Override
        public boolean isTls() {
            return ssl != null;
        }

        @Override
        public boolean mayHaveTlsHousekeeping() {
            return ssl != null && !everRead && tlsAbsorbs < MAX_TLS_HOUSEKEEPING;
        }

        @Override
        public PeerSignal readTls() {
            return Connection.this.readTls();
        }

        @Override
        public void watchedByWatcher() {
            Waiter w = waiter;
            if (ssl == null) {
                // Idle for a while: no selector of its own, nor wrappers of the caller's buffers,
                // until it is used again.
                if (w != null) {
                    waiter = null;
                    w.release();
                }
                in.release();
                out.release();
            }
        }

        @Override
        public boolean writeOverdue() {
            long d = writeDeadline;
            return d != NO_WRITE && from.ticker.nanoTime() - d >= 0;
        }

        @Override
        public void stopWrite() {
            writeStopped = true;
            try {
                channel.shutdownOutput(); // the blocked write fails at once; the owner retires the connection
            } catch (IOException | RuntimeException alreadyGone) {
                // closed meanwhile: the write has failed anyway
            }
        }
    
    }
}
