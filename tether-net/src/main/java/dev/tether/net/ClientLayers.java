package dev.tether.net;

import dev.tether.pool.PoolConfig;

import java.util.Objects;

/**
 * The two lower layers of a protocol client's configuration, the pool's and the socket's, each
 * built by its own builder with its own rules: what every tether client's config holds whole.
 * A protocol client's {@code build()} calls {@link #build} once, so that all of them name a bad
 * value the same way ({@code pool.maxPerKey: 0 (expected: >= 1)}, {@code socket.readTimeout: ...})
 * and check the one rule between the two layers. Immutable and thread-safe.
 *
 * @param pool   the pool's policy
 * @param socket how sockets are opened and tuned
 */
public record ClientLayers(PoolConfig pool, SocketConfig socket) {

    /**
     * Holds two built layers as they are; {@link #build} is the way that checks the rule between them.
     *
     * @param pool   the pool's policy
     * @param socket how sockets are opened and tuned
     * @throws NullPointerException if either is null
     */
    public ClientLayers {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(socket, "socket");
    }

    /**
     * Builds both layers; a layer's validation message is prefixed with {@code pool.} or
     * {@code socket.}, where the user set it.
     *
     * @throws IllegalArgumentException naming the first bad value, or a connect timeout longer than
     *                                  the pool's open timeout (which bounds every open, so the
     *                                  connect timeout could never run out)
     * @param pool   the pool layer's builder, as the user filled it in
     * @param socket the socket layer's builder, as the user filled it in
     * @return both layers, immutable
     */
    public static ClientLayers build(PoolConfig.Builder pool, SocketConfig.Builder socket) {
        PoolConfig p = pool(pool);
        SocketConfig s = prefixed("socket.", socket);
        if (s.connectTimeout().compareTo(p.openTimeout()) > 0) {
            throw new IllegalArgumentException("socket.connectTimeout: " + s.connectTimeout()
                    + " (expected: <= pool.openTimeout " + p.openTimeout() + ", which bounds every open; raise both)");
        }
        return new ClientLayers(p, s);
    }

    /**
     * Builds the pool layer alone (a client whose sockets are not tether-net's), messages prefixed
     * {@code pool.}.
     *
     * @param pool the pool layer's builder, as the user filled it in
     * @return the pool's policy
     * @throws IllegalArgumentException naming the first bad value, prefixed {@code pool.}
     */
    public static PoolConfig pool(PoolConfig.Builder pool) {
        try {
            return pool.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("pool." + e.getMessage(), e);
        }
    }

    private static SocketConfig prefixed(String prefix, SocketConfig.Builder socket) {
        try {
            return socket.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
    }
}
