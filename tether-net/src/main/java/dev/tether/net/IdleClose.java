package dev.tether.net;

import java.io.IOException;
import java.time.Duration;

/**
 * How an idle connection was found dead: what the peer did, and how long the connection had been
 * quiet (no byte either way) when that was seen. A protocol client learns the server's idle
 * timeout from {@code idleFor} of {@link PeerSignal#FIN} closes. Immutable.
 *
 * @param signal   what the peer did
 * @param idleFor  time since the last byte was read or written
 * @param error    the socket error for {@link PeerSignal#RESET} and {@link PeerSignal#LOST}; else null
 * @param atLease  true when the lease-time check saw it, false when the idle watcher did
 */
public record IdleClose(PeerSignal signal, Duration idleFor, IOException error, boolean atLease) {
}
