package dev.tether.cli.lab;

import dev.tether.cli.MainTest.Result;
import dev.tether.cli.lab.redis.LabRedis;
import dev.tether.redis.Command;
import dev.tether.redis.RedisAdmin;
import dev.tether.redis.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.tether.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where the lab's Redis comes from: the server named with --redis (the machine's, shared: the lab
 * must leave nothing of its own there and change nothing), and no Redis at all (the Redis
 * scenarios skipped with one line, the HTTP ones run). The lab's own redis-server is
 * {@link LabQuickRunTest}'s.
 */
class RedisLabTest {

    private static ScenarioResult scenario(LabReport r, String id) {
        return r.scenarios().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static ClientResult client(LabReport r, String id, String client) {
        ScenarioResult s = scenario(r, id);
        assertThat(s.error()).as("error of %s", id).isNull();
        return s.clients().stream().filter(c -> c.client().equals(client)).findFirst().orElseThrow();
    }

    @Test
    void onTheUsersServerTheLabKillsOnlyItsOwnConnectionsLeavesNothingAndSkipsWhatWouldChangeTheServer() {
        TestRedis.require();
        LabRedis redis = LabRedis.server(RedisAdmin.URL);
        try (RedisAdmin admin = RedisAdmin.machine()) {
            Object timeoutBefore = admin.client().send(Command.text("CONFIG", "GET", "timeout"));
            LabReport r = new LabRunner(true, LabRunner.Progress.SILENT, redis)
                    .run(Scenarios.select(List.of("redis-idle-kill", "redis-in-flight", "redis-restart", "redis-server-timeout")));

            assertThat(r.scenarios()).extracting(ScenarioResult::id).containsExactly("redis-idle-kill", "redis-in-flight");
            assertThat(client(r, "redis-idle-kill", "naive").failed()).as("every command from the first kill on").isEqualTo(10);
            assertThat(client(r, "redis-idle-kill", "naive").recoverMs()).isEqualTo(-1);
            assertThat(client(r, "redis-idle-kill", "naive pool").failed()).isEqualTo(5);
            assertThat(client(r, "redis-idle-kill", "tether").failed()).isZero();
            ClientResult bare = client(r, "redis-in-flight", "naive");
            assertThat(bare.failed()).as("the INCR in flight and every command after it").isEqualTo(5);
            assertThat(bare.appliedUnacknowledged()).as("the INCR in flight, applied").isEqualTo(1);
            assertThat(bare.duplicates()).isZero();
            assertThat(client(r, "redis-in-flight", "naive+retry").duplicates()).isEqualTo(1);
            assertThat(client(r, "redis-in-flight", "tether").duplicates()).isZero();
            assertThat(client(r, "redis-in-flight", "tether").firstError()).contains("may have been applied");
            // Other clients connect to a shared server: what it accepted is not the trial's count.
            assertThat(client(r, "redis-idle-kill", "tether").opened()).isEqualTo(-1);
            assertThat(TextReport.render(r)).contains("    naive           11      10    0     n/a")
                    .contains("    tether          11       0    0     n/a");

            assertThat(r.skipped()).singleElement().satisfies(skip -> {
                assertThat(skip.scenarios()).containsExactly("redis-restart", "redis-server-timeout");
                assertThat(skip.error()).isFalse();
                assertThat(skip.reason()).isEqualTo("12 redis-restart and 13 redis-server-timeout skipped: they stop and start the"
                        + " server and set the server's timeout, which the lab does only to a redis-server it started itself,"
                        + " never to one named with --redis (" + redis.shown() + "); run them without --redis.");
            });
            assertThat(r.errors()).isZero();

            // Nothing of the run is left: no connection of its clients, no key; the server's settings as they were.
            // The clients have closed their sockets; the server drops them when it reads the FIN, which on a
            // loaded machine can come a little after the run returns: polled, with a generous deadline.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                List<String> left = new ArrayList<>();
                for (String line : admin.client().send(Command.text("CLIENT", "LIST")).toString().split("\n")) {
                    if (line.contains(" name=tether-lab-" + redis.run() + "-")) {
                        left.add(line);
                    }
                }
                assertThat(left).as("connections of the run").isEmpty();
            });
            assertThat(admin.client().send(Command.text("KEYS", "tether-lab:" + redis.run() + "-*"))).asList().isEmpty();
            assertThat(admin.client().send(Command.text("CONFIG", "GET", "timeout"))).isEqualTo(timeoutBefore);
        }
    }

    @Test
    void withoutRedisTheRedisScenariosAreSkippedWithOneLineAndTheHttpOnesRun() {
        LabRedis none = LabRedis.embedded(() -> {
            throw new IOException("no redis-server for this test");
        });
        LabReport r = new LabRunner(true, LabRunner.Progress.SILENT, none)
                .run(Scenarios.select(List.of("post-twice", "redis-idle-kill", "redis-blackhole")));

        assertThat(r.scenarios()).extracting(ScenarioResult::id).containsExactly("post-twice");
        assertThat(r.skipped()).singleElement().satisfies(skip -> {
            assertThat(skip.scenarios()).containsExactly("redis-idle-kill", "redis-blackhole");
            assertThat(skip.error()).as("nothing the command line asked for failed").isFalse();
            assertThat(skip.reason()).isEqualTo("Redis scenarios 10 redis-idle-kill and 15 redis-blackhole skipped: the lab could"
                    + " not start its own redis-server from the embedded-redis jar (no redis-server for this test); run them"
                    + " against a Redis of yours with tether lab --redis redis://HOST:PORT.");
        });
        assertThat(r.errors()).isZero();
        String table = TextReport.render(r);
        assertThat(table).contains("Redis scenarios 10 redis-idle-kill and 15 redis-blackhole skipped")
                .contains(" 7  a POST applied");
        assertThat(JsonReport.render(r)).contains("\"skipped\"").contains("no redis-server for this test");
        assertThat(HtmlReport.render(r)).contains("<p class=\"skipped\">Redis scenarios 10 redis-idle-kill");
    }

    @Test
    void aRedisThatCannotBeReachedIsAFailureOfTheCommandWithoutItsPassword() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        Result r = run("lab", "--quick", "--only", "post-twice,redis-idle-kill", "--redis", "redis://alice:s3cret@127.0.0.1:" + dead);
        assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(1);
        assertThat(r.out()).contains(" 7  a POST applied");
        assertThat(r.out().replaceAll("\\s*\\n\\s*", " ")).as("the skip line, unwrapped")
                .contains("Redis scenario 10 redis-idle-kill skipped: the lab could not use the Redis at redis://***@127.0.0.1:" + dead
                        + " (Connection refused); start it or fix the URL, or run without --redis to let the lab start its own.");
        assertThat(r.out() + r.err()).doesNotContain("s3cret").doesNotContain("alice");
    }

    @Test
    void aRedisUrlTheLabCannotUseIsAWrongCommandLine() {
        assertWrong(run("lab", "--only", "redis-idle-kill", "--redis", "http://127.0.0.1:6379"),
                "not a Redis URL: http://127.0.0.1:6379 (expected: redis[s]://[[user]:password@]host[:port][/database])");
        assertWrong(run("lab", "--only", "redis-idle-kill", "--redis", "rediss://:s3cret@127.0.0.1:6379"),
                "--redis: rediss://***@127.0.0.1:6379: the lab's naive clients speak plain RESP, not TLS");
        assertWrong(run("lab", "--only", "redis-idle-kill", "--redis", "redis://127.0.0.1:6379/one"),
                "bad database number \"one\" in redis://127.0.0.1:6379/one");
        assertWrong(run("lab", "--only", "redis-idle-kill", "--redis", "redis://127.0.0.1:0"), "port 0 in redis://127.0.0.1:0 is out of range");
    }

    private static void assertWrong(Result r, String message) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("tether: " + message).doesNotContain("s3cret").doesNotContain("[1/");
    }

}
