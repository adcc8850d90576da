package dev.tether.pool;

/**
 * The pool's source of time, in nanoseconds from an arbitrary origin (like {@link System#nanoTime()}).
 * Injected so that tests move time instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
    /** The system's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /**
     * The present. Must be monotonic and safe to call from any thread.
     *
     * @return nanoseconds from the ticker's own origin; only differences mean anything
     */
    long nanoTime();
}
