package dev.tether.redis;

/**
 * Base of tether-redis's failures: the server answered with an error
 * ({@link RedisServerException}), or the command could not be sent or answered
 * ({@link RedisConnectionException}). Unchecked, like the pool's exceptions, so that typed calls
 * read as plain method calls.
 */
public abstract class RedisException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message the full message
     * @param cause the underlying failure, or null
     */
    protected RedisException(String message, Throwable cause) {
        super(message, cause);
    }
}
