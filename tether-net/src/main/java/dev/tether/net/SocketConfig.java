package dev.tether.net;

import java.time.Duration;
import java.util.Objects;

/**
 * How tether opens and tunes a TCP socket. Immutable; build one with {@link #builder()} or change
 * {@link #DEFAULT} with {@link #toBuilder()}.
 *
 * <p>TCP keepalive is on by default with short timers (15 s idle, then 3 probes 5 s apart), so a
 * peer that vanished without a packet is found in about 30 s instead of after Linux's
 * {@code tcp_keepalive_time} of 7,200 s. The kernel counts these timers in whole seconds, so they
 * must be whole seconds here too: a value is rejected, never rounded.
 */
public final class SocketConfig {

    public static final SocketConfig DEFAULT = builder().build();

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final boolean tcpNoDelay;
    private final boolean keepAlive;
    private final Duration keepAliveIdle;
    private final Duration keepAliveInterval;
    private final int keepAliveCount;
    private final int sendBufferSize;
    private final int receiveBufferSize;

    private SocketConfig(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.writeTimeout = b.writeTimeout;
        this.tcpNoDelay = b.tcpNoDelay;
        this.keepAlive = b.keepAlive;
        this.keepAliveIdle = b.keepAliveIdle;
        this.keepAliveInterval = b.keepAliveInterval;
        this.keepAliveCount = b.keepAliveCount;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The budget for resolving, connecting to every address in turn and the TLS handshake. */
    public Duration connectTimeout() { return connectTimeout; }

    /** The longest a read waits for a byte (a protocol client may set another per exchange). */
    public Duration readTimeout() { return readTimeout; }

    /**
     * The longest a write may wait for the peer to take more bytes (it waits only when the send
     * buffers are full: the peer stopped reading). Large writes are bounded piece by piece, so a
     * slow but steady reader is not cut; a stalled one is, within a few tens of milliseconds.
     */
    public Duration writeTimeout() { return writeTimeout; }

    public boolean tcpNoDelay() { return tcpNoDelay; }

    public boolean keepAlive() { return keepAlive; }

    /** TCP_KEEPIDLE: how long a connection is quiet before the first probe. */
    public Duration keepAliveIdle() { return keepAliveIdle; }

    /** TCP_KEEPINTERVAL: the time between unanswered probes. */
    public Duration keepAliveInterval() { return keepAliveInterval; }

    /** TCP_KEEPCOUNT: unanswered probes after which the kernel drops the connection. */
    public int keepAliveCount() { return keepAliveCount; }

    /** SO_SNDBUF in bytes; 0 leaves the operating system's default. */
    public int sendBufferSize() { return sendBufferSize; }

    /** SO_RCVBUF in bytes; 0 leaves the operating system's default. */
    public int receiveBufferSize() { return receiveBufferSize; }

    /** The longest a silently vanished peer goes unnoticed with these keepalive timers. */
    public Duration keepAliveDetection() {
        return keepAliveIdle.plus(keepAliveInterval.multipliedBy(keepAliveCount));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SocketConfig)) {
            return false;
        }
        SocketConfig c = (SocketConfig) o;
        return connectTimeout.equals(c.connectTimeout) && readTimeout.equals(c.readTimeout)
                && writeTimeout.equals(c.writeTimeout) && tcpNoDelay == c.tcpNoDelay && keepAlive == c.keepAlive
                && keepAliveIdle.equals(c.keepAliveIdle) && keepAliveInterval.equals(c.keepAliveInterval)
                && keepAliveCount == c.keepAliveCount && sendBufferSize == c.sendBufferSize
                && receiveBufferSize == c.receiveBufferSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectTimeout, readTimeout, writeTimeout, tcpNoDelay, keepAlive, keepAliveIdle,
                keepAliveInterval, keepAliveCount, sendBufferSize, receiveBufferSize);
    }

    @Override
    public String toString() {
        return "SocketConfig[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", writeTimeout=" + writeTimeout
                + ", tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive
                + (keepAlive ? " (idle " + keepAliveIdle + ", interval " + keepAliveInterval + ", count " + keepAliveCount + ")" : "")
                + ", sendBufferSize=" + sendBufferSize + ", receiveBufferSize=" + receiveBufferSize + "]";
    }

    public static final class Builder {
        private static final Duration MAX_MILLIS = Duration.ofMillis(Integer.MAX_VALUE);

        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private boolean tcpNoDelay = true;
        private boolean keepAlive = true;
        private Duration keepAliveIdle = Duration.ofSeconds(15);
        private Duration keepAliveInterval = Duration.ofSeconds(5);
        private int keepAliveCount = 3;
        private int sendBufferSize;
        private int receiveBufferSize;

        private Builder() {
        }

        private Builder(SocketConfig c) {
            connectTimeout = c.connectTimeout;
            readTimeout = c.readTimeout;
            writeTimeout = c.writeTimeout;
            tcpNoDelay = c.tcpNoDelay;
            keepAlive = c.keepAlive;
            keepAliveIdle = c.keepAliveIdle;
            keepAliveInterval = c.keepAliveInterval;
            keepAliveCount = c.keepAliveCount;
            sendBufferSize = c.sendBufferSize;
            receiveBufferSize = c.receiveBufferSize;
        }

        public Builder connectTimeout(Duration d) { connectTimeout = Objects.requireNonNull(d, "connectTimeout"); return this; }
        public Builder readTimeout(Duration d) { readTimeout = Objects.requireNonNull(d, "readTimeout"); return this; }
        public Builder writeTimeout(Duration d) { writeTimeout = Objects.requireNonNull(d, "writeTimeout"); return this; }
        public Builder tcpNoDelay(boolean on) { tcpNoDelay = on; return this; }
        public Builder keepAlive(boolean on) { keepAlive = on; return this; }
        public Builder keepAliveIdle(Duration d) { keepAliveIdle = Objects.requireNonNull(d, "keepAliveIdle"); return this; }
        public Builder keepAliveInterval(Duration d) { keepAliveInterval = Objects.requireNonNull(d, "keepAliveInterval"); return this; }
        public Builder keepAliveCount(int n) { keepAliveCount = n; return this; }
        public Builder sendBufferSize(int bytes) { sendBufferSize = bytes; return this; }
        public Builder receiveBufferSize(int bytes) { receiveBufferSize = bytes; return this; }

        /** Validates and builds; a bad value fails here with its field, value and rule, and is never corrected. */
        public SocketConfig build() {
            positiveMillis("connectTimeout", connectTimeout);
            positiveMillis("readTimeout", readTimeout);
            positiveMillis("writeTimeout", writeTimeout);
            wholeSeconds("keepAliveIdle", keepAliveIdle);
            wholeSeconds("keepAliveInterval", keepAliveInterval);
            if (keepAliveCount < 1 || keepAliveCount > 127) {
                throw new IllegalArgumentException("keepAliveCount: " + keepAliveCount + " (expected: 1..127)");
            }
            if (sendBufferSize < 0) {
                throw new IllegalArgumentException("sendBufferSize: " + sendBufferSize + " (expected: >= 0, 0 for the system default)");
            }
            if (receiveBufferSize < 0) {
                throw new IllegalArgumentException("receiveBufferSize: " + receiveBufferSize + " (expected: >= 0, 0 for the system default)");
            }
            return new SocketConfig(this);
        }

        private static void positiveMillis(String field, Duration d) {
            // Socket APIs read 0 as "wait forever": a timeout that rounds to 0 ms would disable itself.
            if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(MAX_MILLIS) > 0) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: >= 1 ms and <= " + Integer.MAX_VALUE + " ms)");
            }
        }

        private static void wholeSeconds(String field, Duration d) {
            if (d.getNano() != 0 || d.getSeconds() < 1 || d.getSeconds() > 32_767) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: whole seconds, 1..32767 s; the kernel counts keepalive timers in seconds)");
            }
        }
    }
}
