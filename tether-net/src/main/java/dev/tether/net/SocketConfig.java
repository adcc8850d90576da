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
 * must be whole seconds here too: a value is rejected, never rounded. Immutable and thread-safe.
 */
public final class SocketConfig {

    /**
     * The longest {@link #busyPoll()}: past it, polling costs more CPU than the sleep it saves.
     */
    public static final Duration MAX_BUSY_POLL = Duration.ofMillis(1);

    /** Every setting at its default (see each accessor); after the constants its build reads. */
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
    private final Duration busyPoll;

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
        this.busyPoll = b.busyPoll;
    }

    /**
     * Starts a configuration from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a configuration from this one.
     *
     * @return a builder holding this configuration's values
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The budget for resolving, connecting to every address in turn and the TLS handshake.
     *
     * @return the timeout (default 10 s)
     */
    public Duration connectTimeout() { return connectTimeout; }

    /**
     * The longest a read waits for a byte (a protocol client may set another per exchange).
     *
     * @return the timeout (default 30 s)
     */
    public Duration readTimeout() { return readTimeout; }

    /**
     * The longest a write may wait for the peer to take more bytes (it waits only when the send
     * buffers are full: the peer stopped reading). Large writes are bounded piece by piece, so a
     * slow but steady reader is not cut; a stalled one is, within a few tens of milliseconds.
     *
     * @return the timeout (default 30 s)
     */
    public Duration writeTimeout() { return writeTimeout; }

    /**
     * TCP_NODELAY: small writes go out at once instead of waiting for an acknowledgement (Nagle).
     *
     * @return whether it is set (default true)
     */
    public boolean tcpNoDelay() { return tcpNoDelay; }

    /**
     * SO_KEEPALIVE, with the timers below: the kernel probes a quiet connection.
     *
     * @return whether it is set (default true)
     */
    public boolean keepAlive() { return keepAlive; }

    /**
     * TCP_KEEPIDLE: how long a connection is quiet before the first probe.
     *
     * @return whole seconds, 1..32767 s (default 15 s)
     */
    public Duration keepAliveIdle() { return keepAliveIdle; }

    /**
     * TCP_KEEPINTERVAL: the time between unanswered probes.
     *
     * @return whole seconds, 1..32767 s (default 5 s)
     */
    public Duration keepAliveInterval() { return keepAliveInterval; }

    /**
     * TCP_KEEPCOUNT: unanswered probes after which the kernel drops the connection.
     *
     * @return the count, 1..127 (default 3)
     */
    public int keepAliveCount() { return keepAliveCount; }

    /**
     * SO_SNDBUF.
     *
     * @return the size in bytes; 0 (the default) leaves the operating system's
     */
    public int sendBufferSize() { return sendBufferSize; }

    /**
     * SO_RCVBUF.
     *
     * @return the size in bytes; 0 (the default) leaves the operating system's
     */
    public int receiveBufferSize() { return receiveBufferSize; }

    /**
     * How long the first read after a request polls the socket before it sleeps (plain TCP only).
     *
     * <p>Why: an answer from a server on the same host or rack often comes within tens of
     * microseconds. A thread that sleeps for it pays a context switch, and on a virtual machine
     * also waking an idle virtual CPU. Measured on a 2-core VM, that cost more time than the
     * server took to answer: polling for 30 µs ran 1.2-1.3x the requests per second of sleeping
     * at one thread, against nginx and Redis on the same host (see BENCHMARKS.md).
     *
     * <p>What bounds the CPU it spends:
     * <ul>
     *   <li>It only polls on a machine with more than one CPU.</li>
     *   <li>At most half the CPUs (at least one) poll at a time, across every connection of the
     *       process; a read that finds every slot taken sleeps at once.</li>
     *   <li>A connection whose answers came later than the budget twice in a row stops polling,
     *       and tries again on every 64th request.</li>
     * </ul>
     * The time polled counts toward the read timeout.
     *
     * @return the budget (default 30 µs); zero turns polling off
     */
    public Duration busyPoll() { return busyPoll; }

    /**
     * The longest a silently vanished peer goes unnoticed with these keepalive timers.
     *
     * @return idle + interval &times; count (default 30 s)
     */
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
                && receiveBufferSize == c.receiveBufferSize && busyPoll.equals(c.busyPoll);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectTimeout, readTimeout, writeTimeout, tcpNoDelay, keepAlive, keepAliveIdle,
                keepAliveInterval, keepAliveCount, sendBufferSize, receiveBufferSize, busyPoll);
    }

    @Override
    public String toString() {
        return "SocketConfig[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", writeTimeout=" + writeTimeout
                + ", tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive
                + (keepAlive ? " (idle " + keepAliveIdle + ", interval " + keepAliveInterval + ", count " + keepAliveCount + ")" : "")
                + ", sendBufferSize=" + sendBufferSize + ", receiveBufferSize=" + receiveBufferSize + ", busyPoll=" + busyPoll + "]";
    }

    /**
     * Collects values; {@link #build()} checks them. Not thread-safe; each setter replaces the
     * earlier value and returns this builder.
     */
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
        private Duration busyPoll = Duration.ofNanos(30_000);

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
            busyPoll = c.busyPoll;
        }

        /**
         * See {@link SocketConfig#connectTimeout()}.
         *
         * @param d 1 ms to {@link Integer#MAX_VALUE} ms (default 10 s)
         * @return this builder
         * @throws NullPointerException if {@code d} is null
         */
        public Builder connectTimeout(Duration d) { connectTimeout = Objects.requireNonNull(d, "connectTimeout"); return this; }

        /**
         * See {@link SocketConfig#readTimeout()}.
         *
         * @param d 1 ms to {@link Integer#MAX_VALUE} ms (default 30 s)
         * @return this builder
         * @throws NullPointerException if {@code d} is null
         */
        public Builder readTimeout(Duration d) { readTimeout = Objects.requireNonNull(d, "readTimeout"); return this; }

        /**
         * See {@link SocketConfig#writeTimeout()}.
         *
         * @param d 1 ms to {@link Integer#MAX_VALUE} ms (default 30 s)
         * @return this builder
         * @throws NullPointerException if {@code d} is null
         */
        public Builder writeTimeout(Duration d) { writeTimeout = Objects.requireNonNull(d, "writeTimeout"); return this; }

        /**
         * See {@link SocketConfig#tcpNoDelay()}.
         *
         * @param on whether to set TCP_NODELAY (default true)
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) { tcpNoDelay = on; return this; }

        /**
         * See {@link SocketConfig#keepAlive()}.
         *
         * @param on whether to set SO_KEEPALIVE (default true)
         * @return this builder
         */
        public Builder keepAlive(boolean on) { keepAlive = on; return this; }

        /**
         * See {@link SocketConfig#keepAliveIdle()}.
         *
         * @param d whole seconds, 1..32767 s (default 15 s)
         * @return this builder
         * @throws NullPointerException if {@code d} is null
         */
        public Builder keepAliveIdle(Duration d) { keepAliveIdle = Objects.requireNonNull(d, "keepAliveIdle"); return this; }

        /**
         * See {@link SocketConfig#keepAliveInterval()}.
         *
         * @param d whole seconds, 1..32767 s (default 5 s)
         * @return this builder
         * @throws NullPointerException if {@code d} is null
         */
        public Builder keepAliveInterval(Duration d) { keepAliveInterval = Objects.requireNonNull(d, "keepAliveInterval"); return this; }

        /**
         * See {@link SocketConfig#keepAliveCount()}.
         *
         * @param n 1..127 (default 3)
         * @return this builder
         */
        public Builder keepAliveCount(int n) { keepAliveCount = n; return this; }

        /**
         * See {@link SocketConfig#sendBufferSize()}.
         *
         * @param bytes at least 0; 0 (the default) leaves the operating system's size
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) { sendBufferSize = bytes; return this; }

        /**
         * See {@link SocketConfig#receiveBufferSize()}.
         *
         * @param bytes at least 0; 0 (the default) leaves the operating system's size
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) { receiveBufferSize = bytes; return this; }

        /**
         * See {@link SocketConfig#busyPoll()}.
         *
         * @param d 0 (off) to {@link SocketConfig#MAX_BUSY_POLL} (default 30 µs)
         * @return this builder
         * @throws NullPointerException if {@code d} is null
         */
        public Builder busyPoll(Duration d) { busyPoll = Objects.requireNonNull(d, "busyPoll"); return this; }

        /**
         * Validates and builds; a bad value fails here with its field, value and rule, and is never corrected.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the field, the value and the rule it breaks
         */
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
            if (busyPoll.isNegative() || busyPoll.compareTo(MAX_BUSY_POLL) > 0) {
                throw new IllegalArgumentException("busyPoll: " + busyPoll + " (expected: 0 (off) to " + MAX_BUSY_POLL
                        + "; longer polls cost more CPU than the sleep they save)");
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
