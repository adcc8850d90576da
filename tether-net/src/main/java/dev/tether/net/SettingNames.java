package dev.tether.net;

import java.util.Objects;

/**
 * How the user spells the settings that a failure message's advice names. tether-net cannot know
 * through which layer a user configured a timeout: someone who built a {@link SocketConfig} by hand
 * types {@code SocketConfig.connectTimeout}, an HTTP client's user types
 * {@code HttpClientConfig.socket(s -> s.connectTimeout(...))}. The protocol client that builds the
 * {@link TcpConnector} supplies its own spelling, so advice always names the knob the reader can turn.
 *
 * <p>Each format has one {@code %s}, replaced by the field name of {@link SocketConfig} or of
 * tether-pool's {@code PoolConfig} (for example {@code connectTimeout}, {@code idleTimeout}).
 * Immutable and thread-safe.
 *
 * @param socketFormat how a {@link SocketConfig} field is set, e.g. {@code "SocketConfig.%s"}
 * @param poolFormat   how a {@code PoolConfig} field is set, e.g. {@code "PoolConfig.%s"}
 * @param tls          where the TLS trust is configured, e.g. {@code "the SSLContext in TlsSettings"}
 */
public record SettingNames(String socketFormat, String poolFormat, String tls) {

    /** The names of tether-net and tether-pool themselves, for users of {@link TcpConnector} directly. */
    public static final SettingNames DEFAULT = new SettingNames("SocketConfig.%s", "PoolConfig.%s",
            "the SSLContext in TlsSettings");

    /**
     * Checks the formats.
     *
     * @param socketFormat how a {@link SocketConfig} field is set, with one {@code %s}
     * @param poolFormat   how a pool field is set, with one {@code %s}
     * @param tls          where the TLS trust is configured
     * @throws IllegalArgumentException if a format is null or has no {@code %s}
     * @throws NullPointerException     if {@code tls} is null
     */
    public SettingNames {
        check("socketFormat", socketFormat);
        check("poolFormat", poolFormat);
        Objects.requireNonNull(tls, "tls: null (expected: a description of where TLS trust is set)");
    }

    /**
     * How the user sets a {@link SocketConfig} field.
     *
     * @param field the field's name, such as {@code connectTimeout}
     * @return the user's spelling of it
     */
    public String socket(String field) {
        return socketFormat.replace("%s", field);
    }

    /**
     * How the user sets a pool field.
     *
     * @param field the field's name, such as {@code idleTimeout}
     * @return the user's spelling of it
     */
    public String pool(String field) {
        return poolFormat.replace("%s", field);
    }

    private static void check(String name, String format) {
        if (format == null || format.indexOf("%s") < 0) {
            throw new IllegalArgumentException(name + ": " + (format == null ? "null" : '"' + format + '"')
                    + " (expected: a format with one %s for the field name)");
        }
    }
}
