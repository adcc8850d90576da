package dev.tether.redis.internal;

import dev.tether.redis.Command;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

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
}
