package dev.tether.chaos;

import java.util.List;
import java.util.Locale;

/**
 * Every fault the lab can inject. The first seven are Toxiproxy's, with its attribute names
 * and meanings (times in milliseconds unless said otherwise); the rest are faults Toxiproxy
 * cannot produce, in the same JSON shape.
 */
public enum ToxicType {
    /** Delays each chunk by {@code latency} ms, plus or minus up to {@code jitter} ms. */
    LATENCY(Attribute.number("latency", 0, 0), Attribute.number("jitter", 0, 0)),
    /** Passes at most {@code rate} KB/s; a rate of 0 holds the data back entirely. */
    BANDWIDTH(Attribute.number("rate", 0, 0)),
    /** Delays the propagation of a close (FIN) by {@code delay} ms. */
    SLOW_CLOSE(Attribute.number("delay", 0, 0)),
    /** Drops all data; closes the connection after {@code timeout} ms (0: never). */
    TIMEOUT(Attribute.number("timeout", 0, 0)),
    /** On the first data, waits {@code timeout} ms and resets the connection (RST). */
    RESET_PEER(Attribute.number("timeout", 0, 0)),
    /** Cuts data into slices of about {@code average_size} bytes, {@code delay} µs apart. */
    SLICER(Attribute.number("average_size", 0, 1), Attribute.number("size_variation", 0, 0),
            Attribute.number("delay", 0, 0)),
    /** Passes {@code bytes} bytes, then closes the connection. */
    LIMIT_DATA(Attribute.number("bytes", 0, 0)),
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
    IDLE_CLOSE(Attribute.number("timeout", 0, 1), Attribute.choice("mode", "fin", "fin", "rst"));

    private final List<Attribute> attributes;

    ToxicType(Attribute... attributes) {
        this.attributes = List.of(attributes);
    }

    /** The attributes this type reads, with their defaults; any other attribute is ignored. */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** The name used in the control API, such as {@code limit_data}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a control-API type name.
     *
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
     * One attribute of a toxic type: a whole number with a default and a minimum, or a word from
     * a fixed set.
     */
    public record Attribute(String name, Object defaultValue, long min, List<String> choices) {

        static Attribute number(String name, long defaultValue, long min) {
            return new Attribute(name, defaultValue, min, List.of());
        }

        static Attribute choice(String name, String defaultValue, String... choices) {
            return new Attribute(name, defaultValue, 0, List.of(choices));
        }

        /** Whether the value is a word rather than a number. */
        public boolean isChoice() {
            return !choices.isEmpty();
        }

        /**
         * Checks a value for this attribute and returns it in its canonical form (a
         * {@code Long} or a {@code String}).
         *
         * @throws ChaosException BAD_REQUEST naming the attribute, the value and the rule
         */
        public Object validate(Object value) {
            if (isChoice()) {
                if (!(value instanceof String) || !choices.contains(value)) {
                    throw ChaosException.badRequest(name + ": " + value + " (expected: one of "
                            + String.join(", ", choices) + ")");
                }
                return value;
            }
            long number;
            if (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte) {
                number = ((Number) value).longValue();
            } else if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && !Double.isInfinite(n.doubleValue())) {
                number = n.longValue();
            } else {
                throw ChaosException.badRequest(name + ": " + value + " (expected: a whole number)");
            }
            if (number < min) {
                throw ChaosException.badRequest(name + ": " + number + " (expected: >= " + min + ")");
            }
            return number;
        }
    }
}
