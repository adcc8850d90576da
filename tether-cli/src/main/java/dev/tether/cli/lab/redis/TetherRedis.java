package dev.tether.cli.lab.redis;

import dev.tether.cli.lab.support.LabClient.Outcome;
import dev.tether.pool.PoolStats;
import dev.tether.pool.Reason;
import dev.tether.redis.Command;
import dev.tether.redis.RedisClient;
import dev.tether.redis.RedisClientConfig;
import dev.tether.redis.RedisConnectionException;
import dev.tether.redis.RedisException;

import java.util.List;

/** tether-redis's {@link RedisClient}, as an application would call it. */
final class TetherRedis implements RedisLabClient {
    private final RedisClient client;
    private int mayHaveBeenApplied;

    TetherRedis(RedisClientConfig config) {
        this.client = RedisClient.create(config);
    }

    @Override
    public Outcome call(List<String> command) {
        try {
            Object reply = client.send(Command.text(command.get(0), command.subList(1, command.size()).toArray()));
            return Outcome.replied(RedisLabClient.shown(reply));
        } catch (RedisException e) {
            if (e instanceof RedisConnectionException c && c.mayHaveBeenApplied()) {
                mayHaveBeenApplied++;
            }
            return Outcome.failed(e.getMessage());
        }
    }

    @Override
    public int idle() {
        return client.poolStats().idle();
    }

    @Override
    public int leased() {
        return client.poolStats().leased();
    }

    /** The closes that matter here, and what the failures told the application. */
    @Override
    public String detail() {
        PoolStats s = client.poolStats();
        long watched = s.closed(Reason.PEER_CLOSED);
        StringBuilder sb = new StringBuilder();
        sb.append("idle watcher dropped ").append(watched).append(watched == 1 ? " connection" : " connections")
                .append(" the server or the network closed");
        if (mayHaveBeenApplied > 0) {
            sb.append("; ").append(mayHaveBeenApplied).append(mayHaveBeenApplied == 1 ? " failure said" : " failures said")
                    .append(" the command may have been applied");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
