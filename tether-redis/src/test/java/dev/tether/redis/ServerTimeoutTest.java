package dev.tether.redis;

import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's own idle {@code timeout} cutting connections, on a redis-server of the test's own
 * (embedded-redis, a free loopback port): CONFIG SET changes the whole server, so never the shared one.
 */
class ServerTimeoutTest {
    private static RedisServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * A minute of commands paced 1.5 to 3 s apart against {@code timeout 2}: the server closes
     * connections idle for more than 2 s (it counts whole seconds, so at 2 to 3 s), some just as the
     * next command leaves. None may fail.
     */
    @Test
    void commandsPacedAroundTheServersIdleTimeoutNeverFail() throws Exception {
        try (RedisClient c = RedisClient.create(RedisClientConfig.builder().port(port).build())) {
            c.send("CONFIG", "SET", "timeout", "2");
            assertThat(c.send(Command.text("CONFIG", "GET", "timeout"))).isEqualTo(List.of("timeout", "2"));
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            List<ScheduledFuture<String>> results = new ArrayList<>();
            Random random = new Random(2);
            long at = 0;
            for (int i = 0; i < 26; i++) {
                at += 1500 + random.nextInt(1501);
                int n = i;
                results.add(pace.schedule(() -> {
                    try {
                        if (n % 2 == 0) {
                            c.set("k", "v" + n);
                            return null;
                        }
                        return "v".equals(c.get("k").substring(0, 1)) ? null : "wrong value";
                    } catch (RedisException e) {
                        return e.getMessage();
                    }
                }, at, TimeUnit.MILLISECONDS));
            }
            List<String> failures = new ArrayList<>();
            for (ScheduledFuture<String> r : results) {
                String failure = r.get(at + 30_000, TimeUnit.MILLISECONDS);
                if (failure != null) {
                    failures.add(failure);
                }
            }
            pace.shutdownNow();
            assertThat(failures).isEmpty();
            assertThat(c.poolStats().closed(Reason.PEER_CLOSED)).as("the server did cut idle connections").isPositive();
        }
    }
}
