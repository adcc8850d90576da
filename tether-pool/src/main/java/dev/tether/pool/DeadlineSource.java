package dev.tether.pool;

/**
 * What set the time at which a pooled connection will be closed instead of reused: the pool's own
 * limits, or a limit a protocol learned about its server. Shown in a {@link PoolView} and in the
 * {@link PoolDump}, so that an operator sees why a connection goes when it goes.
 */
public enum DeadlineSource {
    /** {@link PoolConfig#idleTimeout()}: the connection closes after sitting idle this long. */
    IDLE_TIMEOUT,
    /** {@link PoolConfig#maxLifetime()} less the connection's jitter. */
    LIFETIME,
    /** A limit the server announced, such as HTTP's {@code Keep-Alive: timeout=} (less a margin). */
    KEEP_ALIVE,
    /** The server's idle timeout as the client learned it from the closes it saw (less a margin). */
    LEARNED,
    /** A deadline a protocol set without saying why ({@link Lease#deadlineAt(long)}). */
    PROTOCOL;

    /**
     * The lower-case name the dump, the logs and the metrics use.
     *
     * @return the name in lower case with dashes, such as {@code keep-alive}
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
