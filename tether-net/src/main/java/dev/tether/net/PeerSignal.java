package dev.tether.net;

/** What an idle connection's peer did, as seen by the idle watcher or the lease-time check. */
public enum PeerSignal {
    /** The peer closed its side (a FIN): the socket would otherwise sit in CLOSE_WAIT. */
    FIN,
    /** The peer aborted the connection (an RST). */
    RESET,
    /** Bytes arrived that nobody asked for (for TLS any record, such as close_notify). */
    DATA,
    /**
     * The kernel gave up on the connection without a FIN or an RST: keepalive probes or
     * retransmissions went unanswered, or the host became unreachable. The peer vanished.
     */
    LOST
}
