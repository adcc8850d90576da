package dev.tether.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code byte[]} forms of the typed commands against the machine's Redis, in RESP2 and RESP3,
 * with keys, fields, members and values that are not UTF-8 (NUL, 0xff, 0x80, CR LF); and the wire
 * form of relative and absolute expiries, read from a recording {@link RedisCommands} (no server).
 * Keys are unique to the run.
 */
class BinaryCommandsTest {
    private static final String P = RedisAdmin.uniqueName("tether-test:bin") + ":";
    /** Bytes no UTF-8 decoder gives back: NUL, an invalid lead byte, a lone continuation byte, CR LF. */
    private static final byte[] RAW = {0x00, (byte) 0xff, (byte) 0x80, '\r', '\n'};
    private static RedisAdmin admin;

    /** Skips (or, in CI, fails) without a server; the wire-form tests need none. */
    private static RedisClient client(Protocol protocol) {
        TestRedis.require();
        synchronized (BinaryCommandsTest.class) {
            if (admin == null) {
                admin = RedisAdmin.machine();
            }
        }
        return RedisClient.create(TestRedis.config(RedisAdmin.uniqueName("tether-test-bin")).protocol(protocol).build());
    }

    @AfterAll
    static void cleanUp() {
        if (admin != null) {
            // The binary scan: the String one would decode 0xff as U+FFFD, and del would miss the key.
            List<byte[]> keys = new ArrayList<>();
            admin.client().scan((P + "*").getBytes(StandardCharsets.UTF_8), 100).forEach(keys::add);
            if (!keys.isEmpty()) {
                admin.client().del(keys.toArray(new byte[0][]));
            }
            admin.close();
        }
    }

    /** {@code P}, then {@code name}, then {@link #RAW}: a key of this run that is not UTF-8. */
    private static byte[] key(Protocol protocol, String name) {
        return concat((P + protocol + ":" + name + ":").getBytes(StandardCharsets.UTF_8), RAW);
    }

    private static byte[] raw(String text) {
        return concat(text.getBytes(StandardCharsets.UTF_8), RAW);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Bytes as one char each (ISO-8859-1 maps every byte to a char and back): comparable, printable in a failure. */
    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A binary hash's entries by content, for comparison: each field must come once. */
    private static Map<String, String> byContent(List<Map.Entry<byte[], byte[]>> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> e : entries) {
            assertThat(out.put(latin1(e.getKey()), latin1(e.getValue()))).as("a field sent twice").isNull();
        }
        return out;
    }

    // ------------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void stringsAndKeys(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] a = key(protocol, "a");
            byte[] b = key(protocol, "b");
            byte[] missing = key(protocol, "missing");
            byte[] va = raw("va");
            byte[] vb = RAW.clone();
            c.mset(a, va, b, vb);
            assertThat(c.mget(a, missing, b)).containsExactly(va, null, vb);
            assertThat(c.exists(a, b, missing, a)).isEqualTo(3);

            byte[] n = key(protocol, "n");
            assertThat(c.incr(n)).isEqualTo(1);
            assertThat(c.incrBy(n, 10)).isEqualTo(11);
            assertThat(c.decr(n)).isEqualTo(10);
            assertThat(c.decrBy(n, 3)).isEqualTo(7);
            assertThat(c.get(n)).isEqualTo("7".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.get(new String(n, StandardCharsets.UTF_8))).as("the String form reaches another key").isNull();

