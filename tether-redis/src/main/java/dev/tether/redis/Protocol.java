package dev.tether.redis;

/** The version of the Redis serialization protocol a connection speaks. */
public enum Protocol {
    /** RESP2: every server since Redis 2; no {@code HELLO} is sent. */
    RESP2,
    /**
     * RESP3 (Redis 6 and later): each new connection starts with {@code HELLO 3}; maps, sets,
     * doubles, booleans and big numbers arrive as their own types.
     */
    RESP3
}
