package dev.tether.net.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slots for threads that poll a socket instead of sleeping ({@code SocketConfig.busyPoll}):
 * at most half the machine's CPUs, at least one, across every connection of the process, so that
 * polling threads never take every core from the servers and threads they wait for.
 */
public final class BusyPoll {
    /** The process's slots; null on a machine with one CPU, where a poller would only delay the answer it waits for. */
    public static final BusyPoll SHARED = Runtime.getRuntime().availableProcessors() > 1
            ? new BusyPoll(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)) : null;

    private final AtomicInteger free;

    /**
     * Slots for {@code slots} polling threads at once.
     *
     * @param slots at least 1
     */
    public BusyPoll(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: >= 1)");
        }
        free = new AtomicInteger(slots);
    }

    /**
     * Takes a slot if one is free; the caller that got one gives it back with {@link #exit}.
     *
     * @return whether the caller may poll
     */
    public boolean enter() {
        for (int n = free.get(); n > 0; n = free.get()) {
            if (free.compareAndSet(n, n - 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back a slot taken by {@link #enter}. */
    public void exit() {
        free.incrementAndGet();
    }
}
