package dev.tether.http;

import java.io.IOException;

/**
 * No connection to the route became free in time, or too many callers already waited for one:
 * the route is at its limit ({@code HttpClientConfig.pool(p -> p.maxPerKey(...))}). Nothing was
 * sent. The cause is the pool's own exception, whose message gives the pool's counts.
 */
public final class PoolExhaustedException extends IOException {
    /**
     * Creates the exception.
     *
     * @param message the pool's counts and the setting that raises the limit
     * @param cause the pool's own exception
     */
    public PoolExhaustedException(String message, RuntimeException cause) {
        super(message, cause);
    }
}
