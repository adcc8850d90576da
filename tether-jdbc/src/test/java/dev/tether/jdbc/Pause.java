package dev.tether.jdbc;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets real time pass where the passing of time is the scenario itself (a session left idle for
 * 700 ms, a query paced two seconds after the last), never to wait for something to happen: that
 * is polled for with Awaitility.
 */
public final class Pause {
    private Pause() {
    }

    public static void of(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
