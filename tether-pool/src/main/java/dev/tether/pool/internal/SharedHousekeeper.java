package dev.tether.pool.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide threads behind the default housekeeping: one scheduler thread that runs every
 * pool's {@code maintain(now)} (which never blocks), and a small elastic set of threads for the
 * background I/O that housekeeping decides on (opens for min idle, closes of expired connections),
 * so that one slow server cannot stall another pool's housekeeping.
 */
public final class SharedHousekeeper {
    private SharedHousekeeper() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();
        static final ThreadPoolExecutor IO = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemonThreads("tether-pool-io-"),
                // Past 64 busy threads the caller (the housekeeper) does the work itself: slower, never lost.
                new ThreadPoolExecutor.CallerRunsPolicy());

        private static ScheduledThreadPoolExecutor newScheduler() {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemonThreads("tether-pool-housekeeper-"));
            s.setRemoveOnCancelPolicy(true);
            return s;
        }
    }

    public static ScheduledExecutorService scheduler() {
        return Holder.SCHEDULER;
    }

    public static Executor io() {
        return Holder.IO;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
