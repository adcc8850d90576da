package dev.tether.chaos.internal;

import dev.tether.chaos.Toxic;

/**
 * A toxic as installed on a proxy: its current settings, which an update replaces in place, so
 * every live connection sees the change at its next step. {@link #version()} changes with
 * every update, so a connection knows when to draw its toxicity again (as Toxiproxy does).
 */
public final class ToxicSlot {

    private volatile Toxic toxic;
    private volatile long version;
    private volatile boolean removed;

    ToxicSlot(Toxic toxic, long version) {
        this.toxic = toxic;
        this.version = version;
    }

    public Toxic toxic() {
        return toxic;
    }

    long version() {
        return version;
    }

    boolean removed() {
        return removed;
    }

    void update(Toxic next, long nextVersion) {
        this.toxic = next;
        this.version = nextVersion;
    }

    void markRemoved() {
        removed = true;
    }
}
