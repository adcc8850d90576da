package dev.tether.redis;

import java.util.Set;

/**
 * Receives what a {@link Subscription} delivers, on the subscription's own thread, one call at a
 * time, in the order the server sent it. A listener must be quick (messages wait behind it) and
 * should not throw (an exception is logged and dropped). Only {@link #message(String, byte[])}
 * must be implemented; the others do nothing more by default.
 */
@FunctionalInterface
public interface MessageListener {

    /**
     * A message published on a channel this subscription named.
     *
     * @param channel the channel
     * @param message the message's bytes, as published
     */
    void message(String channel, byte[] message);

    /**
     * A message delivered because its channel matches a pattern; by default passed to {@link #message(String, byte[])}.
     *
     * @param pattern the pattern it matched
     * @param channel the channel it was published on
     * @param message the message's bytes, as published
     */
    default void message(String pattern, String channel, byte[] message) {
        message(channel, message);
    }

    /**
     * The subscription's connection failed (a {@code CLIENT KILL}, a restart, a network cut, or no
     * answer to a ping within the read timeout). Messages published from now until
     * {@link #resubscribed} are not delivered: Redis keeps nothing for a subscriber that is away.
     *
     * @param cause what failed
     */
    default void disconnected(RedisConnectionException cause) {
    }

    /**
     * A new connection is subscribed again to every channel and pattern: messages flow again, and
     * those published since {@link #disconnected} may have been missed.
     *
     * @param channels the channels subscribed again
     * @param patterns the patterns subscribed again
     */
    default void resubscribed(Set<String> channels, Set<String> patterns) {
    }
}
