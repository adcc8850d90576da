package dev.tether.chaos;

import dev.tether.chaos.internal.Names;
import java.util.Objects;

/**
 * What defines a proxy, in Toxiproxy's terms: a unique name, the address it listens on
 * ({@code 127.0.0.1:0} picks a free port), the {@code host:port} it forwards to, and whether it
 * is enabled. The name is 1 to 128 characters, none of them {@code /} or a control character
 * (it is a path segment of the control API). Immutable.
 *
 * @param name     the proxy's unique name
 * @param listen   {@code host:port} to listen on; null or empty: {@code 127.0.0.1:0}
 * @param upstream {@code host:port} to forward to
 * @param enabled  whether it accepts and forwards connections
 */
public record ProxyConfig(String name, String listen, String upstream, boolean enabled) {

    /**
     * Checks the values and fills in the listen address.
     *
     * @param name     the proxy's unique name
     * @param listen   {@code host:port} to listen on; null or empty: {@code 127.0.0.1:0}
     * @param upstream {@code host:port} to forward to
     * @param enabled  whether it accepts and forwards connections
     * @throws NullPointerException if the name is null
     * @throws ChaosException BAD_REQUEST (400) if the name is empty or not allowed, or the upstream is missing
     */
    public ProxyConfig {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw ChaosException.badRequest("missing required field: name");
        }
        Names.check("name", name);
        if (upstream == null || upstream.isEmpty()) {
            throw ChaosException.badRequest("missing required field: upstream");
        }
        if (listen == null || listen.isEmpty()) {
            listen = "127.0.0.1:0";
        }
    }

    /**
     * An enabled proxy on a free loopback port.
     *
     * @param name the proxy's unique name
     * @param upstream {@code host:port} to forward to
     * @return the configuration
     * @throws ChaosException BAD_REQUEST (400) as the constructor
     */
    public static ProxyConfig of(String name, String upstream) {
        return new ProxyConfig(name, "127.0.0.1:0", upstream, true);
    }
}
