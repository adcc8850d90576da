package dev.tether.chaos;

import dev.tether.chaos.internal.Names;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One fault, as a value: a type, the stream it acts on, the probability that it applies to a
 * connection ({@code toxicity}) and its attributes. Immutable; {@link #toBuilder()} and the
 * {@code with} methods make changed copies. Attributes missing from the builder take the
 * type's defaults, so a built toxic always carries every attribute its type reads. Thread-safe,
 * being immutable; its {@link Builder} is not.
 *
 * <pre>{@code
 * proxy.addToxic(Toxic.latency(Duration.ofMillis(200)).withStream(Stream.UPSTREAM));
 * proxy.addToxic(Toxic.idleClose(Duration.ofSeconds(5), true));
 * }</pre>
 */
public final class Toxic {

    private final String name;
    private final ToxicType type;
    private final Stream stream;
    private final double toxicity;
    private final Map<String, Object> attributes;

    private Toxic(Builder b) {
        this.type = Objects.requireNonNull(b.type, "type");
        this.stream = b.stream;
        this.name = b.name != null ? b.name : type.jsonName() + "_" + stream.jsonName();
        Names.check("name", name);
        if (!(b.toxicity >= 0.0 && b.toxicity <= 1.0)) {
            throw ChaosException.badRequest("toxicity: " + b.toxicity + " (expected: 0.0 to 1.0)");
        }
        this.toxicity = b.toxicity;
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (ToxicType.Attribute a : type.attributes()) {
            Object value = b.attributes.containsKey(a.name()) ? b.attributes.get(a.name()) : a.defaultValue();
            attrs.put(a.name(), a.validate(value));
        }
        this.attributes = Collections.unmodifiableMap(attrs);
    }

    /**
     * Starts a toxic of a type: downstream, toxicity 1.0, every attribute at the type's default.
     *
     * @param type the fault
     * @return a new builder
     * @throws NullPointerException if {@code type} is null
     */
    public static Builder builder(ToxicType type) {
        return new Builder(type);
    }

    /**
     * Starts a toxic from this one.
     *
     * @return a builder holding this toxic's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.name = name;
        b.stream = stream;
        b.toxicity = toxicity;
        b.attributes.putAll(attributes);
        return b;
    }

    // Factories for each type, downstream, named <type>_downstream like Toxiproxy's defaults.
    // Durations are whole milliseconds on the wire (slicer's delay whole microseconds): finer parts are dropped.

    /**
     * Delays each chunk of data (LATENCY).
     *
     * @param latency the delay, 0 to 1 h
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic latency(Duration latency) {
        return latency(latency, Duration.ZERO);
    }

    /**
     * Delays each chunk of data by {@code latency}, plus or minus up to {@code jitter} (LATENCY).
     *
     * @param latency the delay, 0 to 1 h
     * @param jitter the spread, 0 to 1 h
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic latency(Duration latency, Duration jitter) {
        return builder(ToxicType.LATENCY).attribute("latency", millis(latency)).attribute("jitter", millis(jitter)).build();
    }

    /**
     * At most {@code kilobytesPerSecond} KB/s; 0 stops the data (BANDWIDTH).
     *
     * @param kilobytesPerSecond the rate, 0 to 100,000,000 KB/s
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic bandwidth(long kilobytesPerSecond) {
        return builder(ToxicType.BANDWIDTH).attribute("rate", kilobytesPerSecond).build();
    }

    /**
     * Delays passing on a close (FIN) (SLOW_CLOSE).
     *
     * @param delay the delay, 0 to 1 h
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic slowClose(Duration delay) {
        return builder(ToxicType.SLOW_CLOSE).attribute("delay", millis(delay)).build();
    }

    /**
     * Drops the data and closes after {@code timeout}; {@link Duration#ZERO} never closes (TIMEOUT).
     *
     * @param timeout 0 to 1 h
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic timeout(Duration timeout) {
        return builder(ToxicType.TIMEOUT).attribute("timeout", millis(timeout)).build();
    }

    /**
     * On the first data, waits {@code timeout} and resets the connection (RESET_PEER).
     *
     * @param timeout 0 to 1 h
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic resetPeer(Duration timeout) {
        return builder(ToxicType.RESET_PEER).attribute("timeout", millis(timeout)).build();
    }

    /**
     * Slices of {@code averageSize} plus or minus {@code sizeVariation} bytes, {@code delay} apart, to the microsecond (SLICER).
     *
     * @param averageSize bytes, 1 to 1 GiB
     * @param sizeVariation bytes, 0 to 1 GiB
     * @param delay 0 to 1 h
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic slicer(int averageSize, int sizeVariation, Duration delay) {
        return builder(ToxicType.SLICER).attribute("average_size", averageSize)
                .attribute("size_variation", sizeVariation)
                .attribute("delay", micros(delay)).build();
    }

    /**
     * Passes {@code bytes} bytes, then closes the connection (LIMIT_DATA).
     *
     * @param bytes at least 0
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic limitData(long bytes) {
        return builder(ToxicType.LIMIT_DATA).attribute("bytes", bytes).build();
    }

    /**
     * Stops forwarding and reading, keeping both sockets open (BLACKHOLE): a peer that vanished.
     *
     * @return the toxic
     */
    public static Toxic blackhole() {
        return builder(ToxicType.BLACKHOLE).build();
    }

    /**
     * Resets every live connection of the proxy when added (RESET_NOW).
     *
     * @return the toxic
     */
    public static Toxic resetNow() {
        return builder(ToxicType.RESET_NOW).build();
    }

    /**
     * Sends FIN to the stream's receiver and resets it at its next write (HALF_CLOSE).
     *
     * @return the toxic
     */
    public static Toxic halfClose() {
        return builder(ToxicType.HALF_CLOSE).build();
    }

    /**
     * Keeps listening but resets every new connection at once (REFUSE).
     *
     * @return the toxic
     */
    public static Toxic refuse() {
        return builder(ToxicType.REFUSE).build();
    }

    /**
     * Stops accepting, so the backlog fills and new connects time out (STALL_ACCEPT).
     *
     * @return the toxic
     */
    public static Toxic stallAccept() {
        return builder(ToxicType.STALL_ACCEPT).build();
    }

    /**
     * Closes connections idle longer than {@code timeout}, with an RST if {@code rst}, else a FIN.
     *
     * @param timeout 1 ms to 1 h
     * @param rst true for an RST, false for a FIN
     * @return the toxic
     * @throws ChaosException BAD_REQUEST (400) naming the attribute, the value and its range
     */
    public static Toxic idleClose(Duration timeout, boolean rst) {
        return builder(ToxicType.IDLE_CLOSE).attribute("timeout", millis(timeout))
                .attribute("mode", rst ? "rst" : "fin").build();
    }

    /**
     * This toxic under another name.
     *
     * @param name 1 to 128 characters without {@code /} or control characters; null: the default {@code <type>_<stream>}
     * @return a changed copy
     * @throws ChaosException BAD_REQUEST (400) if the name is not allowed
     */
    public Toxic withName(String name) {
        return toBuilder().name(name).build();
    }

    /**
     * This toxic on the other stream; a default name follows the stream.
     *
     * @param stream the stream
     * @return a changed copy
     * @throws NullPointerException if {@code stream} is null
     */
    public Toxic withStream(Stream stream) {
        Builder b = toBuilder().stream(stream);
        // A default name follows the stream, as it would have been derived from it.
        if (name.equals(type.jsonName() + "_" + this.stream.jsonName())) {
            b.name(null);
        }
        return b.build();
    }

    /**
     * This toxic with another probability of applying to a connection.
     *
     * @param toxicity 0.0 to 1.0
     * @return a changed copy
     * @throws ChaosException BAD_REQUEST (400) if out of range
     */
    public Toxic withToxicity(double toxicity) {
        return toBuilder().toxicity(toxicity).build();
    }

    /**
     * The toxic's name, unique on its proxy.
     *
     * @return the name (default {@code <type>_<stream>})
     */
    public String name() {
        return name;
    }

    /**
     * The fault.
     *
     * @return the type
     */
    public ToxicType type() {
        return type;
    }

    /**
     * Which way it acts.
     *
     * @return the stream (default {@link Stream#DOWNSTREAM})
     */
    public Stream stream() {
        return stream;
    }

    /**
     * The probability that it applies to a given connection.
     *
     * @return 0.0 to 1.0 (default 1.0)
     */
    public double toxicity() {
        return toxicity;
    }

    /**
     * Every attribute of the type, in the type's order: {@code Long} or {@code String} values.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * A number attribute of this toxic's type.
     *
     * @param attribute the attribute's name, such as {@code latency}
     * @return its value, in the attribute's unit
     * @throws IllegalArgumentException if the type has no number attribute of that name
     */
    public long longAttribute(String attribute) {
        Object value = attributes.get(attribute);
        if (!(value instanceof Long l)) {
            throw new IllegalArgumentException("attribute: " + attribute
                    + " (expected: a number attribute of " + type.jsonName() + ")");
        }
        return l;
    }

    /**
     * A word attribute of this toxic's type.
     *
     * @param attribute the attribute's name, such as {@code mode}
     * @return its value
     * @throws IllegalArgumentException if the type has no word attribute of that name
     */
    public String stringAttribute(String attribute) {
        Object value = attributes.get(attribute);
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("attribute: " + attribute
                    + " (expected: a word attribute of " + type.jsonName() + ")");
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Toxic t && name.equals(t.name) && type == t.type && stream == t.stream
                && toxicity == t.toxicity && attributes.equals(t.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, stream, toxicity, attributes);
    }

    @Override
    public String toString() {
        return "Toxic{" + name + ", " + type.jsonName() + ", " + stream.jsonName() + ", toxicity="
                + toxicity + ", " + attributes + "}";
    }

    /** Whole ms of {@code d}, exact even past a long, so that the attribute's range check sees the real value. */
    private static BigInteger millis(Duration d) {
        return BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1000))
                .add(BigInteger.valueOf(d.getNano() / 1_000_000));
    }

    private static BigInteger micros(Duration d) {
        return BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1_000_000))
                .add(BigInteger.valueOf(d.getNano() / 1000));
    }

    /**
     * Collects a toxic's values; {@link #build()} checks them. Not thread-safe.
     */
    public static final class Builder {
        private final ToxicType type;
        private String name;
        private Stream stream = Stream.DOWNSTREAM;
        private double toxicity = 1.0;
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        private Builder(ToxicType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /**
         * The name; {@code null} means Toxiproxy's default, {@code <type>_<stream>}.
         *
         * @param name 1 to 128 characters without {@code /} or control characters, or null
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Which way it acts (default {@link Stream#DOWNSTREAM}).
         *
         * @param stream the stream
         * @return this builder
         * @throws NullPointerException if {@code stream} is null
         */
        public Builder stream(Stream stream) {
            this.stream = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Probability, 0.0 to 1.0, that the toxic applies to a given connection.
         *
         * @param toxicity checked in {@link #build()} (default 1.0)
         * @return this builder
         */
        public Builder toxicity(double toxicity) {
            this.toxicity = toxicity;
            return this;
        }

        /**
         * Sets one attribute; names the type does not read are ignored at build.
         *
         * @param name the attribute's name
         * @param value a whole number or a word, checked in {@link #build()}
         * @return this builder
         */
        public Builder attribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        /**
         * Checks the name, the toxicity and every attribute, and builds the toxic.
         *
         * @return the immutable toxic
         * @throws ChaosException BAD_REQUEST (400) naming the field, the value and the rule
         */
        public Toxic build() {
            return new Toxic(this);
        }
    }
}
