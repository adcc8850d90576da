package dev.tether.http;

import java.time.Duration;
import java.util.Locale;

/**
 * The parameters of a {@code Keep-Alive} response header ({@code timeout=5, max=100}), which
 * servers such as Apache httpd and nginx send to say how long they keep an idle connection and
 * how many requests they serve on one. Immutable and thread-safe.
 *
 * <p>Parsing is lenient the way a client must be: a parameter that is missing, negative or not a
 * number promises nothing and is ignored (never an error); quoted values are accepted; names are
 * case-insensitive; unknown parameters are skipped.
 */
public final class KeepAlive {

    /** No header, or one that states neither parameter. */
    public static final KeepAlive NONE = new KeepAlive(-1, -1);

    /** Seconds above this would overflow nanoseconds; such a timeout means "no limit" in practice. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    private final long timeoutSeconds;
    private final long max;

    private KeepAlive(long timeoutSeconds, long max) {
        this.timeoutSeconds = timeoutSeconds;
        this.max = max;
    }

    /**
     * Parses a header value; never fails.
     *
     * @param value the header's value, or null (no header)
     * @return the parameters; {@link #NONE} when neither is stated
     */
    public static KeepAlive parse(String value) {
        if (value == null) {
            return NONE;
        }
        long timeout = -1;
        long max = -1;
        for (String part : value.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String v = p.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                continue; // an unreadable parameter promises nothing: ignore it
            }
            if (n < 0) {
                continue;
            }
            if (name.equals("timeout")) {
                timeout = Math.min(n, MAX_SECONDS);
            } else if (name.equals("max")) {
                max = n;
            }
        }
        return timeout < 0 && max < 0 ? NONE : new KeepAlive(timeout, max);
    }

    /**
     * Whether the header stated an idle timeout.
     *
     * @return true when {@code timeout=} was readable
     */
    public boolean hasTimeout() {
        return timeoutSeconds >= 0;
    }

    /**
     * The server's idle timeout.
     *
     * @return the timeout in whole seconds, or null when the header did not state one
     */
    public Duration timeout() {
        return timeoutSeconds < 0 ? null : Duration.ofSeconds(timeoutSeconds);
    }

    /**
     * The idle timeout in nanoseconds, -1 when not stated: the unit in which tether carries a
     * connection's keep-alive deadline from this header to its pool entry.
     *
     * @return the nanoseconds, or -1
     */
    public long timeoutNanos() {
        return timeoutSeconds < 0 ? -1 : timeoutSeconds * 1_000_000_000L;
    }

    /**
     * The most requests the server serves on one connection.
     *
     * @return the count, or -1 when not stated
     */
    public long max() {
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeepAlive k && k.timeoutSeconds == timeoutSeconds && k.max == max;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timeoutSeconds) * 31 + Long.hashCode(max);
    }

    @Override
    public String toString() {
        if (this == NONE) {
            return "KeepAlive[none]";
        }
        return "KeepAlive[" + (timeoutSeconds >= 0 ? "timeout=" + timeoutSeconds + " s" : "")
                + (timeoutSeconds >= 0 && max >= 0 ? ", " : "") + (max >= 0 ? "max=" + max : "") + "]";
    }
}
