package dev.tether.pool;

import dev.tether.pool.internal.SharedHousekeeper;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Who runs a pool's {@code maintain(now)} step: expiry of idle connections, min-idle top-up,
 * waiter deadlines, leak reports, open retries after a backoff. Immutable and thread-safe.
 */
public final class Housekeeping {
    private static final Housekeeping MANUAL = new Housekeeping(null);

    private final ScheduledExecutorService scheduler;

    private Housekeeping(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * One daemon thread shared by every pool in the JVM (the default).
     *
     * @return housekeeping on the shared thread
     */
    public static Housekeeping shared() {
        return new Housekeeping(SharedHousekeeper.scheduler());
    }

    /**
     * The caller's scheduler; the pool never shuts it down.
     *
     * @param scheduler where the pool schedules its steps
     * @return housekeeping on that scheduler
     * @throws NullPointerException if {@code scheduler} is null
     */
    public static Housekeeping using(ScheduledExecutorService scheduler) {
        return new Housekeeping(Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Nobody: the owner calls {@code maintain(now)} itself (tests with a fake ticker do).
     *
     * @return manual housekeeping
     */
    public static Housekeeping manual() {
        return MANUAL;
    }

    /**
     * Where the steps run.
     *
     * @return the scheduler, or null for manual housekeeping
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
