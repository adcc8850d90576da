package dev.tether.redis;

import dev.tether.redis.internal.Subscriber;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A pub/sub subscription on a connection of its own, read by a thread of its own. It survives its
 * connection: when that fails (a {@code CLIENT KILL}, a restart, a network cut, a server that
 * stops answering pings), the listener hears {@link MessageListener#disconnected}, the
 * subscription reconnects with the pool's open backoff, subscribes again to every channel and
 * pattern, and the listener hears {@link MessageListener#resubscribed}: messages published in
 * between may have been missed (Redis keeps none for an absent subscriber).
 *
 * <p>{@link #subscribe} and {@link #psubscribe} return once the server has confirmed, so a message
 * published after they return is delivered. Thread-safe. Close it when done; closing the client
 * closes it too.
 */
public final class Subscription implements AutoCloseable {
    private final Subscriber subscriber;
    private final Duration wait;
    private final Consumer<Subscription> onClose;

    Subscription(Subscriber subscriber, Duration wait, Consumer<Subscription> onClose) {
        this.subscriber = subscriber;
        this.wait = wait;
        this.onClose = onClose;
    }

    /**
     * SUBSCRIBE, waiting for the server's confirmation up to the socket's read timeout.
     *
     * @param channels the channels
     * @return this subscription
     * @throws RedisConnectionException if the server did not confirm in time; the channels stay on the subscription and are subscribed again on its next connection
     */
    public Subscription subscribe(String... channels) {
        confirm(subscriber.subscribe(List.of(channels), false, wait), "SUBSCRIBE");
        return this;
    }

    /**
     * PSUBSCRIBE (glob-style patterns such as {@code orders.*}), waiting for the confirmation.
     *
     * @param patterns glob-style channel patterns
     * @return this subscription
     * @throws RedisConnectionException if the server did not confirm in time; the patterns stay on the subscription
     */
    public Subscription psubscribe(String... patterns) {
        confirm(subscriber.subscribe(List.of(patterns), true, wait), "PSUBSCRIBE");
        return this;
    }

    /**
     * UNSUBSCRIBE from {@code channels} (none: from every channel).
     *
     * @param channels the channels; none: every channel
     */
    public void unsubscribe(String... channels) {
        subscriber.unsubscribe(List.of(channels), false);
    }

    /**
     * PUNSUBSCRIBE from {@code patterns} (none: from every pattern).
     *
     * @param patterns the patterns; none: every pattern
     */
    public void punsubscribe(String... patterns) {
        subscriber.unsubscribe(List.of(patterns), true);
    }

    /**
     * The channels subscribed to (or asked for and not yet confirmed).
     *
     * @return a snapshot
     */
    public Set<String> channels() { return subscriber.channels(); }

    /**
     * The patterns subscribed to (or asked for and not yet confirmed).
     *
     * @return a snapshot
     */
    public Set<String> patterns() { return subscriber.patterns(); }

    /**
     * Whether a connection is up and every channel and pattern is confirmed on it.
     *
     * @return true while connected and confirmed
     */
    public boolean isSubscribed() { return subscriber.isSubscribed(); }

    /**
     * How many times a lost connection was replaced.
     *
     * @return the count, from 0
     */
    public int reconnects() { return subscriber.reconnects(); }

    /** Ends the subscription: its connection is closed and its thread stops. Idempotent. */
    @Override
    public void close() {
        subscriber.close();
        onClose.accept(this);
    }

    private void confirm(boolean confirmed, String command) {
        if (!confirmed) {
            throw new RedisConnectionException(command + " was sent but not confirmed within " + wait.toMillis()
                    + " ms; the subscription keeps it and subscribes again on its next connection", null, null, true, null);
        }
    }
}
