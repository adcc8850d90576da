package dev.tether.cli.lab;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What happened during one client's run, in milliseconds since the scenario began: requests (ok
 * or failed, start and end), steps, faults, and samples of the client's connections.
 */
public final class Timeline {

    /** kind: ok, fail (requests), fault (injected or ended), step (of the script), notice (what a client found out, not a request). */
    public record Event(long t, long end, String kind, String label) {
    }

    /** idle and leased connections of the client, and its sockets in CLOSE_WAIT. */
    public record Sample(long t, int idle, int leased, int closeWait) {
    }

    private final long origin;
    // Written by the client's thread and the sampler, read at the end: lock-free queues keep order.
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

    public Timeline(long originNanos) {
        this.origin = originNanos;
    }

    public long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    /** A {@link System#nanoTime()} of this JVM on this timeline, in ms. */
    public long at(long nanos) {
        return (nanos - origin) / 1_000_000;
    }

    public void event(long t, long end, String kind, String label) {
        events.add(new Event(t, end, kind, label));
    }

    public void sample(int idle, int leased, int closeWait) {
        samples.add(new Sample(now(), idle, leased, closeWait));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }
}
