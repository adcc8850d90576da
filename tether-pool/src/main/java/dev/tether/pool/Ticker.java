package dev.tether.pool;

/**
 * The pool's source of time, in nanoseconds from an arbitrary origin (like {@link System#nanoTime()}).
 * Injected so that tests move time instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
    /** The system's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
