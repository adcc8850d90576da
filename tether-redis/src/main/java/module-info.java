/**
 * tether-redis: the Redis client. Only {@code dev.tether.redis} is API; the protocol, the command
 * table and the request path in {@code dev.tether.redis.internal} are not exported.
 */
module dev.tether.redis {
    requires transitive dev.tether.net;
    requires org.slf4j;

    exports dev.tether.redis;
}
