package dev.tether.redis;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The machine's Redis for a test: in CI ({@code CI=true}) it must be there and a test fails
 * without it; elsewhere the test is skipped with the command that starts one.
 */
public final class TestRedis {
    private TestRedis() {
    }

    /** Skips (or, in CI, fails) when nothing answers at {@link RedisAdmin#URL}. */
    public static void require() {
        URI u = URI.create(RedisAdmin.URL);
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), port), 1000);
            up = true;
        } catch (IOException e) {
            up = false;
        }
        String why = "no Redis at " + RedisUri.parse(RedisAdmin.URL) + " (set TETHER_REDIS_URL, or start one: " + RedisAdmin.HOW_TO_START + ")";
        if ("true".equals(System.getenv("CI"))) {
            if (!up) {
                throw new AssertionError(why + "; in CI this test must run");
            }
        } else {
            Assumptions.assumeTrue(up, why);
        }
    }

    /** A config for the machine's Redis whose connections are named {@code name}. */
    public static RedisClientConfig.Builder config(String name) {
        return RedisClientConfig.builder(RedisAdmin.URL).clientName(name);
    }
}
