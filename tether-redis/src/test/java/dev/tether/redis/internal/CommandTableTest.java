package dev.tether.redis.internal;

import dev.tether.net.ConnectionFacts;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import dev.tether.redis.Command;
import dev.tether.redis.RedisConnectionException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.tether.redis.internal.CommandTable.Safety.IDEMPOTENT;
import static dev.tether.redis.internal.CommandTable.Safety.READ;
import static dev.tether.redis.internal.CommandTable.Safety.UNSAFE;
import static org.assertj.core.api.Assertions.assertThat;

/** The command table and the retry rule that reads it, with failures made from facts. */
class CommandTableTest {

    @Test
    void safetyFollowsEachCommandsSemanticsAndItsOptions() {
        assertThat(CommandTable.safety(Command.of("GET", "k"))).isEqualTo(READ);
        assertThat(CommandTable.safety(Command.of("get", "k"))).isEqualTo(READ);
        assertThat(CommandTable.safety(Command.of("SET", "k", "v"))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("SET", "k", "v", "XX", "KEEPTTL"))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("SET", "k", "v", "PXAT", 1_900_000_000_000L))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("SET", "k", "NX"))).as("a value that spells an option").isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("SET", "k", "v", "nx"))).isEqualTo(UNSAFE);
        assertThat(CommandTable.safety(Command.of("SET", "k", "v", "GET".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(UNSAFE);
        assertThat(CommandTable.safety(Command.of("SET", "k", "v", "EX", 10))).isEqualTo(UNSAFE);
        assertThat(CommandTable.whyUnsafe(Command.of("SET", "k", "v", "EX", 10))).contains("move its deadline");
        assertThat(CommandTable.safety(Command.of("DEL", "k"))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("HSET", "k", "f", "v"))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("EXPIREAT", "k", 1))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("EXPIRE", "k", 1))).isEqualTo(UNSAFE);
        assertThat(CommandTable.safety(Command.of("ZADD", "z", 1, "m"))).isEqualTo(IDEMPOTENT);
        assertThat(CommandTable.safety(Command.of("ZADD", "z", "INCR", 1, "m"))).isEqualTo(UNSAFE);
        for (String c : List.of("INCR", "LPUSH", "RPUSH", "APPEND", "EVAL", "PUBLISH", "BLPOP")) {
            assertThat(CommandTable.safety(Command.of(c, "k"))).as(c).isEqualTo(UNSAFE);
        }
        assertThat(CommandTable.whyUnsafe(Command.of("INCR", "k"))).isEqualTo("a repeat would apply it twice");
        assertThat(CommandTable.safety(Command.of("WAIT", 1, 100))).isEqualTo(UNSAFE);
        assertThat(CommandTable.whyUnsafe(Command.of("WAITAOF", 1, 0, 100))).contains("a fresh connection has none");
        assertThat(CommandTable.whyUnsafe(Command.of("MYMODULE.DO", "k"))).contains("not in tether's table");
    }

    @Test
    void theReadmesRetryTableListsEveryWriteTheTableRepeats() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
        String row = readme.lines().filter(l -> l.startsWith("| writes whose repetition changes nothing")).findFirst().orElseThrow();
        for (String c : CommandTable.IDEMPOTENT_WRITES) {
            assertThat(row).as("README row of repeat-safe writes").containsPattern("\\b" + c + "\\b");
        }
        for (String c : List.of("INCR", "EXPIRE", "SETNX", "EVAL")) {
            assertThat(CommandTable.safety(Command.of(c, "k"))).as(c + " is in a never-re-sent row").isEqualTo(UNSAFE);
            assertThat(readme).contains(c + ",");
        }
    }

    @Test
    void everyCommandTheReadmesRetryTableNamesIsWhereTheTableSays() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
        List<String> rows = readme.lines().dropWhile(l -> !l.startsWith("| commands | after such a failure |")).skip(2)
                .takeWhile(l -> l.startsWith("| ")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(7);
        int named = 0;
        for (String row : rows) {
            String[] cells = row.split("\\|");
            // The commands of a row, without its options: "SET (without NX, GET, EX, PX)", "SET ... EX/PX".
            String commands = cells[1].replaceAll("\\([^)]*\\)", "").replaceAll("SET \\.\\.\\. [A-Z/]+", "");
            CommandTable.Safety expected = row.startsWith("| reads") ? READ
                    : row.startsWith("| writes whose repetition changes nothing") ? IDEMPOTENT : UNSAFE;
            assertThat(cells[2]).as(row).contains(expected == UNSAFE ? "never re-sent" : "sent again once");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b[A-Z][A-Z_]+\\b").matcher(commands);
            while (m.find()) {
                assertThat(CommandTable.safety(Command.of(m.group(), "k", "v"))).as(m.group() + " in the README row: " + row)
                        .isEqualTo(expected);
                named++;
            }
        }
        assertThat(named).as("commands the README names").isGreaterThan(60);
    }

    @Test
    void blockingCommandsTellTheirTimeout() {
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("BLPOP", "a", "b", 5))).isEqualTo(5000);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("BRPOP", "a", "0.25"))).isEqualTo(250);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("BLPOP", "a", 0))).isZero();
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("BLMPOP", 2, 2, "a", "b", "LEFT"))).isEqualTo(2000);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("XREAD", "COUNT", 1, "BLOCK", 1500, "STREAMS", "s", "$"))).isEqualTo(1500);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("XREAD", "STREAMS", "BLOCK", "$"))).isEqualTo(-1);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("WAIT", 1, 700))).isEqualTo(700);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("GET", "k"))).isEqualTo(-1);
        // Names in any case; the first letter alone sends most commands away.
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("blpop", "a", 3))).isEqualTo(3000);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("Wait", 1, 40))).isEqualTo(40);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("xReadGroup", "GROUP", "g", "c", "BLOCK", 9, "STREAMS", "s", ">")))
                .isEqualTo(9);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("BITCOUNT", "k"))).isEqualTo(-1);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("XADD", "s", "*", "f", "v"))).isEqualTo(-1);
        assertThat(CommandTable.blockingTimeoutMillis(Command.of("\"BLPOP", "a", 1))).isEqualTo(-1);
    }

    private static ConnectionFailure failure(Kind kind, boolean opened, int uses, long written, boolean replyStarted) {
        ConnectionFacts f = new ConnectionFacts(Endpoint.of("127.0.0.1", 6379), 7, opened, Duration.ofSeconds(70),
                Duration.ofSeconds(61), uses, written, replyStarted);
        return new ConnectionFailure(kind, "connection #7 broke", f, null);
    }

    private static RetryPolicy.Decision decide(Command c, ConnectionFailure f) {
        return RetryPolicy.decide(List.of(c), 0, false, f, null);
    }

    @Test
    void retriesOnlyWhatTheFactsAndTheTableAllow() {
        ConnectionFailure stale = failure(Kind.RESET, true, 12, 30, false);
        assertThat(decide(Command.of("GET", "k"), stale).retry()).isTrue();
        assertThat(decide(Command.of("DEL", "k"), stale).retry()).isTrue();
        RetryPolicy.Decision incr = decide(Command.of("INCR", "k"), stale);
        assertThat(incr.retry()).isFalse();
        assertThat(incr.outcome()).isEqualTo("it may have been applied: 30 bytes had been written and no reply byte had arrived");
        assertThat(incr.reason()).contains("INCR is not safe to repeat (a repeat would apply it twice)")
                .contains("Command.retry(Command.Retry.SAFE_TO_REPEAT)");
        assertThat(decide(Command.of("INCR", "k").retry(Command.Retry.SAFE_TO_REPEAT), stale).retry()).isTrue();
        assertThat(decide(Command.of("GET", "k").retry(Command.Retry.NEVER), stale).retry()).isFalse();

        assertThat(decide(Command.of("INCR", "k"), failure(Kind.BROKEN_PIPE, true, 12, 0, false)).retry())
                .as("nothing left this client").isTrue();
        assertThat(decide(Command.of("GET", "k"), failure(Kind.RESET, true, 1, 30, false)).reason())
                .contains("the connection was new");
        assertThat(decide(Command.of("GET", "k"), failure(Kind.PEER_CLOSED, true, 12, 30, true)).reason())
                .contains("the reply had begun");
        assertThat(decide(Command.of("GET", "k"), failure(Kind.READ_TIMEOUT, true, 12, 30, false)).reason())
                .contains("may still be working on it");
        assertThat(decide(Command.of("GET", "k"), failure(Kind.PROTOCOL, true, 12, 30, false)).retry()).isFalse();
        assertThat(decide(Command.of("GET", "k"), failure(Kind.REFUSED, false, 0, 0, false)).outcome())
                .startsWith("nothing was sent");
        assertThat(RetryPolicy.decide(List.of(Command.of("GET", "k")), 0, false, stale, stale).reason())
                .startsWith("it had already been retried once");
        assertThat(RetryPolicy.decide(List.of(Command.of("GET", "k")), 0, true, stale, null).reason())
                .contains("a session's connection carries state");
    }

    @Test
    void aBatchIsRetriedOnlyWhenEveryCommandIsSafeAndItSaysWhatWasAnswered() {
        ConnectionFailure stale = failure(Kind.RESET, true, 12, 90, false);
        assertThat(RetryPolicy.decide(List.of(Command.of("GET", "a"), Command.of("SET", "b", "1")), 0, false, stale, null).retry()).isTrue();
        RetryPolicy.Decision d = RetryPolicy.decide(List.of(Command.of("GET", "a"), Command.of("RPUSH", "l", "x")), 0, false, stale, null);
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("RPUSH is not safe to repeat");
        RetryPolicy.Decision partial = RetryPolicy.decide(List.of(Command.of("INCR", "a"), Command.of("INCR", "a"), Command.of("INCR", "a")),
                1, false, failure(Kind.PEER_CLOSED, true, 12, 90, true), null);
        assertThat(partial.outcome()).isEqualTo("replies arrived for the first 1 of 3 commands; the other 2 may have been applied");
        RedisConnectionException e = RetryPolicy.explain("pipeline of 3 commands", stale, partial, null, null);
        assertThat(e.getMessage()).startsWith("pipeline of 3 commands failed: connection #7 broke; replies arrived");
        assertThat(e.mayHaveBeenApplied()).isTrue();
        assertThat(e.kind()).isEqualTo(Kind.RESET);
    }
}
