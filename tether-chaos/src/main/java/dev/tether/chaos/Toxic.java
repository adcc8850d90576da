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
 * type's defaults, so a built toxic always carries every attribute its type reads.
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

    public static Builder builder(ToxicType type) {
        return new Builder(type);
    }

    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.name = name;
        b.stream = stream;
        b.toxicity = toxicity;
        b.attributes.putAll(attributes);
        return b;
    }

    // Factories for each type, downstream, named <type>_downstream like Toxiproxy's defaults.

    public static Toxic latency(Duration latency) {
        return latency(latency, Duration.ZERO);
    }

    public static Toxic latency(Duration latency, Duration jitter) {
        return builder(ToxicType.LATENCY).attribute("latency", millis(latency)).attribute("jitter", millis(jitter)).build();
    }

    /** At most {@code kilobytesPerSecond} KB/s; 0 stops the data. */
    public static Toxic bandwidth(long kilobytesPerSecond) {
        return builder(ToxicType.BANDWIDTH).attribute("rate", kilobytesPerSecond).build();
    }

    public static Toxic slowClose(Duration delay) {
        return builder(ToxicType.SLOW_CLOSE).attribute("delay", millis(delay)).build();
    }

    /** Drops the data and closes after {@code timeout}; {@link Duration#ZERO} never closes. */
    public static Toxic timeout(Duration timeout) {
        return builder(ToxicType.TIMEOUT).attribute("timeout", millis(timeout)).build();
    }

    public static Toxic resetPeer(Duration timeout) {
        return builder(ToxicType.RESET_PEER).attribute("timeout", millis(timeout)).build();
    }

    /** Slices of {@code averageSize} ± {@code sizeVariation} bytes, {@code delay} apart (µs precision). */
    public static Toxic slicer(int averageSize, int sizeVariation, Duration delay) {
        return builder(ToxicType.SLICER).attribute("average_size", averageSize)
                .attribute("size_variation", sizeVariation)
                .attribute("delay", micros(delay)).build();
    }

    public static Toxic limitData(long bytes) {
        return builder(ToxicType.LIMIT_DATA).attribute("bytes", bytes).build();
    }

    public static Toxic blackhole() {
        return builder(ToxicType.BLACKHOLE).build();
    }

    public static Toxic resetNow() {
        return builder(ToxicType.RESET_NOW).build();
    }

    public static Toxic halfClose() {
        return builder(ToxicType.HALF_CLOSE).build();
    }

    public static Toxic refuse() {
        return builder(ToxicType.REFUSE).build();
    }

    public static Toxic stallAccept() {
        return builder(ToxicType.STALL_ACCEPT).build();
    }

    /** Closes connections idle longer than {@code timeout}, with an RST if {@code rst}, else a FIN. */
    public static Toxic idleClose(Duration timeout, boolean rst) {
        return builder(ToxicType.IDLE_CLOSE).attribute("timeout", millis(timeout))
                .attribute("mode", rst ? "rst" : "fin").build();
    }

    public Toxic withName(String name) {
        return toBuilder().name(name).build();
    }

    public Toxic withStream(Stream stream) {
        Builder b = toBuilder().stream(stream);
        // A default name follows the stream, as it would have been derived from it.
        if (name.equals(type.jsonName() + "_" + this.stream.jsonName())) {
            b.name(null);
        }
        return b.build();
    }

    public Toxic withToxicity(double toxicity) {
        return toBuilder().toxicity(toxicity).build();
    }

    public String name() {
        return name;
    }

    public ToxicType type() {
        return type;
    }

    public Stream stream() {
        return stream;
    }

    public double toxicity() {
        return toxicity;
    }

    /** Every attribute of the type, in the type's order: {@code Long} or {@code String} values. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** A number attribute of this toxic's type. */
    public long longAttribute(String attribute) {
        Object value = attributes.get(attribute);
        if (!(value instanceof Long l)) {
            throw new IllegalArgumentException("attribute: " + attribute
                    + " (expected: a number attribute of " + type.jsonName() + ")");
        }
        return l;
    }

    /** A word attribute of this toxic's type. */
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

    public static final class Builder {
        private final ToxicType type;
        private String name;
        private Stream stream = Stream.DOWNSTREAM;
        private double toxicity = 1.0;
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        private Builder(ToxicType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** The name; {@code null} means Toxiproxy's default, {@code <type>_<stream>}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder stream(Stream stream) {
            this.stream = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /** Probability, 0.0 to 1.0, that the toxic applies to a given connection. */
        public Builder toxicity(double toxicity) {
            this.toxicity = toxicity;
            return this;
        }

        /** Sets one attribute; names the type does not read are ignored at build. */
        public Builder attribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        /**
         * @throws ChaosException BAD_REQUEST naming the field, the value and the rule
         */
        public Toxic build() {
            return new Toxic(this);
        }
    }
}
