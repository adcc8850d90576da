package dev.tether.cli.lab.support;

/**
 * What the lab watches of any client it runs, whatever it speaks: the connections it holds, a
 * line for the report, and its close. The HTTP clients ({@link LabClient}) and the Redis ones
 * ({@link dev.tether.cli.lab.redis.RedisLabClient}) add how a request is sent.
 */
public interface ClientView extends AutoCloseable {

    /** Connections held idle now. */
    int idle();

    /** Connections in use now. */
    int leased();

    /** Something worth a line in the report (retries, settings), or null. */
    default String detail() {
        return null;
    }

    @Override
    void close();
}
