/**
 * tether-net: TCP and TLS connections for tether-pool. Only {@code dev.tether.net} is API; the
 * dialer, the idle watcher and the write guard in {@code dev.tether.net.internal} are not exported.
 */
module dev.tether.net {
    requires transitive dev.tether.pool;
    requires jdk.net;
    requires org.slf4j;

    exports dev.tether.net;
    // tether-jdbc hands the idle watcher a driver's own socket (through the driver's socket
    // factory); no other module may reach the machinery.
    exports dev.tether.net.internal to dev.tether.jdbc;
}
