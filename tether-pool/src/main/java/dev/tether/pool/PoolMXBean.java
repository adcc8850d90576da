package dev.tether.pool;

import java.util.Map;

/**
 * The JMX face of a pool or of a protocol client, registered when {@link PoolConfig#jmx()} is on,
 * under {@code dev.tether:type=Pool,kind=KIND,name=NAME} (kind {@code pool}, {@code http},
 * {@code redis} or {@code jdbc}; a second pool of the same kind and name gets {@code NAME-2}; a
 * name with a character JMX reserves, such as a comma or a space, is quoted), and
 * unregistered when the pool closes. JConsole shows the attributes; {@code tether top} reads
 * {@link #viewJson()}. Every attribute is read from a fresh {@link PoolView}, so the bean holds no
 * state of its own and is thread-safe.
 */
public interface PoolMXBean {

    /**
     * The pool's name.
     *
     * @return {@link PoolConfig#name()}
     */
    String getName();

    /**
     * What owns the pool.
     *
     * @return {@code pool}, {@code http}, {@code redis} or {@code jdbc}
     */
    String getKind();

    /**
     * Idle connections, every route.
     *
     * @return the count now
     */
    int getIdle();

    /**
     * Leased connections, every route.
     *
     * @return the count now
     */
    int getLeased();

    /**
     * Connections being opened, every route.
     *
     * @return the count now
     */
    int getOpening();

    /**
     * Callers waiting for a connection, every route.
     *
     * @return the count now
     */
    int getWaiting();

    /**
     * The limit across routes.
     *
     * @return {@link PoolConfig#maxTotal()}
     */
    int getMaxTotal();

    /**
     * Connections opened since the pool started.
     *
     * @return the count
     */
    long getOpened();

    /**
     * Connections closed since the pool started, every reason.
     *
     * @return the count
     */
    long getClosed();

    /**
     * Closes since the pool started by {@link Reason} name; reasons that never happened are left out.
     *
     * @return reason name to count
     */
    Map<String, Long> getClosedByReason();

    /**
     * The routes the pool holds now.
     *
     * @return each route as text, sorted
     */
    String[] getRoutes();

    /**
     * The idle timeouts a protocol client learned, by route; routes without one are left out.
     *
     * @return route to milliseconds; empty for a bare pool
     */
    Map<String, Long> getLearnedIdleTimeoutMillis();

    /**
     * A protocol client's connection failures by what became of them ({@link RetryOutcome#label()}).
     *
     * @return outcome to count; empty for a bare pool
     */
    Map<String, Long> getRetries();

    /**
     * Closes every idle connection now ({@link Inspectable#evictIdle()}).
     *
     * @return how many were closed
     */
    int evictIdle();

    /**
     * The pool as a table, one line per connection ({@link PoolDump#render}).
     *
     * @return the dump
     */
    String dump();

    /**
     * The whole {@link PoolView} as one JSON object, for scripts and {@code tether top}: name, kind,
     * limits, counts, {@code closedByReason}, {@code retries}, a {@code routes} array (counts,
     * closes, waits, open times, learned timeout per route) and a {@code connections} array
     * (route, localPort, state, ageMillis, idleMillis, uses, closesInMillis, closeSetBy).
     *
     * @return the JSON text
     */
    String viewJson();
}
