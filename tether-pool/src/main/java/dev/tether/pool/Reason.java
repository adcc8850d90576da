package dev.tether.pool;

/** Why a pooled connection was closed. Every close in tether carries exactly one. */
public enum Reason {
    /** It sat idle longer than {@link PoolConfig#idleTimeout()}. */
    IDLE_EXPIRED,
    /** It reached its maximum lifetime (with jitter applied). */
    LIFETIME_EXPIRED,
    /** It passed the deadline a protocol set on it, such as HTTP's {@code Keep-Alive: timeout=}. */
    DEADLINE,
    /** The connector's lease-time check said it cannot be used again. */
    NOT_REUSABLE,
    /** The peer closed it (FIN, RST or unexpected bytes) while it sat idle. */
    PEER_CLOSED,
    /** The user saw it break and retired it. */
    BROKEN,
    /** Closed to make room for a connection to another key under the total limit. */
    EVICTED,
    /** The pool was closed. */
    POOL_CLOSED,
    /** Opening it failed or was abandoned (for instance the pool closed while it was opening). */
    OPEN_FAILED
}
