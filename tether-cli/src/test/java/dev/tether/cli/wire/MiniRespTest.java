package dev.tether.cli.wire;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lab's and the probe's RESP: every reply type they meet, and replies that break the framing or the limits. */
class MiniRespTest {

    private static Object read(String wire) throws IOException {
        return MiniResp.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writesACommandAsAnArrayOfBulkStrings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MiniResp.write(out, List.of("SET", "k", "é"));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n");
    }

    @Test
    void readsEveryReplyTypeOfResp2AndResp3() throws IOException {
        assertThat(read("+OK\r\n")).isEqualTo("OK");
        assertThat(read(":42\r\n")).isEqualTo(42L);
        assertThat(read("$5\r\nhello\r\n")).isEqualTo("hello");
        assertThat(read("$-1\r\n")).isNull();
        assertThat(read("_\r\n")).isNull();
        assertThat(read("-NOPERM this user has no permissions\r\n")).isEqualTo(new MiniResp.Err("NOPERM this user has no permissions"));
        assertThat(((MiniResp.Err) read("-NOPERM x\r\n")).prefix()).isEqualTo("NOPERM");
        assertThat(read("!9\r\nERR blob!\r\n")).isEqualTo(new MiniResp.Err("ERR blob!"));
        assertThat(read("*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n")).isEqualTo(List.of("timeout", "0"));
        assertThat(read("%1\r\n+proto\r\n:3\r\n")).isEqualTo(Map.of("proto", 3L));
        assertThat(read("~1\r\n+a\r\n")).isEqualTo(List.of("a"));
        assertThat(read("#t\r\n")).isEqualTo(true);
        assertThat(read(",1.5\r\n")).isEqualTo("1.5");
        assertThat(read("=8\r\ntxt:info\r\n")).isEqualTo("info");
        assertThat(read("|1\r\n+ttl\r\n:3\r\n+OK\r\n")).as("an attribute is skipped").isEqualTo("OK");
    }

    @Test
    void readsAValueOfAnInfoReply() {
        String info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
        assertThat(MiniResp.info(info, "redis_version")).isEqualTo("7.0.15");
        assertThat(MiniResp.info(info, "redis")).isNull();
        assertThat(MiniResp.info(new MiniResp.Err("NOPERM"), "redis_version")).isNull();
    }

    @Test
    void refusesWhatIsNotRespOrPassesItsLimits() {
        assertThatThrownBy(() -> read("HTTP/1.1 400 Bad Request\r\n")).isInstanceOf(IOException.class)
                .hasMessage("not a RESP reply: it starts with \"HTTP/1.1 400 Bad Request\"");
        assertThatThrownBy(() -> read("$abc\r\n")).hasMessage("a RESP bulk length that is not a number: \"abc\"");
        assertThatThrownBy(() -> read("$" + (MiniResp.MAX_BULK + 1) + "\r\n")).hasMessageContaining("more than the");
        assertThatThrownBy(() -> read("*" + (MiniResp.MAX_ELEMENTS + 1) + "\r\n")).hasMessageContaining("more than the");
        assertThatThrownBy(() -> read("*1\r\n".repeat(MiniResp.MAX_DEPTH + 2) + ":1\r\n")).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> read("+OK\rX")).hasMessageContaining("not ended by CRLF");
        assertThatThrownBy(() -> read("$5\r\nhel")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("")).isInstanceOf(EOFException.class)
                .hasMessage("the server closed the connection before its reply");
        assertThatThrownBy(() -> read("+" + "x".repeat(70_000))).hasMessageContaining("a RESP line longer than");
    }
}
