package dev.tether.redis.internal;

import dev.tether.net.Connection;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.redis.Command;

import java.io.IOException;
import java.time.Duration;

/**
 * A tether-net {@link Connection} with what Redis keeps per connection: its reply reader, its
 * command buffer, and a read timeout that one call may change (a blocking command waits for its
 * own timeout plus a margin). Owned by one caller at a time (the pool's lease, a session, or a
 * subscriber's thread), so nothing here is shared between threads.
 */
public final class RedisConnection implements RespReader.Hooks {
    private static final int READ_BUFFER = 16 * 1024;
    private static final int WRITE_BUFFER = 8 * 1024;

    final Connection conn;
    final RespReader in;
    final RespWriter out;
    private final Duration normalReadTimeout;
    private boolean timeoutChanged;

    public RedisConnection(Connection conn, RespLimits limits) {
        this.conn = conn;
        this.in = new RespReader(conn.input(), this, READ_BUFFER, limits.maxBulkBytes(), limits.maxArrayLength(), limits.maxNestingDepth(),
                limits.maxReplyBytes());
        this.out = new RespWriter(conn.output(), WRITE_BUFFER);
        this.normalReadTimeout = conn.readTimeout();
    }

    public Connection connection() {
        return conn;
    }

    /** Starts a call: counts a use (the facts of a retry decision start here) and drops unsent bytes. */
    void begin() {
        conn.beginExchange();
        out.reset();
    }

    void write(Command c) throws IOException {
        out.command(c);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Reads the reply of {@code command}, skipping RESP3 push messages meant for no command. */
    Object read(boolean text, String command) throws IOException {
        Object r = in.read(text, command);
        while (r instanceof RespReader.Push) {
            r = in.read(text, command);
        }
        return r;
    }

    /** This call's replies may take {@code timeout} (null: the socket's read timeout). */
    void callTimeout(Duration timeout) throws IOException {
        if (timeout != null && !timeout.equals(normalReadTimeout)) {
            timeoutChanged = true;
            conn.readTimeout(timeout);
        }
    }

    /**
     * Ends a call: puts the read timeout back and says whether the connection may serve another
     * (false when bytes beyond the last reply arrived: the framing is in doubt).
     */
    boolean end() {
        boolean clean = in.buffered() == 0;
        if (timeoutChanged) {
            timeoutChanged = false;
            try {
                conn.readTimeout(normalReadTimeout);
            } catch (IOException | RuntimeException e) {
                clean = false;
            }
        }
        return clean;
    }

    @Override
    public ConnectionFailure protocol(String detail) {
        return conn.failure(Kind.PROTOCOL, detail, null);
    }

    @Override
    public ConnectionFailure closed(String detail) {
        return conn.failure(Kind.PEER_CLOSED, detail, null);
    }

    @Override
    public String toString() {
        return conn.toString();
    }
}
