package dev.tether.redis.internal;

import dev.tether.net.ConnectionFacts;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import dev.tether.redis.RedisServerException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RESP2 and RESP3 replies, well-formed and malformed, from a byte stream (no socket). */
class RespReaderTest {
    static final RespReader.Hooks HOOKS = new RespReader.Hooks() {
        private final ConnectionFacts facts = ConnectionFacts.notOpened(Endpoint.of("127.0.0.1", 6379), 1);

        @Override
        public ConnectionFailure protocol(String detail) {
            return new ConnectionFailure(Kind.PROTOCOL, detail, facts, null);
        }

        @Override
        public ConnectionFailure closed(String detail) {
            return new ConnectionFailure(Kind.PEER_CLOSED, detail, facts, null);
        }
    };

    static RespReader reader(String wire, int buffer, int maxBulk, int maxArray, int maxDepth) {
        return reader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), buffer, maxBulk, maxArray, maxDepth);
    }

    static RespReader reader(InputStream in, int buffer, int maxBulk, int maxArray, int maxDepth) {
        return new RespReader(in, HOOKS, buffer, maxBulk, maxArray, maxDepth, 64 * 1024);
    }

    /** Feeds one byte per read, so every value crosses read boundaries. */
    static InputStream trickle(String wire) {
        return chunks(wire.getBytes(StandardCharsets.ISO_8859_1), -1, 1);
    }

    static Stream<Arguments> wellFormed() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("a", 1L);
        map.put("b", List.of("x"));
        return Stream.of(
                Arguments.of("+OK\r\n", "OK"),
                Arguments.of(":42\r\n", 42L),
                Arguments.of(":-9223372036854775808\r\n", Long.MIN_VALUE),
                Arguments.of("$5\r\nhello\r\n", "hello"),
                Arguments.of("$0\r\n\r\n", ""),
                Arguments.of("$-1\r\n", null),
                Arguments.of("$7\r\na\r\nb\0c\r\r\n", "a\r\nb\0c\r"),
                Arguments.of("*-1\r\n", null),
                Arguments.of("*0\r\n", List.of()),
                Arguments.of("*3\r\n:1\r\n$1\r\nx\r\n*1\r\n+y\r\n", List.of(1L, "x", List.of("y"))),
                Arguments.of("_\r\n", null),
                Arguments.of(",3.25\r\n", 3.25),
                Arguments.of(",-inf\r\n", Double.NEGATIVE_INFINITY),
                Arguments.of(",1e10\r\n", 1e10),
                Arguments.of("#t\r\n", true),
                Arguments.of("#f\r\n", false),
                Arguments.of("(123456789012345678901234567890\r\n", new BigInteger("123456789012345678901234567890")),
                Arguments.of("=8\r\ntxt:some\r\n", "some"),
                Arguments.of("%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n$1\r\nx\r\n", map),
                Arguments.of("~2\r\n+a\r\n+b\r\n", List.of("a", "b")),
                Arguments.of("|1\r\n+key-popularity\r\n%0\r\n:7\r\n", 7L),
                Arguments.of("|0\r\n".repeat(8) + ":7\r\n", 7L),
                Arguments.of("*2\r\n|0\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n", List.of(1L, 2L)),
                Arguments.of("+caf\u00c3\u00a9\r\n", "café"),
                Arguments.of("+QUEUED\r\n", "QUEUED"),
                Arguments.of("+OKAY\r\n", "OKAY"),
                Arguments.of("+O\r\n", "O"),
                Arguments.of("+QUEUES\r\n", "QUEUES"),
                Arguments.of("+\r\n", ""));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void readsEveryReplyType(String wire, Object expected) throws IOException {
        assertThat(reader(wire, 64, 1024, 64, 8).read(true, "T")).isEqualTo(expected);
        assertThat(reader(trickle(wire), 64, 1024, 64, 8).read(true, "T")).as("byte by byte").isEqualTo(expected);
    }

    /**
     * A pipeline's replies (shared simple strings among them) cut into two reads at every byte,
     * and into reads of every size: each reply whole, whatever the cut.
     */
    @Test
    void pipelineRepliesSplitAcrossReads() throws IOException {
        StringBuilder wire = new StringBuilder();
        List<Object> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wire.append("+OK\r\n$3\r\nxxx\r\n:-").append(i).append("\r\n$0\r\n\r\n$-1\r\n+QUEUED\r\n$2\r\n\r\n\r\n");
            expected.addAll(Arrays.asList("OK", "xxx", (long) -i, "", null, "QUEUED", "\r\n"));
        }
        byte[] b = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= b.length; cut++) {
            assertThat(readAll(chunks(b, cut, b.length), expected.size())).as("cut at %d", cut).isEqualTo(expected);
        }
        for (int size = 1; size <= 40; size++) {
            assertThat(readAll(chunks(b, -1, size), expected.size())).as("reads of %d bytes", size).isEqualTo(expected);
        }
    }

    private static List<Object> readAll(InputStream in, int n) throws IOException {
        RespReader r = reader(in, 32, 1024, 64, 8);
        List<Object> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(r.read(true, "T"));
        }
        assertThat(r.awaitReply()).as("nothing after the last reply").isFalse();
        return out;
    }

    /** {@code b} in reads that end at {@code cut} (if not -1) and are at most {@code size} bytes. */
    private static InputStream chunks(byte[] b, int cut, int size) {
        return new InputStream() {
            int i;

            @Override
            public int read() {
                return i < b.length ? b[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] out, int off, int len) {
                if (i >= b.length) {
                    return -1;
                }
                int end = Math.min(b.length, i + Math.min(len, size));
                if (i < cut && cut < end) {
                    end = cut;
                }
                System.arraycopy(b, i, out, off, end - i);
                int n = end - i;
                i = end;
                return n;
            }
        };
    }

    @Test
    void bulkStringsAreBytesUnlessTextIsAsked() throws IOException {
        assertThat((byte[]) reader("$3\r\n\u00ff\u0000a\r\n", 64, 1024, 64, 8).read(false, "GET")).containsExactly(0xff, 0, 'a');
        RespReader big = reader(trickle("$100\r\n" + "x".repeat(100) + "\r\n"), 16, 1024, 64, 8);
        assertThat((byte[]) big.read(false, "GET")).hasSize(100);
    }

    @Test
    void errorsAreReturnedWithTheirPrefix() throws IOException {
        Object e = reader("-WRONGTYPE Operation against a key\r\n", 64, 1024, 64, 8).read(true, "GET");
        assertThat(e).isInstanceOfSatisfying(RedisServerException.class, s -> {
            assertThat(s.prefix()).isEqualTo("WRONGTYPE");
            assertThat(s.command()).isEqualTo("GET");
        });
        Object bulkError = reader("!21\r\nSYNTAX invalid syntax\r\n", 64, 1024, 64, 8).read(true, "X");
        assertThat(((RedisServerException) bulkError).prefix()).isEqualTo("SYNTAX");
        Object inArray = reader("*2\r\n+OK\r\n-ERR no\r\n", 64, 1024, 64, 8).read(true, "EXEC");
        assertThat(((List<?>) inArray).get(1)).isInstanceOf(RedisServerException.class);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("?what\r\n", "no RESP type"),
                Arguments.of("+OK\n", "a bare LF"),
                Arguments.of("+OK\rX\n", "a CR not followed by LF"),
                Arguments.of(":12a\r\n", "is not a decimal integer"),
                Arguments.of(":\r\n", "is not a decimal integer"),
                Arguments.of(":+5\r\n", "is not a decimal integer"),
                Arguments.of(": 5\r\n", "is not a decimal integer"),
                Arguments.of(":99999999999999999999\r\n", "is not a decimal integer"),
                Arguments.of(":9999999999999999999\r\n", "overflows a 64-bit integer"),
                Arguments.of("$-2\r\n", "the bulk string length -2 is below -1"),
                Arguments.of("$3\nabc\r\n", "a bare LF in the bulk string length line"),
                Arguments.of("*2\rX", "a CR not followed by LF in the array length line"),
                Arguments.of("%x\r\n", "the map length \"x\" is not a decimal integer"),
                Arguments.of(":1\n", "a bare LF in the integer line"),
                Arguments.of("$3\r\nabcd\r\n", "instead of CR LF"),
                Arguments.of("$2000\r\n", "larger than its limit 1024 (maxBulkBytes)"),
                Arguments.of("*100\r\n", "larger than its limit 64 (maxArrayLength)"),
                Arguments.of("~-1\r\n", "only an array may be -1"),
                Arguments.of("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", "deeper than maxNestingDepth 8"),
                Arguments.of("#x\r\n", "neither #t nor #f"),
                Arguments.of(",abc\r\n", "is not a number"),
                Arguments.of("(12x\r\n", "is not a decimal integer"),
                Arguments.of("=3\r\ntxt\r\n", "without its three-letter format"),
                Arguments.of("$?\r\n;3\r\nabc\r\n;0\r\n", "streamed bulk string"),
                Arguments.of("*?\r\n:1\r\n.\r\n", "streamed array"),
                Arguments.of("!-1\r\n", "a bulk error of length -1"),
                Arguments.of(Named.of("100,000 empty attributes", "|0\r\n".repeat(100_000) + ":1\r\n"), "attributes in a row before a reply"),
                Arguments.of("|0\r\n".repeat(9) + ":1\r\n", "more than 8 attributes in a row"),
                Arguments.of("=-1\r\n", "a verbatim string of length -1"),
                Arguments.of(":-9223372036854775809\r\n", "overflows a 64-bit integer"),
                Arguments.of(">-1\r\n", "only an array may be -1"),
                Arguments.of("+" + "x".repeat(100) + "\r\n", "a line longer than the read buffer"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesMalformedReplies(String wire, String why) {
        assertThatThrownBy(() -> reader(wire, 64, 1024, 64, 8).read(true, "T"))
                .isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(Kind.PROTOCOL);
                    assertThat(f.getMessage()).contains(why);
                });
    }

    static Stream<Arguments> truncated() {
        return Stream.of(Arguments.of(""), Arguments.of("+OK"), Arguments.of("+OK\r"), Arguments.of("$5\r\nhel"),
                Arguments.of("$5\r\nhello"), Arguments.of("*2\r\n:1\r\n"), Arguments.of("%1\r\n+a\r\n"));
    }

    @ParameterizedTest
    @MethodSource("truncated")
    void theEndOfTheStreamInsideAReplyIsPeerClosed(String wire) {
        assertThatThrownBy(() -> reader(wire, 64, 1024, 64, 8).read(true, "T"))
                .isInstanceOfSatisfying(ConnectionFailure.class, f -> assertThat(f.kind()).isEqualTo(Kind.PEER_CLOSED));
    }

    @Test
    void aLengthThatNeverArrivesCostsOnlyWhatArrived() throws IOException {
        // 60 MB announced (under the limit), 10 bytes sent: the array grows with what arrives.
        RespReader r = new RespReader(new ByteArrayInputStream("$60000000\r\n0123456789".getBytes(StandardCharsets.ISO_8859_1)),
                HOOKS, 64, 64_000_000, 64, 8, 64_000_000);
        long before = allocated();
        assertThatThrownBy(() -> r.read(false, "GET")).isInstanceOfSatisfying(ConnectionFailure.class,
                f -> assertThat(f.getMessage()).contains("after 10 of the 60000000 bytes"));
        assertThat(allocated() - before).isLessThan(8_000_000);
    }

    @Test
    void aReplyLargerThanItsLimitIsRefusedBeforeItsBytesAreRead() {
        // Each part within its own limit; the whole past maxReplyBytes (64 KiB here). The bulk string
        // that would cross it is refused on its length line: a PROTOCOL failure, not the end of the
        // stream that reading its bytes would have met.
        String element = "$30000\r\n" + "z".repeat(30_000) + "\r\n";
        assertThatThrownBy(() -> reader("*3\r\n" + element + element + "$30000\r\nzz", 64, 1_000_000, 64, 8).read(false, "LRANGE"))
                .isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(Kind.PROTOCOL);
                    assertThat(f.getMessage()).contains("a reply to LRANGE of more than 65536 bytes (maxReplyBytes): a bulk string of"
                            + " 30000 bytes would end at byte 90");
                });
        // 20,000 small values: the check before each value stops them too.
        assertThatThrownBy(() -> reader("*20000\r\n" + ":1\r\n".repeat(20_000), 64, 1024, 100_000, 8).read(false, "LRANGE"))
                .isInstanceOfSatisfying(ConnectionFailure.class,
                        f -> assertThat(f.getMessage()).contains("of more than 65536 bytes (maxReplyBytes): 65540 bytes so far"));
        // Each reply is measured from its own start: two of 40 KB in a row are fine.
        String reply = "$40000\r\n" + "q".repeat(40_000) + "\r\n";
        RespReader two = reader(reply + reply, 64, 1_000_000, 64, 8);
        assertThatCode(() -> {
            two.read(false, "GET");
            two.read(false, "GET");
        }).doesNotThrowAnyException();
    }

    @Test
    void theBufferedCountShowsBytesBeyondTheReply() throws IOException {
        RespReader r = reader("+OK\r\n+EXTRA\r\n", 64, 1024, 64, 8);
        assertThat(r.read(true, "T")).isEqualTo("OK");
        assertThat(r.buffered()).isEqualTo(8);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void quotesOnlyASafePrefix() {
        byte[] b = new byte[100];
        Arrays.fill(b, (byte) 0x07);
        assertThat(RespReader.quote(b, 0, 100)).startsWith("\"\\x07").endsWith("\"...").hasSizeLessThan(200);
    }
}
