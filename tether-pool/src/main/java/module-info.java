/**
 * tether-pool: the pool engine. Only {@code dev.tether.pool} is API; the engine in
 * {@code dev.tether.pool.internal} is free to change and is not exported.
 */
module dev.tether.pool {
    requires org.slf4j;
    // PoolConfig.jmx: the pool's MXBean on the platform MBean server.
    requires java.management;

    exports dev.tether.pool;
}
