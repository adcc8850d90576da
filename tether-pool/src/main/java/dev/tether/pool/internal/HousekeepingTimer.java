package dev.tether.pool.internal;

import dev.tether.pool.Ticker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * Makes sure the engine's {@code maintain(now)} runs no later than the earliest time anyone asked
 * for, with one task in the scheduler per earlier time:
 * <ol>
 *   <li>{@link #scheduleAt} lowers {@link #scheduledFor} by CAS when its time is earlier (the
 *       common case on the return path, a later time, is one volatile read) and only then submits
 *       a task for it; a task for a later time that is already queued stays and finds little to do.</li>
 *   <li>A run resets {@code scheduledFor}, calls {@code maintain(now)}, and schedules the time it
 *       returns; if maintain throws, it tries again in a second.</li>
 * </ol>
 * With manual housekeeping (no scheduler) nothing is ever scheduled: the owner calls maintain.
 */
final class HousekeepingTimer {
    private static final VarHandle SCHEDULED_FOR;
    private static final long RETRY_AFTER_FAILURE_NANOS = 1_000_000_000L;

    static {
        try {
            SCHEDULED_FOR = MethodHandles.lookup().findVarHandle(HousekeepingTimer.class, "scheduledFor", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScheduledExecutorService scheduler; // null: manual housekeeping
    private final Ticker ticker;
    private final String poolName;
    private final LongUnaryOperator maintain;
    private final Runnable task = this::run;
    /** The earliest time a queued task will run; NONE: none queued. */
    private volatile long scheduledFor = Nanos.NONE;
    private volatile boolean stopped;

    HousekeepingTimer(ScheduledExecutorService scheduler, Ticker ticker, String poolName, LongUnaryOperator maintain) {
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.poolName = poolName;
        this.maintain = maintain;
    }

    /** Makes sure housekeeping runs no later than {@code at} (ticker time; NONE: no need). */
    void scheduleAt(long at) {
        if (!isBefore(at, scheduledFor) || scheduler == null || stopped) {
            return; // the return path calls this for every return: the common answer comes first
        }
        while (true) {
            long cur = scheduledFor;
            if (!isBefore(at, cur)) {
                return;
            }
            if (SCHEDULED_FOR.compareAndSet(this, cur, at)) {
                break;
            }
        }
        try {
            scheduler.schedule(task, Math.max(0, at - ticker.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            Engine.LOG.warn("pool \"{}\": housekeeping scheduler refused work; idle expiry is paused", poolName, e);
        }
    }

    /** No more runs (the pool closed); a task already queued returns at once. */
    void stop() {
        stopped = true;
    }

    private void run() {
        scheduledFor = Nanos.NONE;
        if (stopped) {
            return;
        }
        try {
            scheduleAt(maintain.applyAsLong(ticker.nanoTime()));
        } catch (RuntimeException | Error e) {
            Engine.LOG.error("pool \"{}\": housekeeping failed; retrying in 1 s", poolName, e);
            scheduleAt(ticker.nanoTime() + RETRY_AFTER_FAILURE_NANOS);
        }
    }

    /** Whether {@code at} comes before {@code scheduled}, either of them possibly NONE. */
    private static boolean isBefore(long at, long scheduled) {
        return at != Nanos.NONE && (scheduled == Nanos.NONE || at - scheduled < 0);
    }
}
