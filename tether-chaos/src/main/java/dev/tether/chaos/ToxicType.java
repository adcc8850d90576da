package dev.tether.chaos;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

/**
 * Every fault the lab can inject. The first seven are Toxiproxy's, with its attribute names
 * and meanings (times in milliseconds unless said otherwise); the rest are faults Toxiproxy
 * cannot produce, in the same JSON shape. Each constant's attributes are immutable.
 */
public enum ToxicType {
    /** Delays each chunk by {@code latency} ms, plus or minus up to {@code jitter} ms. */
    LATENCY(Attribute.millis("latency", 0), Attribute.millis("jitter", 0)),
    /** Passes at most {@code rate} KB/s; a rate of 0 holds the data back entirely. */
    BANDWIDTH(Attribute.number("rate", 0, 0, Attribute.MAX_RATE, "KB/s")),
    /** Delays the propagation of a close (FIN) by {@code delay} ms. */
    SLOW_CLOSE(Attribute.millis("delay", 0)),
    /** Drops all data; closes the connection after {@code timeout} ms (0: never). */
    TIMEOUT(Attribute.millis("timeout", 0)),
    /** On the first data, waits {@code timeout} ms and resets the connection (RST). */
    RESET_PEER(Attribute.millis("timeout", 0)),
    /** Cuts data into slices of about {@code average_size} bytes, {@code delay} µs apart. */
    SLICER(Attribute.number("average_size", 0, 1, Attribute.MAX_SIZE, "bytes"),
            Attribute.number("size_variation", 0, 0, Attribute.MAX_SIZE, "bytes"),
            Attribute.number("delay", 0, 0, Attribute.MAX_MILLIS * 1000, "µs")),
    /** Passes {@code bytes} bytes, then closes the connection. */
    LIMIT_DATA(Attribute.number("bytes", 0, 0, Long.MAX_VALUE, "bytes")),
    /** Stops forwarding and reading in its stream, keeping both sockets open. */
    BLACKHOLE,
    /** Resets every live connection of the proxy at once, idle ones too, when added. */
    RESET_NOW,
    /** Sends FIN to the stream's receiver and resets it at its next write. */
    HALF_CLOSE,
    /** Keeps listening but resets every new connection at once. */
    REFUSE,
    /** Stops accepting, so the backlog fills and new connects time out. */
    STALL_ACCEPT,
    /** Closes a connection idle for more than {@code timeout} ms, with {@code mode} fin or rst. */
    IDLE_CLOSE(Attribute.number("timeout", 0, 1, Attribute.MAX_MILLIS, "ms"), Attribute.choice("mode", "fin", "fin", "rst"));

    private final List<Attribute> attributes;

    ToxicType(Attribute... attributes) {
        this.attributes = List.of(attributes);
    }

    /**
     * The attributes this type reads, with their defaults; any other attribute is ignored.
     *
     * @return an unmodifiable list, in the JSON order
     */
    public List<Attribute> attributes() {
        return attributes;
    }

    /**
     * The name used in the control API, such as {@code limit_data}.
     *
     * @return the lower-case name
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a control-API type name.
     *
     * @param value the name, such as {@code latency}
     * @return the type
     * @throws ChaosException BAD_REQUEST naming the value when no type has that name
     */
    public static ToxicType fromJson(String value) {
        for (ToxicType type : values()) {
            if (type.jsonName().equals(value)) {
                return type;
            }
        }
        throw ChaosException.badRequest("type: " + value + " (expected: one of "
                + String.join(", ", List.of(values()).stream().map(ToxicType::jsonName).toList())
                + ")");
    }

    /**
     * One attribute of a toxic type: a whole number with a default, a range and a unit, or a word
     * from a fixed set.
     *
     * <p>The ranges keep every value meaningful and every sum the proxy makes with it (a deadline
     * in nanoseconds, a slice size, a rate times a time) inside a {@code long}: durations up to
     * one hour, sizes up to 1 GiB, rates up to 100 GB/s, byte counts up to {@link Long#MAX_VALUE}.
     *
     * @param name         the attribute's JSON name
     * @param defaultValue its value when a toxic does not set it ({@code Long} or {@code String})
     * @param min          the smallest number allowed
     * @param max          the largest number allowed
     * @param unit         the number's unit, as messages name it ({@code ms}, {@code bytes}...)
     * @param choices      the words allowed; empty for a number
     */
    public record Attribute(String name, Object defaultValue, long min, long max, String unit, List<String> choices) {

        /** The longest duration attribute, in ms: one hour. */
        public static final long MAX_MILLIS = 3_600_000;
        /** The largest size attribute, in bytes: 1 GiB. */
        public static final long MAX_SIZE = 1L << 30;
        /** The highest bandwidth, in KB/s: 100 GB/s, far above what loopback carries. */
        public static final long MAX_RATE = 100_000_000;

        static Attribute number(String name, long defaultValue, long min, long max, String unit) {
            return new Attribute(name, defaultValue, min, max, unit, List.of());
        }

        static Attribute millis(String name, long defaultValue) {
            return number(name, defaultValue, 0, MAX_MILLIS, "ms");
        }

        static Attribute choice(String name, String defaultValue, String... choices) {
            return new Attribute(name, defaultValue, 0, 0, "", List.of(choices));
        }

        /**
         * Whether the value is a word rather than a number.
         *
         * @return true for a word attribute
         */
        public boolean isChoice() {
            return !choices.isEmpty();
        }

        /**
         * Checks a value for this attribute and returns it in its canonical form (a
         * {@code Long} or a {@code String}). A number is compared exactly, whatever its Java type:
         * a value beyond the range is refused, never wrapped, rounded or saturated.
         *
         * @param value the value given: any {@code Number} type, or a {@code String} for a word
         * @return the value as a {@code Long} or a {@code String}
         * @throws ChaosException BAD_REQUEST naming the attribute, the value and the range
         */
        public Object validate(Object value) {
            if (isChoice()) {
                if (!(value instanceof String) || !choices.contains(value)) {
                    throw ChaosException.badRequest(name + ": " + value + " (expected: one of "
                            + String.join(", ", choices) + ")");
                }
                return value;
            }
            BigDecimal number = exact(value);
            if (number == null || number.signum() != 0 && number.stripTrailingZeros().scale() > 0
                    || number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
                String shown = value instanceof BigDecimal d ? d.stripTrailingZeros().toString() : String.valueOf(value);
                throw ChaosException.badRequest(name + ": " + shown + " (expected: " + range() + ")");
            }
            return number.longValueExact();
        }

        /**
         * The rule, as error messages state it: "a whole number of ms from 0 to 3600000".
         *
         * @return the rule
         */
        public String range() {
            return "a whole number of " + unit + " from " + min + " to " + max;
        }

        /** {@code value} as an exact decimal, or null if it is not a finite number. */
        private static BigDecimal exact(Object value) {
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return BigDecimal.valueOf(((Number) value).longValue());
            }
            if (value instanceof BigInteger b) {
                return new BigDecimal(b);
            }
            if (value instanceof BigDecimal d) {
                return d;
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? new BigDecimal(d) : null;
            }
            return null;
        }
    }
}
