package dev.tether.redis.internal;

import dev.tether.redis.Command;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands as they go on the wire: arrays of bulk strings, UTF-8 text, decimal numbers, bytes as they are. */
class RespWriterTest {

    private static String wire(int buffer, Command... commands) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespWriter w = new RespWriter(out, buffer);
        for (Command c : commands) {
            w.command(c);
        }
        w.flush();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesEveryArgumentType() throws IOException {
        assertThat(wire(64, Command.of("GET", "k"))).isEqualTo("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        assertThat(wire(64, Command.of("PING"))).isEqualTo("*1\r\n$4\r\nPING\r\n");
        assertThat(wire(64, Command.of("SET", new byte[] {0, '\r', '\n', (byte) 0xff}, 42)))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$4\r\n\0\r\n\u00ff\r\n$2\r\n42\r\n");
        assertThat(wire(64, Command.of("X", -7L, Long.MIN_VALUE, 0)))
                .isEqualTo("*4\r\n$1\r\nX\r\n$2\r\n-7\r\n$20\r\n-9223372036854775808\r\n$1\r\n0\r\n");
        assertThat(wire(64, Command.of("ZADD", "z", 2.5, 3.0, Double.NEGATIVE_INFINITY, new BigDecimal("1E+3"))))
                .isEqualTo("*6\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n2.5\r\n$1\r\n3\r\n$4\r\n-inf\r\n$4\r\n1000\r\n");
    }

    @Test
    void textIsUtf8WithItsByteLength() throws IOException {
        String s = "é✓𝄞\ud800x"; // 2 + 3 + 4 bytes, a lone surrogate as '?', 1
        byte[] expected = ("*2\r\n$4\r\nECHO\r\n$11\r\n" + new String("é✓𝄞?x".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(wire(64, Command.of("ECHO", s)).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        assertThat(wire(32, Command.of("ECHO", s)).getBytes(StandardCharsets.ISO_8859_1)).as("a small buffer").isEqualTo(expected);
    }

    @Test
    void largeValuesAndManyCommandsCrossTheBuffer() throws IOException {
        String big = "v".repeat(1000);
        byte[] bytes = new byte[3000];
        String w = wire(32, Command.of("SET", "k", big), Command.of("SET", "b", bytes), Command.of("GET", "k"));
        assertThat(w).isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n" + big + "\r\n"
                + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$3000\r\n" + "\0".repeat(3000) + "\r\n"
                + "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }

    @Test
    void numbersAtTheirEdgesAndEmptyValues() throws IOException {
        assertThat(wire(64, Command.of("X", 9, 10, -1, -10, Long.MAX_VALUE)))
                .isEqualTo("*6\r\n$1\r\nX\r\n$1\r\n9\r\n$2\r\n10\r\n$2\r\n-1\r\n$3\r\n-10\r\n$19\r\n9223372036854775807\r\n");
        assertThat(wire(64, Command.of("X", Integer.MIN_VALUE, (short) -32768, (byte) 127)))
                .isEqualTo("*4\r\n$1\r\nX\r\n$11\r\n-2147483648\r\n$6\r\n-32768\r\n$3\r\n127\r\n");
        assertThat(wire(64, Command.of("SET", "", new byte[0])))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n");
    }

    /**
     * Every buffer size from the smallest that holds a bulk string's frame up, against the wire
     * built here from each argument's UTF-8 bytes: ASCII arguments take a one-pass path while they
     * fit the buffer, others (or ones found not to be ASCII at any position) the measured one, and
     * names come from a per-connection table of encodings.
     */
    @Test
    void everyBufferSizeWritesTheSameBytes() throws IOException {
        List<Command> commands = new ArrayList<>();
        String[] texts = {"", "k", "tether-bench:key", "x".repeat(40), "x".repeat(100), "\u00e9", "abc\u00e9", "\u00e9abc",
            "key:" + "y".repeat(30) + "\u2713", "\ud834\udd1e", "\u007f\u0080"};
        for (String t : texts) {
            commands.add(Command.of("SET", t, t));
            commands.add(Command.of("GET", t));
        }
        commands.add(Command.of("set", "lower", 1)); // another name than SET
        commands.add(Command.of("SET", new byte[] {(byte) 0xc3, (byte) 0xa9}, -5L));
        byte[] expected = reference(commands);
        for (int size = 25; size <= 160; size++) {
            byte[] got = wire(size, commands.toArray(new Command[0])).getBytes(StandardCharsets.ISO_8859_1);
            assertThat(got).as("buffer of %d bytes", size).isEqualTo(expected);
        }
    }

    @Test
    void namesThatShareASlotOfTheNameTableAlternate() throws IOException {
        // "Aa" and "BB" have one hash code: each replaces the other's encoding in turn.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            commands.add(Command.of(i % 2 == 0 ? "Aa" : "BB", i));
        }
        commands.add(Command.of("MULTI"));
        assertThat(wire(64, commands.toArray(new Command[0])).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(reference(commands));
    }

    @Test
    void internalCommandsUseTheSameNames() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespWriter w = new RespWriter(out, 64);
        w.command("MULTI");
        w.command(Command.of("MULTI"));
        w.command("AUTH", "user", "p\u00e4ss");
        w.flush();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("*1\r\n$5\r\nMULTI\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$5\r\np\u00e4ss\r\n");
    }

    /** RESP as the protocol defines it, from each argument's bytes (strings' UTF-8, numbers' decimal text). */
    private static byte[] reference(List<Command> commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Command c : commands) {
            out.writeBytes(("*" + (c.argCount() + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            bulk(out, c.name().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < c.argCount(); i++) {
                Object a = c.arg(i);
                bulk(out, a instanceof byte[] ? (byte[]) a : a.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static void bulk(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
