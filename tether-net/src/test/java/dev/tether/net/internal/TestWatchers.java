package dev.tether.net.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * What tests of idle watching need from inside the package, so that the main code exposes nothing
 * public for tests: a watcher with another registration delay, and a watch's state.
 */
public final class TestWatchers {
    private TestWatchers() {
    }

    /** A watcher of its own (zero delay: every return registers at once and races the next lease). */
    public static IdleWatcher start(String name, Duration delay) {
        return IdleWatcher.start(name, delay);
    }

    public static void stop(IdleWatcher w) throws IOException {
        w.stop();
    }

    /** The lease-time release with a given trust window, beyond what a connector's builder allows. */
    public static boolean release(IdleWatcher watcher, Watch w, long checkAfterNanos) throws IOException {
        return watcher.release(w, checkAfterNanos);
    }

    public static boolean isPending(Watch w) {
        return w.isPending();
    }

    public static boolean isWatched(Watch w) {
        return w.isWatched();
    }

    public static SocketChannel channel(Watch w) {
        return w.channel;
    }
}
