package dev.tether.net;

/**
 * Hears about every idle connection that the peer closed, reset or abandoned. Called on the idle
 * watcher's thread (or the acquirer's, for the lease-time check): return quickly and never block.
 * Called from several threads: an implementation must be thread-safe. An exception it throws is
 * logged and dropped.
 */
@FunctionalInterface
public interface IdleCloseListener {

    /** The listener that does nothing (the default). */
    IdleCloseListener NONE = (connection, close) -> { };

    /**
     * An idle connection was found closed by its peer; the pool is closing it.
     *
     * @param connection the connection, already useless
     * @param close      how the peer closed it and what had been seen
     */
    void peerClosedIdle(Connection connection, IdleClose close);
}
