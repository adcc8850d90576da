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
import java.util.List;

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
            List<String> keys = new ArrayList<>();
            admin.client().scan(P + "*", 100).forEach(keys::add);
            if (!keys.isEmpty()) {
                admin.client().del(keys.toArray(new String[0]));
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
