package dev.tether.pool;

import java.time.Duration;

/** A point in time on a {@link Ticker}, by which an operation (such as opening a connection) must finish. */
public final class Deadline {
    private static final Deadline NONE = new Deadline(null, Long.MAX_VALUE);

    private final Ticker ticker;
    private final long atNanos;

    private Deadline(Ticker ticker, long atNanos) {
        this.ticker = ticker;
        this.atNanos = atNanos;
    }

    public static Deadline at(Ticker ticker, long atNanos) {
        return new Deadline(ticker, atNanos);
    }

    /** No deadline: never expires; {@link #remainingNanos()} is {@link Long#MAX_VALUE}. */
    public static Deadline none() {
        return NONE;
    }

    /** Whether this is {@link #none()}. */
    public boolean isNone() {
        return this == NONE;
    }

    public static Deadline after(Ticker ticker, Duration timeout) {
        return new Deadline(ticker, ticker.nanoTime() + saturatedNanos(timeout));
    }

    /** The deadline in the ticker's nanoseconds. */
    public long atNanos() {
        return atNanos;
    }

    public long remainingNanos() {
        if (this == NONE) {
            return Long.MAX_VALUE;
        }
        return atNanos - ticker.nanoTime();
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos()));
    }

    public boolean isExpired() {
        return remainingNanos() <= 0;
    }

    /**
     * What is left in whole milliseconds, never below {@code floor}: socket APIs treat 0 as
     * "forever", so a deadline that has just passed must still map to a small positive timeout.
     */
    public int remainingMillisAtLeast(int floor) {
        long ms = remainingNanos() / 1_000_000L;
        return (int) Math.max(floor, Math.min(Integer.MAX_VALUE, ms));
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return this == NONE ? "Deadline[none]" : "Deadline[in " + remaining().toMillis() + " ms]";
    }
}
