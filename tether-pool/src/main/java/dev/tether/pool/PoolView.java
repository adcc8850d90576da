package dev.tether.pool;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A read-only snapshot of a pool, or of a protocol client's pool with what the client knows about
 * its servers: counts per key (route), each connection with its age, idle time, uses and when and
 * why it will be closed, closes by reason, acquire waits and open times, learned idle timeouts
 * and retries. Taken with {@link Inspectable#poolView()}; rendered as a table by {@link PoolDump}.
 *
 * <p>Immutable and safe to share between threads. The counts of the moment are read without
 * stopping the pool, so under load each is exact but they are not one instant. Counters (opened,
 * closed, waits, opens) run from the pool's start; a key the pool forgot (unused for its idle
 * timeout) leaves {@link #keys()}, and its counts remain in {@link #opened()} and
 * {@link #closedByReason()} only. Times are nanoseconds of the pool's {@link Ticker}.
 *
 * @param name           the pool's name ({@link PoolConfig#name()})
 * @param kind           what owns the pool: {@code pool} for a bare pool, {@code http}, {@code redis}, {@code jdbc}
 * @param maxTotal       {@link PoolConfig#maxTotal()}
 * @param maxPerKey      {@link PoolConfig#maxPerKey()}
 * @param opened         connections opened since the pool started, every key
 * @param closedByReason connections closed since the pool started, every key, by reason (reasons that never happened left out)
 * @param keys           one entry per key the pool holds, in no particular order
 * @param connections    one entry per pooled connection (idle, leased or being closed), in no particular order
 * @param retries        a protocol client's connection failures by what became of the request; empty for a bare pool
 */
public record PoolView(String name, String kind, int maxTotal, int maxPerKey, long opened,
                       Map<Reason, Long> closedByReason, List<KeyView> keys, List<ConnectionView> connections,
                       Map<RetryOutcome, Long> retries) {

    /**
     * Makes a view; the collections are copied, so that it stays immutable.
     *
     * @param name as the record's {@code name}
     * @param kind as the record's {@code kind}
     * @param maxTotal as the record's {@code maxTotal}
     * @param maxPerKey as the record's {@code maxPerKey}
     * @param opened as the record's {@code opened}
     * @param closedByReason as the record's {@code closedByReason}
     * @param keys as the record's {@code keys}
     * @param connections as the record's {@code connections}
     * @param retries as the record's {@code retries}
     * @throws NullPointerException if an object component is null
     */
    public PoolView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        closedByReason = Map.copyOf(closedByReason);
        keys = List.copyOf(keys);
        connections = List.copyOf(connections);
        retries = Map.copyOf(retries);
    }

    /**
     * Idle connections, every key.
     *
     * @return idle connections, every key
     */
    public int idle() {
        return keys.stream().mapToInt(KeyView::idle).sum();
    }

    /**
     * Leased connections, every key.
     *
     * @return leased connections, every key
     */
    public int leased() {
        return keys.stream().mapToInt(KeyView::leased).sum();
    }

    /**
     * Connections being opened, every key.
     *
     * @return connections being opened, every key
     */
    public int opening() {
        return keys.stream().mapToInt(KeyView::opening).sum();
    }

    /**
     * Callers waiting for a connection, every key.
     *
     * @return callers waiting for a connection, every key
     */
    public int waiting() {
        return keys.stream().mapToInt(KeyView::waiting).sum();
    }

    /**
     * Connections closed since the pool started, for every reason.
     *
     * @return connections closed since the pool started, for every reason
     */
    public long closed() {
        return closedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Closes for one reason since the pool started, every key.
     *
     * @param reason a reason
     * @return connections closed since the pool started for {@code reason}
     */
    public long closed(Reason reason) {
        return closedByReason.getOrDefault(reason, 0L);
    }

    /**
     * A protocol client's connection failures that ended so.
     *
     * @param outcome an outcome
     * @return how many connection failures of a protocol client ended so (0 for a bare pool)
     */
    public long retries(RetryOutcome outcome) {
        return retries.getOrDefault(outcome, 0L);
    }

    /**
     * One key's view, found by its route.
     *
     * @param route a key's route, as {@link KeyView#route()} spells it
     * @return that key's view, or null when the pool holds no such key
     */
    public KeyView key(String route) {
        for (KeyView k : keys) {
            if (k.route().equals(route)) {
                return k;
            }
        }
        return null;
    }

    /**
     * The same view as a protocol client sees it: its kind, what it learned per key and its retries.
     * Used by the clients of tether's protocol modules; a bare pool's view has kind {@code pool}.
     *
     * @param kind    the client's kind ({@code http}, {@code redis}, {@code jdbc})
     * @param learned the learned idle timeout for a key (the key object, not its route), or null when none is known
     * @param retries the client's connection failures by outcome since it started
     * @return a new view; this one is unchanged
     */
    public PoolView forClient(String kind, Function<Object, Duration> learned, Map<RetryOutcome, Long> retries) {
        List<KeyView> ks = keys.stream().map(k -> k.withLearned(learned.apply(k.key()))).toList();
        Map<RetryOutcome, Long> r = new EnumMap<>(RetryOutcome.class);
        for (RetryOutcome o : RetryOutcome.values()) {
            r.put(o, retries.getOrDefault(o, 0L));
        }
        return new PoolView(name, kind, maxTotal, maxPerKey, opened, closedByReason, ks, connections, r);
    }

    /**
     * One key (a route: host, port, TLS; a database) of the pool.
     *
     * @param key                the pool's key object
     * @param route              the key as text ({@code String.valueOf(key)}, which for tether's clients holds no secret)
     * @param idle               idle connections (and ones on their way out)
     * @param leased             leased connections
     * @param opening            connections being opened
     * @param waiting            callers waiting
     * @param opened             connections opened since the key was first used
     * @param openFailed         opens that failed since the key was first used
     * @param closedByReason     this key's closes by reason (reasons that never happened left out)
     * @param waits              acquires that had to wait (the pool had nothing free at once)
     * @param waitedNanos        the time those acquires waited, in total (an open by the caller included)
     * @param maxWaitedNanos     the longest of those waits
     * @param openNanos          the time the successful opens took, in total
     * @param maxOpenNanos       the longest successful open
     * @param learnedIdleTimeout the server's idle timeout as the client learned it, or null when none is known
     */
    public record KeyView(Object key, String route, int idle, int leased, int opening, int waiting, long opened,
                          long openFailed, Map<Reason, Long> closedByReason, long waits, long waitedNanos,
                          long maxWaitedNanos, long openNanos, long maxOpenNanos, Duration learnedIdleTimeout) {

        /**
         * Makes a key's view; the map is copied.
         *
         * @param key as the record's {@code key}
         * @param route as the record's {@code route}
         * @param idle as the record's {@code idle}
         * @param leased as the record's {@code leased}
         * @param opening as the record's {@code opening}
         * @param waiting as the record's {@code waiting}
         * @param opened as the record's {@code opened}
         * @param openFailed as the record's {@code openFailed}
         * @param closedByReason as the record's {@code closedByReason}
         * @param waits as the record's {@code waits}
         * @param waitedNanos as the record's {@code waitedNanos}
         * @param maxWaitedNanos as the record's {@code maxWaitedNanos}
         * @param openNanos as the record's {@code openNanos}
         * @param maxOpenNanos as the record's {@code maxOpenNanos}
         * @param learnedIdleTimeout as the record's {@code learnedIdleTimeout}
         * @throws NullPointerException if an object component is null
         */
        public KeyView {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(route, "route");
            closedByReason = Map.copyOf(closedByReason);
        }

        /**
         * Connections of this key counted against the limits: idle + leased + opening.
         *
         * @return connections of this key counted against the limits: idle + leased + opening
         */
        public int total() {
            return idle + leased + opening;
        }

        /**
         * This key's closes since it was first used, every reason.
         *
         * @return this key's closes since it was first used, every reason
         */
        public long closed() {
            return closedByReason.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * This key's closes for one reason.
         *
         * @param reason a reason
         * @return this key's closes for {@code reason}
         */
        public long closed(Reason reason) {
            return closedByReason.getOrDefault(reason, 0L);
        }

        KeyView withLearned(Duration learned) {
            return new KeyView(key, route, idle, leased, opening, waiting, opened, openFailed, closedByReason, waits,
                    waitedNanos, maxWaitedNanos, openNanos, maxOpenNanos, learned);
        }
    }

    /** Where a pooled connection is in its life. */
    public enum State {
        /** In the pool, free to lend. */
        IDLE,
        /** Lent to a caller. */
        LEASED,
        /** Taken out of the pool to be closed. */
        CLOSING
    }

    /**
     * One pooled connection, as a line of {@link PoolDump} shows it.
     *
     * @param key         the pool's key object
     * @param route       the key as text, as in {@link KeyView#route()}
     * @param connection  the connection's own description ({@code toString()}, which for tether's connections holds no secret)
     * @param localPort   its socket's local port, -1 when unknown ({@link Connector#localPort})
     * @param state       idle, leased or closing
     * @param ageNanos    how long it has been open
     * @param idleNanos   how long it has been idle; -1 when it is not idle
     * @param uses        how many leases it served, the current one included
     * @param closesInNanos how long until the pool closes it instead of lending it (the earliest of
     *                    its lifetime, a protocol's deadline and, while idle, the idle timeout);
     *                    -1 when nothing limits it; 0 or less when it is due
     * @param closeSetBy  what set that time; null when nothing limits it
     */
    public record ConnectionView(Object key, String route, String connection, int localPort, State state, long ageNanos,
                                 long idleNanos, int uses, long closesInNanos, DeadlineSource closeSetBy) {

        /**
         * Makes a connection's line.
         *
         * @param key as the record's {@code key}
         * @param route as the record's {@code route}
         * @param connection as the record's {@code connection}
         * @param localPort as the record's {@code localPort}
         * @param state as the record's {@code state}
         * @param ageNanos as the record's {@code ageNanos}
         * @param idleNanos as the record's {@code idleNanos}
         * @param uses as the record's {@code uses}
         * @param closesInNanos as the record's {@code closesInNanos}
         * @param closeSetBy as the record's {@code closeSetBy}
         * @throws NullPointerException if an object component is null
         */
        public ConnectionView {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(state, "state");
        }
    }
}
