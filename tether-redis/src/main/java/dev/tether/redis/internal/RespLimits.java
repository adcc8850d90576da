package dev.tether.redis.internal;

/** What a server may make the client allocate for one reply (see RedisClientConfig for each). */
public record RespLimits(int maxBulkBytes, int maxArrayLength, int maxNestingDepth, long maxReplyBytes) {
}
