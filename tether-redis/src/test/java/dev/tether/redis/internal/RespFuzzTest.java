package dev.tether.redis.internal;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random replies, valid ones mutated byte by byte: every read ends in a value, a PROTOCOL failure
 * or PEER_CLOSED at the end of the input; never another exception, never a hang, never more memory
 * than the limits allow. Seeded, so a failure names the seed that reproduces it.
 */
class RespFuzzTest {
    private static final String[] PARTS = {"+OK\r\n", "-ERR x\r\n", ":12\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*2\r\n:1\r\n+a\r\n",
            "*-1\r\n", "_\r\n", ",1.5\r\n", "#t\r\n", "(99\r\n", "=7\r\ntxt:abc\r\n", "%1\r\n+k\r\n:1\r\n", "~1\r\n+m\r\n",
            ">2\r\n+message\r\n+x\r\n", "|1\r\n+a\r\n+b\r\n:3\r\n", "*1\r\n*1\r\n*1\r\n:0\r\n"};
    private static final byte[] NOISE = "+-:$*_,#(=%~>|!?\r\n0123456789-abc\0\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void mutatedRepliesEndCleanly() throws IOException {
        long seed = Long.getLong("tether.fuzz.seed", 12);
        Random random = new Random(seed);
        int values = 0;
        int protocol = 0;
        int closed = 0;
        for (int round = 0; round < 20_000; round++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int parts = 1 + random.nextInt(4);
            for (int i = 0; i < parts; i++) {
                wire.writeBytes(PARTS[random.nextInt(PARTS.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            byte[] b = wire.toByteArray();
            int mutations = random.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                int at = random.nextInt(b.length);
                switch (random.nextInt(3)) {
                    case 0 -> b[at] = NOISE[random.nextInt(NOISE.length)];
                    case 1 -> b = java.util.Arrays.copyOf(b, at);   // truncate
                    default -> b[at] = (byte) random.nextInt(256);
                }
                if (b.length == 0) {
                    break;
                }
            }
            RespReader r = new RespReader(new ByteArrayInputStream(b), RespReaderTest.HOOKS, 32, 4096, 32, 4, 16 * 1024);
            try {
                // Read every reply in it: a valid prefix followed by garbage must still end cleanly.
                for (int i = 0; i < 8; i++) {
                    r.read(random.nextBoolean(), "FUZZ");
                    values++;
                }
            } catch (ConnectionFailure f) {
                assertThat(f.kind()).as("seed %d round %d", seed, round).isIn(Kind.PROTOCOL, Kind.PEER_CLOSED);
                if (f.kind() == Kind.PROTOCOL) {
                    protocol++;
                } else {
                    closed++;
                }
            }
        }
        assertThat(values).isPositive();
        assertThat(protocol).isPositive();
        assertThat(closed).isPositive();
    }
}
