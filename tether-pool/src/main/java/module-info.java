/**
 * tether-pool: the pool engine. Only {@code dev.tether.pool} is API; the engine in
 * {@code dev.tether.pool.internal} is free to change and is not exported.
 */
module dev.tether.pool {
    requires org.slf4j;

    exports dev.tether.pool;
}
