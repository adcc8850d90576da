package dev.tether.pool;

/**
 * Something that holds a tether pool and lets operators see inside it: a {@link KeyedPool}, a
 * {@link Pool}, and the protocol clients ({@code HttpClient}, {@code RedisClient},
 * {@code JdbcPool}). Metrics bindings (tether-micrometer), the JMX bean ({@link PoolMXBean}) and
 * {@code tether top} are built on this interface alone. Every method is thread-safe.
 */
public interface Inspectable {

    /**
     * A snapshot of the pool and, for a protocol client, of what it knows about its servers
     * (learned idle timeouts, retries). Takes the pool's lock briefly, as {@link KeyedPool#stats()}
     * does; allocates, so it is meant for a scrape or a dump, not for every request.
     *
     * @return a new, immutable view
     */
    PoolView poolView();

    /**
     * Closes every idle connection now, with {@link Reason#EVICTED}; leased ones are left alone.
     * For an operator who knows the servers changed (a failover, a new certificate): the next
     * requests open fresh connections.
     *
     * @return how many connections were closed
     */
    int evictIdle();

    /**
     * Adds a listener that hears the pool's events from now on, after the one the pool was built
     * with (see {@link PoolListener} for the threading rules it must follow). A listener that
     * throws is logged and ignored. For bindings that attach to a pool after it was built.
     *
     * @param listener the listener; keys and connections are passed as the pool's own objects
     * @return a handle whose {@code close()} removes the listener again
     * @throws NullPointerException if {@code listener} is null
     */
    ListenerHandle addPoolListener(PoolListener<Object, Object> listener);

    /** A listener added with {@link #addPoolListener}; closing it removes the listener (once; later calls do nothing). */
    interface ListenerHandle extends AutoCloseable {
        /** Removes the listener. */
        @Override
        void close();
    }
}
