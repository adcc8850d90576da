package dev.tether.cli.lab.redis;

import dev.tether.cli.lab.ClientKind;
import dev.tether.cli.lab.support.ClientView;
import dev.tether.cli.lab.support.LabClient.Outcome;

import dev.tether.redis.RedisClientConfig;

import java.time.Duration;
import java.util.List;

/**
 * A Redis client as an application uses it: send a command, get a reply or an error. The lab runs
 * several side by side on the same failure. Implementations never throw from {@link #call}.
 */
public interface RedisLabClient extends ClientView {

    /**
     * The client of {@code kind} for {@code target}, connecting to 127.0.0.1:{@code port} (the
     * target's, or a proxy's in front of it) and naming its connections {@code name}.
     *
     * @param patience how long the lab waits for a naive client, which has no timeout
     * @param tether   tether's settings, for {@link ClientKind#TETHER}
     */
    static RedisLabClient of(ClientKind kind, RedisTarget target, int port, String name, Duration patience,
                             RedisClientConfig.Builder tether) {
        return switch (kind) {
            case NAIVE -> new NaiveRedis.Bare(target, port, name, patience);
            case NAIVE_POOL -> new NaiveRedis.Pool(target, port, name, patience, false);
            case RETRYING -> new NaiveRedis.Pool(target, port, name, patience, true);
            case TETHER -> new TetherRedis(target.configure(tether, port, name).build());
            case NO_POOL -> throw new IllegalArgumentException("no Redis client without a pool in the lab");
        };
    }

    /** Sends {@code command} (its name, then its arguments) and says what the application saw. */
    Outcome call(List<String> command);

    /** A reply as the timeline shows it: short, one line. */
    static String shown(Object reply) {
        String s = reply instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(reply);
        s = s.replaceAll("\\s+", " ");
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
