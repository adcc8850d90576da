package dev.tether.redis;

import java.util.Set;

/**
 * Receives what a {@link Subscription} delivers, on the subscription's own thread, one call at a
 * time, in the order the server sent it. A listener must be quick (messages wait behind it) and
 * should not throw (an exception is logged and dropped).
 */
@FunctionalInterface
public interface MessageListener {

    /** A message published on {@code channel}, which this subscription named. */
    void message(String channel, byte[] message);

    /** A message published on {@code channel}, delivered because it matches {@code pattern}. */
    default void message(String pattern, String channel, byte[] message) {
        message(channel, message);
    }

    /**
     * The subscription's connection failed (a {@code CLIENT KILL}, a restart, a network cut, or no
     * answer to a ping within the read timeout). Messages published from now until
     * {@link #resubscribed} are not delivered: Redis keeps nothing for a subscriber that is away.
     */
    default void disconnected(RedisConnectionException cause) {
    }

    /**
     * A new connection is subscribed again to every channel and pattern: messages flow again, and
     * those published since {@link #disconnected} may have been missed.
     */
    default void resubscribed(Set<String> channels, Set<String> patterns) {
    }
}
