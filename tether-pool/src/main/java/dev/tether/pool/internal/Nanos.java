package dev.tether.pool.internal;

import java.time.Duration;

/**
 * Time on the pool's {@link dev.tether.pool.Ticker}: nanoseconds from an arbitrary origin, which
 * may be negative, like {@link System#nanoTime()}.
 *
 * <p>Two rules keep every comparison right wherever the origin lies:
 * <ol>
 *   <li>Two times are compared by their difference ({@code now - at >= 0}), never with {@code <}:
 *       the difference stays right when the values wrap around.</li>
 *   <li>"No time" (no deadline, no expiry, nothing scheduled, no backoff) has one spelling,
 *       {@link #NONE}, and it is tested for explicitly before any difference is taken: the
 *       difference {@code now - NONE} is negative only while {@code now} is not.</li>
 * </ol>
 */
public final class Nanos {
    /**
     * No time. {@link Long#MAX_VALUE}, which is also what {@code maintain(now)} returns for
     * "nothing scheduled" and what a Duration too long for a long saturates to.
     */
    public static final long NONE = Long.MAX_VALUE;

    private Nanos() {
    }

    /** {@code d} in nanoseconds, saturating: NONE above the range of a long, MIN_VALUE below it. */
    public static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : NONE;
        }
    }

    /** The ticker time {@code nanos} (>= 0, or NONE) after {@code now}; NONE stays NONE. */
    public static long after(long now, long nanos) {
        if (nanos == NONE) {
            return NONE;
        }
        long at = now + nanos; // wraps where the ticker does, see the class comment
        return at == NONE ? NONE - 1 : at;
    }

    /** Whether {@code at} (a time, or NONE) has come by {@code now}. */
    public static boolean reached(long now, long at) {
        return at != NONE && now - at >= 0;
    }

    /** The earlier of two times, either of which may be NONE. */
    public static long earlier(long a, long b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }
}
