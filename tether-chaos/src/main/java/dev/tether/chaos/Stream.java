package dev.tether.chaos;

import java.util.Locale;

/**
 * Which way a toxic acts: {@link #UPSTREAM} is the data the client sends to the server,
 * {@link #DOWNSTREAM} the data the server sends back. The JSON names are Toxiproxy's.
 */
public enum Stream {
    /** Client to server. */
    UPSTREAM,
    /** Server to client. */
    DOWNSTREAM;

    /**
     * The name used in the control API: {@code upstream} or {@code downstream}.
     *
     * @return the lower-case name
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The other way.
     *
     * @return the opposite stream
     */
    public Stream opposite() {
        return this == UPSTREAM ? DOWNSTREAM : UPSTREAM;
    }

    /**
     * Parses a control-API stream name.
     *
     * @param value {@code upstream} or {@code downstream}
     * @return the stream
     * @throws ChaosException BAD_REQUEST naming the value when it is neither stream
     */
    public static Stream fromJson(String value) {
        if ("upstream".equals(value)) {
            return UPSTREAM;
        }
        if ("downstream".equals(value)) {
            return DOWNSTREAM;
        }
        throw ChaosException.badRequest(
                "stream: " + value + " (expected: upstream or downstream)");
    }
}
