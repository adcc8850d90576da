package dev.tether.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The commands against the machine's Redis, in RESP2 and RESP3; keys are unique to the run. */
class RedisClientTest {
    private static RedisAdmin admin;
    private static final String P = RedisAdmin.uniqueName("tether-test:cmd") + ":";

    @BeforeAll
    static void server() {
        TestRedis.require();
        admin = RedisAdmin.machine();
    }

    @AfterAll
    static void cleanUp() {
        if (admin != null) {
            List<String> keys = new ArrayList<>();
            admin.client().scan(P + "*", 100).forEach(keys::add);
            if (!keys.isEmpty()) {
                admin.client().del(keys.toArray(new String[0]));
            }
            admin.close();
        }
    }

    private static RedisClient client(Protocol protocol) {
        return RedisClient.create(TestRedis.config(RedisAdmin.uniqueName("tether-test-cmd")).protocol(protocol).build());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void stringsAndKeys(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            String k = P + protocol + ":s";
            assertThat(c.get(k)).isNull();
            c.set(k, "héllo ✓ 𝄞");
            assertThat(c.get(k)).isEqualTo("héllo ✓ 𝄞");
            assertThat(c.append(k, "!")).isEqualTo("héllo ✓ 𝄞!".getBytes(StandardCharsets.UTF_8).length);
            assertThat(c.set(k, "x", SetOptions.NONE.ifAbsent())).isNull();
            assertThat(c.set(k, "y", SetOptions.NONE.returnPrevious())).isEqualTo("héllo ✓ 𝄞!");
            assertThat(c.set(k, "z", SetOptions.ttl(Duration.ofSeconds(100)))).isEqualTo("OK");
            assertThat(c.ttl(k)).isBetween(1L, 100L);
            assertThat(c.set(k, "w", SetOptions.NONE.keepTtl().ifPresent())).isEqualTo("OK");
            assertThat(c.ttl(k)).isBetween(1L, 100L);
            assertThat(c.expireAt(k, Instant.now().plusSeconds(500))).isTrue();
            assertThat(c.ttl(k)).isBetween(100L, 500L);
            assertThat(c.expire(k, Duration.ofSeconds(50))).isTrue();
            assertThat(c.ttl(P + protocol + ":none")).isEqualTo(-2);

            String n = P + protocol + ":n";
            assertThat(c.incr(n)).isEqualTo(1);
            assertThat(c.incrBy(n, 10)).isEqualTo(11);
            assertThat(c.decr(n)).isEqualTo(10);
            assertThat(c.decrBy(n, 3)).isEqualTo(7);
            Map<String, String> m = new LinkedHashMap<>();
            m.put(P + protocol + ":a", "1");
            m.put(P + protocol + ":b", "2");
            c.mset(m);
            assertThat(c.mget(P + protocol + ":a", P + protocol + ":missing", P + protocol + ":b")).containsExactly("1", null, "2");
            assertThat(c.exists(P + protocol + ":a", P + protocol + ":b", P + protocol + ":missing")).isEqualTo(2);
            assertThat(c.del(P + protocol + ":a", P + protocol + ":b")).isEqualTo(2);
            assertThat(c.ping()).isEqualTo("PONG");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void binarySafe(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] key = (P + protocol + ":bin\0\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[256];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) i;
            }
            c.set(key, value);
            assertThat(c.get(key)).isEqualTo(value);
            assertThat(c.mget(key, "nope".getBytes(StandardCharsets.UTF_8))).containsExactly(value, null);
            byte[] big = new byte[200_000]; // larger than the read buffer: read as it arrives
            new java.util.Random(1).nextBytes(big);
            c.set(key, big);
            assertThat(c.get(key)).isEqualTo(big);
            assertThat((byte[]) c.send("GET", key)).isEqualTo(big);
            assertThat(c.send(Command.text("STRLEN", key))).isEqualTo(200_000L);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void hashesListsSetsSortedSets(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            String h = P + protocol + ":h";
            assertThat(c.hset(h, "f1", "v1")).isEqualTo(1);
            assertThat(c.hset(h, Map.of("f2", "v2", "f3", "v3"))).isEqualTo(2);
            assertThat(c.hget(h, "f2")).isEqualTo("v2");
            assertThat(c.hgetAll(h)).containsExactlyInAnyOrderEntriesOf(Map.of("f1", "v1", "f2", "v2", "f3", "v3"));
            assertThat(c.hexists(h, "f3")).isTrue();
            assertThat(c.hincrBy(h, "count", 5)).isEqualTo(5);
            assertThat(c.hdel(h, "f1", "nope")).isEqualTo(1);
            assertThat(c.hlen(h)).isEqualTo(3);
            assertThat(c.hgetAll(P + "none")).isEmpty();

            String l = P + protocol + ":l";
            assertThat(c.rpush(l, "b", "c")).isEqualTo(2);
            assertThat(c.lpush(l, "a")).isEqualTo(3);
            assertThat(c.lrange(l, 0, -1)).containsExactly("a", "b", "c");
            assertThat(c.llen(l)).isEqualTo(3);
            assertThat(c.lpop(l)).isEqualTo("a");
            assertThat(c.rpop(l)).isEqualTo("c");
            assertThat(c.blpop(Duration.ofSeconds(1), l)).containsExactly(l, "b");
            assertThat(c.lpop(l)).isNull();

            String s = P + protocol + ":set";
            assertThat(c.sadd(s, "x", "y", "z", "x")).isEqualTo(3);
            assertThat(c.srem(s, "z")).isEqualTo(1);
            assertThat(c.smembers(s)).containsExactlyInAnyOrder("x", "y");
            assertThat(c.sismember(s, "x")).isTrue();
            assertThat(c.scard(s)).isEqualTo(2);

            String z = P + protocol + ":z";
            assertThat(c.zadd(z, 2.5, "b")).isEqualTo(1);
            assertThat(c.zadd(z, Map.of("a", 1.0, "c", 3.0))).isEqualTo(2);
            assertThat(c.zscore(z, "b")).isEqualTo(2.5);
            assertThat(c.zincrby(z, 10, "a")).isEqualTo(11.0);
            assertThat(c.zrange(z, 0, -1)).containsExactly("b", "c", "a");
            assertThat(c.zrangeWithScores(z, 0, 0)).containsExactlyEntriesOf(Map.of("b", 2.5));
            assertThat(c.zrank(z, "c")).isEqualTo(1);
            assertThat(c.zrank(z, "nope")).isNull();
            assertThat(c.zrem(z, "c")).isEqualTo(1);
            assertThat(c.zcard(z)).isEqualTo(2);
        }
    }

    @Test
    void scanIteratesOverEveryMatchingKey() {
        try (RedisClient c = client(Protocol.RESP2)) {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 120; i++) {
                expected.add(P + "scan:" + i);
                c.set(P + "scan:" + i, "v");
            }
            Set<String> seen = new HashSet<>();
            for (String key : c.scan(P + "scan:*", 10)) {
                seen.add(key);
            }
            assertThat(seen).isEqualTo(expected);
        }
    }

