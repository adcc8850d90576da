package dev.tether.cli.lab.support;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long the lab waits for a naive client, which has no timeout of its own: after
 * {@code patience} the call's socket is closed from outside (what ends the wait) and the call is
 * reported as what it is, a hang. One daemon thread serves every naive client of the lab.
 */
public final class Patience {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lab-naive-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Duration patience;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final ScheduledFuture<?> watchdog;

    private Patience(Duration patience, Runnable abort) {
        this.patience = patience;
        this.watchdog = WATCHDOG.schedule(() -> {
            aborted.set(true);
            abort.run();
        }, patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts watching one call: {@code abort} (closing its socket) runs if it is still going after {@code patience}. */
    public static Patience watch(Duration patience, Runnable abort) {
        return new Patience(patience, abort);
    }

    /** Whether the call was aborted: its failure is the lab giving up, not an error the client saw. */
    public boolean aborted() {
        return aborted.get();
    }

    /** The failure of an aborted call, as the report shows it. */
    public String hang() {
        return "no answer after " + patience.toMillis() + " ms and no timeout to end the wait"
                + " (the lab gave up; a real application would still be waiting)";
    }

    /** The call ended: the watchdog stands down. */
    public void done() {
        watchdog.cancel(false);
    }
}
