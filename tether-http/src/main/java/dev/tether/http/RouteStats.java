package dev.tether.http;

import dev.tether.pool.PoolStats;

import java.time.Duration;

/**
 * What one route's pool holds and what the client learned about its server: a snapshot, immutable.
 *
 * @param route               the route
 * @param pool                the pool's counts for this route (idle, leased, closes by reason)
 * @param learnedIdleTimeout  the smallest recent idle close seen (the server's idle timeout, as
 *                            learned), or null while none was seen
 * @param advertisedIdleTimeout the last {@code Keep-Alive: timeout} the server sent, or null
 * @param requests            responses received (each counted once, retries not)
 * @param retries             requests re-sent on a fresh connection after a stale one failed
 * @param idleCloses          idle connections the server closed or reset (each an observation)
 * @param leaks               responses reported as held open past the leak threshold
 */
public record RouteStats(Route route, PoolStats pool, Duration learnedIdleTimeout, Duration advertisedIdleTimeout,
                         long requests, long retries, long idleCloses, long leaks) {
}
