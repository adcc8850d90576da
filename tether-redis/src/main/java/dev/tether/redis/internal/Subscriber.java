package dev.tether.redis.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import dev.tether.pool.Deadline;
import dev.tether.pool.Reason;
import dev.tether.pool.Ticker;
import dev.tether.redis.MessageListener;
import dev.tether.redis.RedisConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import dev.tether.pool.Backoff;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pub/sub on a connection of its own (opened outside the pool, with the same handshake), read by a
 * thread of its own, that outlives the connection.
 *
 * <ol>
 *   <li>Open a connection and subscribe to every channel and pattern wanted so far.</li>
 *   <li>Read: messages go to the listener; subscribe confirmations mark channels as live and wake
 *       callers waiting for them. Every read has a deadline: when the socket's read timeout passes
 *       with nothing at a message boundary, send PING; if the next timeout passes too, the
 *       server or the path to it is gone.</li>
 *   <li>When the connection fails: close it, tell the listener (messages published from now on
 *       are lost: Redis keeps nothing for an absent subscriber), wait the pool's open backoff
 *       (its {@code openBackoff} strategy: by default doubling from 100 ms to 10 s, +-20 %), and go back
 *       to 1. Once every channel and pattern is confirmed again, tell the listener that messages
 *       may have been missed in between.</li>
 * </ol>
 * Concurrency: {@code lock} guards the wanted and confirmed sets, the connection reference and the
 * closed flag (its condition wakes waiters and the backoff); {@code writeLock} serialises writes to
 * the connection (callers subscribing, the reader pinging). No I/O happens under {@code lock}, and
 * the listener is called with no lock held.
 */