            assertThat(c.ttl(a)).isEqualTo(-1);
            assertThat(c.expire(a, Duration.ofSeconds(100))).isTrue();
            assertThat(c.ttl(a)).isBetween(1L, 100L);
            assertThat(c.expire(b, Duration.ofSeconds(200).plusMillis(1))).isTrue();
            assertThat(c.ttl(b)).isBetween(100L, 201L);
            assertThat(c.expire(missing, Duration.ofSeconds(1))).isFalse();
            Instant at = Instant.ofEpochSecond(1_900_000_000L, 750_000_000);
            assertThat(c.expireAt(n, at)).isTrue();
            assertThat(c.send(Command.of("PEXPIRETIME", n))).isEqualTo(at.toEpochMilli());
            assertThat(c.ttl(missing)).isEqualTo(-2);
            assertThat(c.expireAt(missing, at)).isFalse();
            assertThat(c.get(a)).isEqualTo(va);
            assertThat(c.get(b)).isEqualTo(vb);
        }
    }

    @Test
    void msetRefusesAKeyWithoutItsValue() {
        Recorder r = new Recorder();
        assertThatThrownBy(() -> r.mset(RAW, RAW, RAW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keysAndValues: length 3 (expected: key, value, key, value...: an even length of at least 2)");
        assertThatThrownBy(() -> r.mset()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("keysAndValues: length 0 (expected:");
        assertThatThrownBy(() -> r.mset((byte[][]) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("keysAndValues: null (expected:");
        // The Map forms too: without an entry the server would refuse the argument count.
        assertThatThrownBy(() -> r.mset(java.util.Map.of())).hasMessage("keysAndValues: empty (expected: at least one entry)");
        assertThatThrownBy(() -> r.hset("h", java.util.Map.of())).hasMessage("fields: empty (expected: at least one entry)");
        assertThatThrownBy(() -> r.zadd("z", java.util.Map.of())).hasMessage("scores: empty (expected: at least one entry)");
        assertThat(r.sent).isEmpty();
        r.scan(10).iterator();
        assertThat(r.sent).isEmpty(); // lazily: nothing until the iterator advances
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aBinaryWatchDiscardsTheTransactionWhenItsKeyChanges(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] k = key(protocol, "watched");
            c.set(k, RAW);
            try (RedisSession s = c.session()) {
                s.watch(k);
                c.set(k, new byte[] {1}); // another connection changes the key
                assertThat(s.transaction().add(Command.of("SET", k, RAW)).execute()).isNull();
            }
            assertThat(c.get(k)).containsExactly(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void binaryExpiryRefusesWhatWouldDeleteTheKey(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] k = key(protocol, "kept");
            c.set(k, RAW);
            assertThatThrownBy(() -> c.expire(k, Duration.ofMillis(-250))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl: PT-0.25S (expected: >= 1 ms").hasMessageContaining("use del");
            assertThatThrownBy(() -> c.expireAt(k, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("at: null (expected: an Instant)");
            assertThat(c.get(k)).isEqualTo(RAW);
            assertThat(c.ttl(k)).isEqualTo(-1);
            assertThat(c.expire(k, Duration.ofMillis(900))).isTrue();
            Replies now = c.transaction().add("EXISTS", k).add("PTTL", k).execute();
            assertThat(now.getLong(0)).isEqualTo(1);
            assertThat(now.getLong(1)).isBetween(1L, 900L);
            await().atMost(Duration.ofSeconds(30)).until(() -> c.exists(k) == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void scanReturnsKeysAsTheServerHoldsThem(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] base = key(protocol, "scan");
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                byte[] k = concat(base, new byte[] {(byte) (0x80 + i), (byte) 0xff});
                c.set(k, RAW);
                expected.add(latin1(k));
            }
            c.set(key(protocol, "scam"), RAW); // outside the pattern
            Set<String> seen = new HashSet<>();
            for (byte[] k : c.scan(concat(base, new byte[] {'*'}), 10)) {
                seen.add(latin1(k));
                assertThat(c.get(k)).as("each key as scanned reaches its value").isEqualTo(RAW);
            }
            assertThat(seen).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void hashes(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] h = key(protocol, "h");
            byte[] f1 = raw("f1");
            byte[] f2 = RAW.clone();
            byte[] count = raw("count");
            assertThat(c.hset(h, f1, raw("v1"))).isEqualTo(1);
            assertThat(c.hset(h, f2, RAW)).isEqualTo(1);
            assertThat(c.hexists(h, f2)).isTrue();
            assertThat(c.hexists(h, raw("nope"))).isFalse();
            assertThat(c.hincrBy(h, count, 5)).isEqualTo(5);
            assertThat(c.hincrBy(h, count, -7)).isEqualTo(-2);
            assertThat(c.hlen(h)).isEqualTo(3);
            assertThat(byContent(c.hgetAll(h))).containsExactlyInAnyOrderEntriesOf(Map.of(
                    latin1(f1), latin1(raw("v1")), latin1(f2), latin1(RAW), latin1(count), "-2"));
            assertThat(c.hdel(h, f1, raw("nope"))).isEqualTo(1);
            assertThat(c.hdel(h, f1)).isZero();
            assertThat(c.hlen(h)).isEqualTo(2);
            assertThat(c.hgetAll(key(protocol, "none"))).isEmpty();
            assertThat(c.hlen(key(protocol, "none"))).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void lists(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] l = key(protocol, "l");
            byte[] empty = key(protocol, "empty");
            byte[] a = raw("a");
            byte[] b = RAW.clone();
            byte[] d = raw("d");
            assertThat(c.rpush(l, a, b, raw("c"), d)).isEqualTo(4);
            assertThat(c.llen(l)).isEqualTo(4);
            assertThat(c.lpop(l)).isEqualTo(a);
            assertThat(c.rpop(l)).isEqualTo(d);
            assertThat(c.blpop(Duration.ofSeconds(5), empty, l)).containsExactly(l, b);
            assertThat(c.brpop(Duration.ofSeconds(5), empty, l)).containsExactly(l, raw("c"));
            assertThat(c.llen(l)).isZero();
            assertThat(c.lpop(l)).isNull();
            assertThat(c.rpop(l)).isNull();
            assertThat(c.blpop(Duration.ofMillis(100), empty)).as("the time ran out").isNull();
            assertThat(c.brpop(Duration.ofMillis(100), empty)).as("the time ran out").isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void sets(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] s = key(protocol, "set");
            byte[] x = raw("x");
            byte[] y = RAW.clone();
            byte[] z = raw("z");
            assertThat(c.sadd(s, x, y, z, raw("x"))).isEqualTo(3);
            assertThat(c.srem(s, z, raw("nope"))).isEqualTo(1);
            assertThat(c.smembers(s)).containsExactlyInAnyOrder(x, y);
            assertThat(c.sismember(s, raw("x"))).isTrue();
            assertThat(c.sismember(s, z)).isFalse();
            assertThat(c.scard(s)).isEqualTo(2);
            assertThat(c.smembers(key(protocol, "none"))).isEmpty();
            assertThat(c.scard(key(protocol, "none"))).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void sortedSets(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            byte[] z = key(protocol, "z");
            byte[] a = raw("a");
            byte[] b = RAW.clone();
            byte[] m = raw("m");
            assertThat(c.zadd(z, 2.5, b)).isEqualTo(1);
            assertThat(c.zadd(z, 1.0, a)).isEqualTo(1);
            assertThat(c.zadd(z, 3.0, m)).isEqualTo(1);
            assertThat(c.zadd(z, 0.5, raw("m"))).as("an update").isZero();
            assertThat(c.zscore(z, b)).isEqualTo(2.5);
            assertThat(c.zscore(z, raw("nope"))).isNull();
            assertThat(c.zincrby(z, 10, a)).isEqualTo(11.0);
            assertThat(c.zrange(z, 0, -1)).containsExactly(m, b, a);
            List<Map.Entry<byte[], Double>> scored = c.zrangeWithScores(z, 0, 1);
            assertThat(scored).extracting(e -> latin1(e.getKey())).containsExactly(latin1(m), latin1(b));
            assertThat(scored).extracting(Map.Entry::getValue).containsExactly(0.5, 2.5);
            assertThat(c.zrank(z, b)).isEqualTo(1);
            assertThat(c.zrank(z, raw("nope"))).isNull();
            assertThat(c.zrem(z, b, raw("nope"))).isEqualTo(1);
            assertThat(c.zcard(z)).isEqualTo(2);
            assertThat(c.zrange(key(protocol, "none"), 0, -1)).isEmpty();
            assertThat(c.zrangeWithScores(key(protocol, "none"), 0, -1)).isEmpty();
            assertThat(c.zcard(key(protocol, "none"))).isZero();
        }
    }

    // ------------------------------------------------------------------ expiry on the wire

    /** Every command a test's {@link RedisCommands} was asked to send; each answers 1. */
    private static final class Recorder implements RedisCommands {
        final List<Command> sent = new ArrayList<>();

        @Override
        public Object send(Command command) {
            sent.add(command);
            return 1L;
        }

        String last() {
            Command c = sent.get(sent.size() - 1);
            StringBuilder b = new StringBuilder(c.name());
            for (int i = 0; i < c.argCount(); i++) {
                Object a = c.arg(i);
                b.append(' ').append(a instanceof byte[] ? new String((byte[]) a, StandardCharsets.ISO_8859_1) : a);
            }
            return b.toString();
        }
    }

    @Test
    void aTtlOfWholeSecondsGoesOutAsExpireAndAFractionAsPexpireInMilliseconds() {
        Recorder r = new Recorder();
        r.expire("k", Duration.ofSeconds(50));
        assertThat(r.last()).isEqualTo("EXPIRE k 50");
        r.expire("k", Duration.ofMillis(1));
        assertThat(r.last()).isEqualTo("PEXPIRE k 1");
        r.expire("k", Duration.ofMillis(999));
        assertThat(r.last()).isEqualTo("PEXPIRE k 999");
        r.expire("k", Duration.ofSeconds(100).plusMillis(500));
        assertThat(r.last()).isEqualTo("PEXPIRE k 100500");
        // Below a millisecond is dropped, as SetOptions does: what remains is whole seconds.
        r.expire("k", Duration.ofSeconds(2).plusNanos(999_999));
        assertThat(r.last()).isEqualTo("EXPIRE k 2");
        r.expire("k", Duration.ofMillis(1).plusNanos(999_999));
        assertThat(r.last()).isEqualTo("PEXPIRE k 1");
        assertThat(r.sent).allSatisfy(c -> assertThat(c.textReplies()).isTrue());
    }

    @Test
    void aTtlThatWouldDeleteTheKeyIsRefusedBeforeAnythingIsSent() {
        Recorder r = new Recorder();
        for (Duration ttl : List.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofSeconds(-5), Duration.ofNanos(999_999))) {
            assertThatThrownBy(() -> r.expire("k", ttl))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ttl: " + ttl + " (expected: >= 1 ms; Redis deletes a key whose time to live goes out as 0 or less:"
                            + " to delete it, use del)");
        }
        assertThatThrownBy(() -> r.expire("k", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl: null (expected: a Duration >= 1 ms)");
        assertThat(r.sent).isEmpty();
    }

    @Test
    void expireAtGoesOutAsPexpireatToTheMillisecond() {
        Recorder r = new Recorder();
        r.expireAt("k", Instant.ofEpochSecond(1_900_000_000L, 123_456_789));
        assertThat(r.last()).isEqualTo("PEXPIREAT k 1900000000123");
        assertThatThrownBy(() -> r.expireAt("k", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at: null (expected: an Instant)");
        assertThat(r.sent).hasSize(1);
    }

    // ------------------------------------------------------------------ expiry on a server

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aTtlUnderOneSecondKeepsTheKeyUntilItRunsOut(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            String k = P + protocol + ":short";
            c.set(k, "v");
            assertThat(c.expire(k, Duration.ofMillis(900))).isTrue();
            // Both read at one instant of the server's: before the fix, EXPIRE k 0 had deleted the key.
            Replies now = c.transaction().add("EXISTS", k).add("PTTL", k).execute();
            assertThat(now.getLong(0)).isEqualTo(1);
            assertThat(now.getLong(1)).isBetween(1L, 900L);
            await().atMost(Duration.ofSeconds(30)).until(() -> c.exists(k) == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aRefusedTtlLeavesTheKeyAsItWas(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            String k = P + protocol + ":kept";
            c.set(k, "v");
            assertThatThrownBy(() -> c.expire(k, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl: PT0S (expected: >= 1 ms").hasMessageContaining("use del");
            assertThatThrownBy(() -> c.expire(k, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl: PT-1S (expected: >= 1 ms");
            assertThat(c.get(k)).isEqualTo("v");
            assertThat(c.ttl(k)).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void expireAtASubSecondInstantKeepsItsMilliseconds(Protocol protocol) {
        try (RedisClient c = client(protocol)) {
            String k = P + protocol + ":at";
            c.set(k, "v");
            Instant at = Instant.ofEpochSecond(1_900_000_000L, 250_000_000);
            assertThat(c.expireAt(k, at)).isTrue();
            assertThat(c.send("PEXPIRETIME", k)).isEqualTo(at.toEpochMilli());
        }
    }
}
