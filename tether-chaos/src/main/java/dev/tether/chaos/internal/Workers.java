package dev.tether.chaos.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads one lab shares between its proxies: a timer for the toxics that act after a
 * delay (timeout, idle_close), and a pool that dials upstreams so a slow or dead upstream never
 * holds up an accept loop. Every thread is a named daemon, so a forgotten lab never keeps a JVM
 * alive; {@link #close()} stops them.
 */
public final class Workers implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService dialer;
    private final Duration dialTimeout;

    public Workers(Duration dialTimeout) {
        this.dialTimeout = dialTimeout;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("tether-chaos-timer"));
        // Cancelled timers (a closed connection's idle check) must not pile up until they fire.
        this.timer.setRemoveOnCancelPolicy(true);
        this.dialer = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemon("tether-chaos-dial"));
    }

    public static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts a named daemon thread. */
    public static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    ExecutorService dialer() {
        return dialer;
    }

    Duration dialTimeout() {
        return dialTimeout;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        dialer.shutdownNow();
    }
}
