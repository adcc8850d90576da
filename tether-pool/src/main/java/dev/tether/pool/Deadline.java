package dev.tether.pool;

import dev.tether.pool.internal.Nanos;

import java.time.Duration;

/**
 * A point in time on a {@link Ticker}, by which an operation (such as opening a connection) must
 * finish; or {@link #none()}, which never comes. Immutable and thread-safe; the time left is read
 * from the ticker at each call.
 */
public final class Deadline {
    private static final Deadline NONE = new Deadline(null, Nanos.NONE);

    private final Ticker ticker; // null for NONE
    private final long atNanos;

    private Deadline(Ticker ticker, long atNanos) {
        this.ticker = ticker;
        this.atNanos = atNanos;
    }

    /**
     * The deadline that never expires.
     *
     * @return the shared deadline that never expires
     */
    public static Deadline none() {
        return NONE;
    }

    /**
     * The deadline at a point on a ticker.
     *
     * @param ticker  the clock the point is on
     * @param atNanos the point, in the ticker's nanoseconds; {@link Long#MAX_VALUE} means {@link #none()}
     * @return the deadline
     */
    public static Deadline at(Ticker ticker, long atNanos) {
        return atNanos == Nanos.NONE ? NONE : new Deadline(ticker, atNanos);
    }

    /**
     * The deadline {@code timeout} from now.
     *
     * @param ticker  the clock to read now from
     * @param timeout how long from now; a timeout too long to count in nanoseconds (about 292 years)
     *                is {@link #none()}
     * @return the deadline
     */
    public static Deadline after(Ticker ticker, Duration timeout) {
        long nanos = Nanos.saturated(timeout);
        if (nanos == Nanos.NONE) {
            return NONE;
        }
        return new Deadline(ticker, ticker.nanoTime() + nanos);
    }

    /**
     * Whether this is {@link #none()}: nothing to wait for, nothing to time out.
     *
     * @return true for the deadline that never expires
     */
    public boolean isNone() {
        return ticker == null;
    }

    /**
     * The point in time.
     *
     * @return the deadline in the ticker's nanoseconds; {@link Long#MAX_VALUE} for {@link #none()}
     */
    public long atNanos() {
        return atNanos;
    }

    /**
     * What is left, in nanoseconds.
     *
     * @return the nanoseconds left, negative once passed; {@link Long#MAX_VALUE} for {@link #none()}
     */
    public long remainingNanos() {
        return ticker == null ? Long.MAX_VALUE : atNanos - ticker.nanoTime();
    }

    /**
     * What is left.
     *
     * @return the time left, never negative; about 292 years for {@link #none()}
     */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos()));
    }

    /**
     * Whether the deadline has come.
     *
     * @return true once no time is left; never for {@link #none()}
     */
    public boolean isExpired() {
        return remainingNanos() <= 0;
    }

    /**
     * What is left in whole milliseconds, never below {@code floor}: socket APIs treat 0 as
     * "forever", so a deadline that has just passed must still map to a small positive timeout.
     *
     * @param floor the smallest value returned, in milliseconds
     * @return the milliseconds left, at least {@code floor}; {@link Integer#MAX_VALUE} for {@link #none()}
     */
    public int remainingMillisAtLeast(int floor) {
        long ms = remainingNanos() / 1_000_000L;
        return (int) Math.max(floor, Math.min(Integer.MAX_VALUE, ms));
    }

    @Override
    public String toString() {
        return ticker == null ? "Deadline[none]" : "Deadline[in " + remaining().toMillis() + " ms]";
    }
}