public final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RedisConnector connector;
    private final Endpoint endpoint;
    private final Ticker ticker;
    private final Duration openTimeout;
    /** The pool's open backoff strategy: the subscriber reconnects as the pool reopens. */
    private final Backoff backoff;
    private final MessageListener listener;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Set<String> channels = new LinkedHashSet<>();    // guarded by lock: wanted
    private final Set<String> patterns = new LinkedHashSet<>();    // guarded by lock: wanted
    private final Set<String> liveChannels = new LinkedHashSet<>(); // guarded by lock: confirmed on this connection
    private final Set<String> livePatterns = new LinkedHashSet<>(); // guarded by lock
    private RedisConnection connection;                              // guarded by lock; null while away
    private boolean closed;                                          // guarded by lock
    private boolean resubscribing;                                   // guarded by lock
    private volatile int reconnects;

    public Subscriber(RedisConnector connector, Endpoint endpoint, Ticker ticker, Duration openTimeout, Backoff backoff,
                      MessageListener listener) {
        this.connector = connector;
        this.endpoint = endpoint;
        this.ticker = ticker;
        this.openTimeout = openTimeout;
        this.backoff = backoff;
        this.listener = listener;
        this.thread = new Thread(this::run, "tether-redis-subscriber-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /** Opens the first connection on the caller's thread (so a server that is down fails the call), then starts reading. */
    public void start() {
        RedisConnection rc;
        try {
            rc = connector.openFresh(endpoint, Deadline.after(ticker, openTimeout));
        } catch (ConnectionFailure f) {
            throw new RedisConnectionException("SUBSCRIBE was not sent: " + f.getMessage(), f, f, false, null);
        } catch (IOException | RuntimeException e) {
            throw new RedisConnectionException("SUBSCRIBE was not sent: a new connection to " + endpoint.authority()
                    + " failed its handshake: " + e.getMessage(), e, null, false, null);
        }
        rc.begin();
        lock.lock();
        try {
            connection = rc;
        } finally {
            lock.unlock();
        }
        thread.start();
    }

    /**
     * Subscribes to channels (or patterns) and waits up to {@code wait} for the server to confirm
     * them; returns whether it did (if not, they stay wanted and are subscribed on the next connection).
     */
    public boolean subscribe(Collection<String> names, boolean pattern, Duration wait) {
        RedisConnection rc;
        lock.lock();
        try {
            checkOpen();
            (pattern ? patterns : channels).addAll(names);
            rc = connection;
        } finally {
            lock.unlock();
        }
        if (rc != null) {
            write(rc, pattern ? "PSUBSCRIBE" : "SUBSCRIBE", names);
        }
        long left = wait.toNanos();
        lock.lock();
        try {
            while (!(pattern ? livePatterns : liveChannels).containsAll(names) && !closed) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Unsubscribes (no names: from every channel, or pattern); does not wait for the confirmation. */
    public void unsubscribe(Collection<String> names, boolean pattern) {
        RedisConnection rc;
        lock.lock();
        try {
            checkOpen();
            Set<String> wanted = pattern ? patterns : channels;
            if (names.isEmpty()) {
                wanted.clear();
            } else {
                wanted.removeAll(names);
            }
            rc = connection;
        } finally {
            lock.unlock();
        }
        if (rc != null) {
            write(rc, pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", names);
        }
    }

    public Set<String> channels() {
        return snapshot(channels);
    }

    public Set<String> patterns() {
        return snapshot(patterns);
    }

    private Set<String> snapshot(Set<String> wanted) {
        lock.lock();
        try {
            return Set.copyOf(wanted);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a connection is up and every wanted channel and pattern is confirmed on it. */
    public boolean isSubscribed() {
        lock.lock();
        try {
            return connection != null && !resubscribing && liveChannels.containsAll(channels) && livePatterns.containsAll(patterns);
        } finally {
            lock.unlock();
        }
    }

    /** How many times a lost connection was replaced. */
    public int reconnects() {
        return reconnects;
    }

    /** Stops: closes the connection, which ends the reader's blocked read, and waits for the thread. */
    public void close() {
        RedisConnection rc;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            rc = connection;
            connection = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (rc != null) {
            connector.close(rc, Reason.POOL_CLOSED);
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this subscription is closed");
        }
    }

    private void write(RedisConnection rc, String command, Collection<String> names) {
        writeLock.lock();
        try {
            rc.out.command(command, names.toArray());
            rc.flush();
        } catch (IOException e) {
            // The reader sees the same broken connection and reconnects; what is wanted is kept.
            log.debug("{} on {} failed: {}", command, rc, e.toString());
        } finally {
            writeLock.unlock();
        }
    }

    private void run() {
        boolean pinged = false;
        while (true) {
            RedisConnection rc;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                rc = connection;
            } finally {
                lock.unlock();
            }
            try {
                if (rc == null) {
                    rc = reconnect();
                    if (rc == null) {
                        return;
                    }
                    pinged = false;
                }
                try {
                    if (!rc.in.awaitReply()) {
                        throw rc.closed("the server closed the subscriber's connection");
                    }
                } catch (ConnectionFailure f) {
                    if (f.kind() == Kind.READ_TIMEOUT && !pinged) {
                        // Quiet at a message boundary: ask for a sign of life within one more timeout.
                        pinged = true;
                        write(rc, "PING", List.of());
                        continue;
                    }
                    throw f;
                }
                pinged = false;
                handle(rc, rc.in.read(false, "SUBSCRIBE"));
            } catch (IOException | RuntimeException e) {
                if (!lost(rc, e)) {
                    return;
                }
            }
        }
    }

    private void handle(RedisConnection rc, Object reply) {
        List<?> items = reply instanceof RespReader.Push ? ((RespReader.Push) reply).items() : reply instanceof List ? (List<?>) reply : null;
        if (items == null || items.isEmpty()) {
            return; // +PONG (RESP3) and other plain replies: a sign of life, nothing to deliver
        }
        String kind = text(items.get(0));
        try {
            switch (kind) {
                case "message":
                    listener.message(text(items.get(1)), (byte[]) items.get(2));
                    break;
                case "pmessage":
                    listener.message(text(items.get(1)), text(items.get(2)), (byte[]) items.get(3));
                    break;
                case "subscribe":
                case "psubscribe":
                    confirmed(text(items.get(1)), kind.equals("psubscribe"), true);
                    break;
                case "unsubscribe":
                case "punsubscribe":
                    if (items.get(1) != null) {
                        confirmed(text(items.get(1)), kind.equals("punsubscribe"), false);
                    }
                    break;
                default:
                    break; // pong
            }
        } catch (RuntimeException e) {
            log.warn("MessageListener failed on a {} from {}", kind, rc, e);
        }
    }

    private void confirmed(String name, boolean pattern, boolean live) {
        Set<String> channelsNow = null;
        Set<String> patternsNow = null;
        lock.lock();
        try {
            Set<String> set = pattern ? livePatterns : liveChannels;
            if (name == null) {
                // no change: only the check below
            } else if (live) {
                set.add(name);
            } else {
                set.remove(name);
            }
            if (resubscribing && liveChannels.containsAll(channels) && livePatterns.containsAll(patterns)) {
                resubscribing = false;
                channelsNow = Set.copyOf(channels);
                patternsNow = Set.copyOf(patterns);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (channelsNow != null) {
            listener.resubscribed(channelsNow, patternsNow);
        }
    }

    /** The connection failed: report it and forget it. Returns false if the subscriber is closed. */
    private boolean lost(RedisConnection rc, Exception e) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (connection == rc) {
                connection = null;
                liveChannels.clear();
                livePatterns.clear();
            }
        } finally {
            lock.unlock();
        }
        if (rc == null) {
            return true;
        }
        connector.close(rc, Reason.BROKEN);
        String detail = e instanceof ConnectionFailure ? e.getMessage() : e.toString();
        RedisConnectionException cause = new RedisConnectionException("the subscriber's connection failed: " + detail
                + "; messages published until it is subscribed again are lost (Redis keeps nothing for an absent subscriber);"
                + " reconnecting with the pool's open backoff", e, e instanceof ConnectionFailure ? (ConnectionFailure) e : null, false, null);
        try {
            listener.disconnected(cause);
        } catch (RuntimeException le) {
            log.warn("MessageListener.disconnected failed", le);
        }
        return true;
    }

    /** Opens connections with backoff until one is subscribed again; null if closed meanwhile. */
    private RedisConnection reconnect() {
        for (int failures = 1; ; failures++) {
            try {
                RedisConnection rc = connector.openFresh(endpoint, Deadline.after(ticker, openTimeout));
                rc.begin();
                Set<String> c;
                Set<String> p;
                lock.lock();
                try {
                    if (closed) {
                        connector.close(rc, Reason.POOL_CLOSED);
                        return null;
                    }
                    connection = rc;
                    resubscribing = true;
                    c = Set.copyOf(channels);
                    p = Set.copyOf(patterns);
                } finally {
                    lock.unlock();
                }
                reconnects++;
                if (!c.isEmpty()) {
                    write(rc, "SUBSCRIBE", c);
                }
                if (!p.isEmpty()) {
                    write(rc, "PSUBSCRIBE", p);
                }
                if (c.isEmpty() && p.isEmpty()) {
                    confirmed(null, false, false); // nothing to wait for: subscribed again at once
                }
                return rc;
            } catch (IOException | RuntimeException e) {
                log.debug("subscriber: reconnecting to {} failed: {}", endpoint.authority(), e.toString());
            }
            long wait = waitNanos(failures);
            lock.lock();
            try {
                long left = wait;
                while (!closed && left > 0) {
                    left = changed.awaitNanos(left);
                }
                if (closed) {
                    return null;
                }
            } catch (InterruptedException ie) {
                return null;
            } finally {
                lock.unlock();
            }
        }
    }

    /** The strategy's wait after {@code failures} failed reconnects; its default if it misbehaves. */
    private long waitNanos(int failures) {
        Duration d;
        try {
            d = backoff.delay(failures, ThreadLocalRandom.current());
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null) {
            d = Backoff.DEFAULT.delay(failures, ThreadLocalRandom.current());
        }
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] ? new String((byte[]) o, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