    @Test
    void serverErrorsAreOneTypedExceptionWithThePrefix() {
        try (RedisClient c = client(Protocol.RESP2)) {
            String l = P + "wrongtype";
            c.rpush(l, "x");
            assertThatThrownBy(() -> c.get(l)).isInstanceOfSatisfying(RedisServerException.class, e -> {
                assertThat(e.prefix()).isEqualTo("WRONGTYPE");
                assertThat(e.command()).isEqualTo("GET");
                assertThat(e.serverMessage()).startsWith("WRONGTYPE Operation against a key");
                assertThat(e.getMessage()).startsWith("GET: the server replied WRONGTYPE");
            });
            assertThatThrownBy(() -> c.send("NOSUCHCOMMAND", "secret-argument"))
                    .isInstanceOfSatisfying(RedisServerException.class, e -> assertThat(e.prefix()).isEqualTo("ERR"));
            // The connection that carried the errors is still good.
            assertThat(c.ping()).isEqualTo("PONG");
            assertThat(c.poolStats().closed()).isZero();
        }
    }

    @Test
    void resp3TypesArriveAsTheirJavaTypes() {
        try (RedisClient c = client(Protocol.RESP3)) {
            String h = P + "r3:h";
            c.hset(h, "f", "v");
            assertThat(c.send(Command.text("HGETALL", h))).isEqualTo(Map.of("f", "v"));
            c.zadd(P + "r3:z", 1.5, "m");
            assertThat(c.send(Command.text("ZSCORE", P + "r3:z", "m"))).isEqualTo(1.5);
            assertThat(c.send(Command.of("HELLO", "3"))).isInstanceOf(Map.class);
        }
    }

    @Test
    void pipelineAnswersEachCommandWithItsReplyOrItsError() {
        try (RedisClient c = client(Protocol.RESP2)) {
            String k = P + "pipe";
            Replies r = c.pipeline()
                    .add("SET", k, "1")
                    .add("INCR", k)
                    .add("LPUSH", k, "x") // WRONGTYPE: in its place, the others unharmed
                    .add(Command.text("GET", k))
                    .execute();
            assertThat(r.size()).isEqualTo(4);
            assertThat(r.get(0)).isEqualTo("OK");
            assertThat(r.getLong(1)).isEqualTo(2);
            assertThat(r.isError(2)).isTrue();
            assertThat(r.error(2).prefix()).isEqualTo("WRONGTYPE");
            assertThatThrownBy(() -> r.get(2)).isInstanceOf(RedisServerException.class);
            assertThat(r.getString(3)).isEqualTo("2");

            List<String> many = new ArrayList<>();
            Pipeline p = c.pipeline();
            for (int i = 0; i < 1000; i++) {
                p.add("SET", k + ":" + i, "v" + i);
                many.add(k + ":" + i);
            }
            assertThat(p.execute().size()).isEqualTo(1000);
            assertThat(c.mget(many.toArray(new String[0]))).hasSize(1000).endsWith("v999");
        }
    }

