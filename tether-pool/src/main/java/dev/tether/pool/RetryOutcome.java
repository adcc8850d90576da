package dev.tether.pool;

/**
 * What became of a request or command whose connection failed, as a protocol client counts it
 * ({@link PoolView#retries()}). Only connection failures are counted; a server's error reply is
 * an answer, not a failure.
 */
public enum RetryOutcome {
    /** It was sent again, once, on a fresh connection, and that attempt succeeded. */
    SUCCEEDED,
    /** It was sent again on a fresh connection, and that attempt failed too. */
    FAILED,
    /**
     * It was not sent again: repeating it was not known to be safe (it may have been applied, the
     * reply had begun, the connection was new) or it had been retried already.
     */
    NOT_RETRIED;

    /**
     * The lower-case name the metrics and the logs use.
     *
     * @return the name in lower case, such as {@code not_retried}
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
