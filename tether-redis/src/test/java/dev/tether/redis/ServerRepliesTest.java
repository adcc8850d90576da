package dev.tether.redis;

import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a client does with replies a real server rarely or never sends, from a scripted server. */
class ServerRepliesTest {

    private static RedisClient client(FakeRedis server) {
        return RedisClient.create(RedisClientConfig.builder().port(server.port())
                .socket(s -> s.readTimeout(Duration.ofSeconds(5))).build());
    }

    @Test
    void movedAndAskSayThatClusterRoutingIsNotDoneYet() throws Exception {
        try (FakeRedis server = new FakeRedis(cmd -> cmd.get(0).equals("GET") ? "-MOVED 3999 127.0.0.1:6381\r\n" : "-ASK 12 10.0.0.9:7000\r\n");
             RedisClient c = client(server)) {
            assertThatThrownBy(() -> c.get("k")).isInstanceOfSatisfying(RedisServerException.class, e -> {
                assertThat(e.prefix()).isEqualTo("MOVED");
                assertThat(e.is("MOVED")).isTrue();
                assertThat(e.serverMessage()).isEqualTo("MOVED 3999 127.0.0.1:6381");
                assertThat(e.getMessage()).isEqualTo("GET: the server replied MOVED 3999 127.0.0.1:6381 (this server is a Redis Cluster"
                        + " node and slot 3999 is served by 127.0.0.1:6381; tether-redis does not route cluster commands yet:"
                        + " connect to that node, or use a cluster-aware client)");
            });
            assertThatThrownBy(() -> c.set("k", "v")).isInstanceOfSatisfying(RedisServerException.class,
                    e -> assertThat(e.prefix()).isEqualTo("ASK"));
            assertThat(server.connections()).as("an error reply keeps the connection").isEqualTo(1);
        }
    }

    @Test
    void loadingBusyAndNoauthSayWhatToDo() throws Exception {
        String[] errors = {"-LOADING Redis is loading the dataset in memory\r\n", "-BUSY Redis is busy running a script.\r\n",
                "-NOAUTH Authentication required.\r\n"};
        int[] i = {0};
        try (FakeRedis server = new FakeRedis(cmd -> errors[i[0]++ % 3]); RedisClient c = client(server)) {
            assertThatThrownBy(() -> c.get("k")).hasMessageContaining("still loading its data set");
            assertThatThrownBy(() -> c.get("k")).hasMessageContaining("SCRIPT KILL");
            assertThatThrownBy(() -> c.get("k")).hasMessageContaining("redis://user:password@host");
        }
    }

    @Test
    void aMalformedReplyFailsCleanlyAndItsConnectionIsNeverReused() throws Exception {
        try (FakeRedis server = new FakeRedis(cmd -> cmd.get(1).equals("bad") ? "$3\r\nabcdef\r\n" : "+OK\r\n");
             RedisClient c = client(server)) {
            c.set("good", "v");
            assertThatThrownBy(() -> c.get("bad")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                assertThat(e.getMessage()).contains("instead of CR LF").contains("broke the protocol")
                        .contains("tether did not retry it because the reply had begun");
            });
            assertThat(c.poolStats().closed(Reason.BROKEN)).isEqualTo(1);
            c.set("good", "v");
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void bytesBeyondTheReplyRetireTheConnection() throws Exception {
        try (FakeRedis server = new FakeRedis(cmd -> "+OK\r\n+SURPRISE\r\n"); RedisClient c = client(server)) {
            c.set("a", "1");
            c.set("a", "1");
            assertThat(c.poolStats().closed(Reason.NOT_REUSABLE)).isGreaterThanOrEqualTo(1);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void bytesBeyondAReplyInASessionEndTheSession() throws Exception {
        try (FakeRedis server = new FakeRedis(cmd -> cmd.get(0).equals("GET") ? "$1\r\nx\r\n+SURPRISE\r\n" : "+OK\r\n");
             RedisClient c = client(server)) {
            try (RedisSession s = c.session()) {
                s.set("a", "1");
                assertThatThrownBy(() -> s.get("a")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                    assertThat(e.getMessage()).contains("the server sent more than its reply to GET");
                });
                // The surprise must never be read as the next command's reply.
                assertThatThrownBy(() -> s.get("a")).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("this session's connection failed");
            }
            assertThat(c.poolStats().closed(Reason.BROKEN)).isEqualTo(1);
            try (RedisSession s = c.session()) {
                assertThatThrownBy(() -> s.pipeline().add("GET", "a").execute())
                        .isInstanceOfSatisfying(RedisConnectionException.class,
                                e -> assertThat(e.getMessage()).contains("the server sent more than the replies to"));
            }
            assertThat(c.poolStats().closed(Reason.BROKEN)).isEqualTo(2);
        }
    }

    @Test
    void aReplyOfTheWrongTypeIsAnIllegalStateNotAClassCast() throws Exception {
        try (FakeRedis server = new FakeRedis(cmd -> "*1\r\n:1\r\n"); RedisClient c = client(server)) {
            for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> c.get("k"), () -> c.get(new byte[] {1}), () -> c.hget("h", "f"), () -> c.lpop("l"), () -> c.rpop(new byte[] {1}),
                    () -> c.zrank("z", "m"))) {
                assertThatThrownBy(call::execute).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("the server answered ArrayList where");
            }
            assertThat(c.poolStats().closed()).as("a well-formed reply of the wrong type leaves the connection alone").isZero();
        }
    }

