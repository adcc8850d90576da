package dev.tether.net;

/**
 * Hears about every idle connection that the peer closed, reset or abandoned. Called on the idle
 * watcher's thread (or the acquirer's, for the lease-time check): return quickly and never block.
 */
@FunctionalInterface
public interface IdleCloseListener {

    IdleCloseListener NONE = (connection, close) -> { };

    void peerClosedIdle(Connection connection, IdleClose close);
}