    @Test
    void transactionAppliesAllOrNothing() {
        try (RedisClient c = client(Protocol.RESP2)) {
            String k = P + "tx";
            Replies r = c.transaction().add("INCR", k).add("INCRBY", k, 10).add(Command.text("GET", k)).execute();
            assertThat(r.getLong(0)).isEqualTo(1);
            assertThat(r.getLong(1)).isEqualTo(11);
            assertThat(r.getString(2)).isEqualTo("11");
            // A command refused while queued (wrong arity) discards the whole transaction.
            assertThatThrownBy(() -> c.transaction().add("INCR", k).add("INCR").execute())
                    .isInstanceOfSatisfying(RedisServerException.class, e -> {
                        assertThat(e.prefix()).isEqualTo("EXECABORT");
                        assertThat(e.getSuppressed()).hasSize(1);
                    });
            assertThat(c.get(k)).isEqualTo("11");
        }
    }

    @Test
    void sessionWatchAbortsATransactionWhenTheKeyChanged() {
        try (RedisClient c = client(Protocol.RESP2)) {
            String k = P + "watch";
            c.set(k, "10");
            try (RedisSession s = c.session()) {
                s.watch(k);
                long v = Long.parseLong(s.get(k));
                c.set(k, "20"); // another connection changes it
                assertThat(s.transaction().add("SET", k, v - 1).execute()).isNull();
            }
            assertThat(c.get(k)).isEqualTo("20");
            try (RedisSession s = c.session()) {
                s.watch(k);
                long v = Long.parseLong(s.get(k));
                s.multi();
                assertThat(s.send("SET", k, v - 1)).isEqualTo("QUEUED");
                assertThat(s.exec().get(0)).isEqualTo("OK");
            }
            assertThat(c.get(k)).isEqualTo("19");
            try (RedisSession s = c.session()) {
                s.multi();
                assertThat(s.send("INCR", k)).isEqualTo("QUEUED");
                // A typed call gets QUEUED, not its reply: it says so, and that the command will run.
                assertThatThrownBy(() -> s.incr(k)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("queued by the session's open MULTI and runs at EXEC");
            }
            assertThat(c.get(k)).isEqualTo("19");
            assertThat(c.poolStats().closed()).isZero();
        }
    }

    @Test
    void aclUserPasswordDatabaseAndNameAreSetOnEveryConnection() {
        String user = RedisAdmin.uniqueName("tether-test-user");
        String name = RedisAdmin.uniqueName("tether-test-auth");
        admin.client().send("ACL", "SETUSER", user, "on", ">p@ss:w0rd", "~*", "&*", "+@all");
        try {
            String uri = "redis://" + user + ":p%40ss%3Aw0rd@" + RedisUri.parse(RedisAdmin.URL).host() + ":"
                    + RedisUri.parse(RedisAdmin.URL).port() + "/3";
            RedisClientConfig cfg = RedisClientConfig.builder(uri).clientName(name).protocol(Protocol.RESP3).build();
            assertThat(cfg.toString()).doesNotContain("p@ss").contains("password=***");
            try (RedisClient c = RedisClient.create(cfg)) {
                assertThat(c.send(Command.text("ACL", "WHOAMI"))).isEqualTo(user);
                assertThat(c.send(Command.text("CLIENT", "GETNAME"))).isEqualTo(name);
                assertThat(c.send(Command.text("CLIENT", "INFO")).toString()).contains(" db=3 ");
                admin.kill(name);
                // Once the client has seen the close (ACL WHOAMI is not in the retry table, so a
                // send racing the kill would fail instead of being retried), a new connection:
                // the handshake is replayed.
                await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().idle() == 0);
                assertThat(c.send(Command.text("ACL", "WHOAMI"))).isEqualTo(user);
                assertThat(c.send(Command.text("CLIENT", "INFO")).toString()).contains(" db=3 ").contains("name=" + name);
            }
            try (RedisClient wrong = RedisClient.create(RedisClientConfig.builder(uri.replace("w0rd", "nope")).build())) {
                assertThatThrownBy(wrong::ping).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                    assertThat(e.getMessage()).contains("WRONGPASS").doesNotContain("nope").doesNotContain("p@ss");
                    assertThat(e.mayHaveBeenApplied()).isFalse();
                });
            }
        } finally {
            admin.client().send("ACL", "DELUSER", user);
        }
    }
}