    @Test
    void aReplyOverTheLimitIsRefused() throws Exception {
        String big = "$5000\r\n" + "x".repeat(5000) + "\r\n";
        try (FakeRedis server = new FakeRedis(cmd -> big);
             RedisClient c = RedisClient.create(RedisClientConfig.builder().port(server.port()).maxBulkBytes(4096).build())) {
            assertThatThrownBy(() -> c.get("k")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                assertThat(e.getMessage()).contains("a bulk string of 5000 bytes, larger than its limit 4096 (maxBulkBytes)");
            });
            assertThat(c.poolStats().closed(Reason.BROKEN)).isEqualTo(1);
        }
        String many = "*100\r\n" + ":1\r\n".repeat(100);
        try (FakeRedis server = new FakeRedis(cmd -> many);
             RedisClient c = RedisClient.create(RedisClientConfig.builder().port(server.port()).maxArrayLength(16).build())) {
            assertThatThrownBy(() -> c.send("LRANGE", "k", 0, -1)).hasMessageContaining("larger than its limit 16 (maxArrayLength)");
        }
    }

    @Test
    void aReplyWithinEachPartsLimitButLargerAsAWholeIsRefused() throws Exception {
        // 12 strings of 3,000 bytes: each under maxBulkBytes, the array under maxArrayLength, 36 KB in all.
        String element = "$3000\r\n" + "y".repeat(3000) + "\r\n";
        try (FakeRedis server = new FakeRedis(cmd -> cmd.get(0).equals("LRANGE") ? "*12\r\n" + element.repeat(12)
                : cmd.get(0).equals("MGET") ? "*5\r\n" + element.repeat(5) : "+OK\r\n");
             RedisClient c = RedisClient.create(RedisClientConfig.builder().port(server.port()).maxBulkBytes(4096).maxArrayLength(16)
                     .maxReplyBytes(16 * 1024).build())) {
            assertThat(c.mget("a", "b", "c", "d", "e")).hasSize(5).allMatch(v -> v.length() == 3000);
            assertThatThrownBy(() -> c.lrange("k", 0, -1)).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                assertThat(e.getMessage()).contains("a reply to LRANGE of more than 16384 bytes (maxReplyBytes)");
            });
            assertThat(c.poolStats().closed(Reason.BROKEN)).isEqualTo(1);
            assertThat(c.ping()).isEqualTo("OK");
        }
    }

    @Test
    void aServerThatClosesBeforeReplyingToAFirstCommandIsNotRetried() throws Exception {
        try (FakeRedis server = new FakeRedis(cmd -> null); RedisClient c = client(server)) {
            assertThatThrownBy(() -> c.get("k")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PEER_CLOSED);
                assertThat(e.getMessage()).contains("the server closed the connection before replying to GET")
                        .contains("tether did not retry it because the connection was new");
            });
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void theHandshakeIsOneRoundTripAndARefusalFailsTheOpen() throws Exception {
        List<List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FakeRedis server = new FakeRedis(cmd -> {
            seen.add(cmd);
            return cmd.get(0).equals("AUTH") ? "-WRONGPASS invalid username-password pair or user is disabled.\r\n" : "+OK\r\n";
        }); RedisClient c = RedisClient.create(RedisClientConfig.builder("redis://u:hunter2@127.0.0.1:" + server.port() + "/5")
                .clientName("n").build())) {
            assertThatThrownBy(c::ping).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.getMessage()).startsWith("PING was not sent: a new connection to 127.0.0.1:" + server.port()
                        + " failed its handshake: AUTH: the server replied WRONGPASS").doesNotContain("hunter2");
                assertThat(e.mayHaveBeenApplied()).isFalse();
            });
            assertThat(seen).extracting(l -> l.get(0)).containsExactly("AUTH", "CLIENT", "SELECT");
            assertThat(seen.get(0)).containsExactly("AUTH", "u", "hunter2");
        }
    }

    @Test
    void aServerThatEchoesTheHandshakeNeverShowsThePassword() throws Exception {
        // A server without HELLO (Redis 5, or HELLO renamed away) echoes the arguments it refused,
        // the password among them; an older one without ACL users echoes AUTH's, cut at 128 characters.
        String password = "correct-horse-battery-staple-" + "x".repeat(100);
        try (FakeRedis server = new FakeRedis(cmd -> switch (cmd.get(0)) {
            case "HELLO" -> "-ERR unknown command 'HELLO', with args beginning with: '3' 'AUTH' 'alice' '" + cmd.get(4) + "' \r\n";
            case "AUTH" -> "-ERR unknown command 'AUTH', with args beginning with: '" + cmd.get(1) + "' '"
                    + cmd.get(2).substring(0, 40) + "' \r\n";
            default -> "+OK\r\n";
        })) {
            for (Protocol p : Protocol.values()) {
                RedisClientConfig config = RedisClientConfig.builder().port(server.port()).user("alice").password(password)
                        .protocol(p).build();
                try (RedisClient c = RedisClient.create(config)) {
                    assertThatThrownBy(c::ping).as("%s", p).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                        assertThat(e.getMessage()).contains("failed its handshake", "unknown command", "***");
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(t.getMessage()).as("%s", t).doesNotContain("correct-horse").doesNotContain("alice");
                            assertThat(t.toString()).doesNotContain("correct-horse");
                        }
                    });
                    assertThat(c.toString()).doesNotContain("correct-horse");
                }
            }
        }
    }
}
