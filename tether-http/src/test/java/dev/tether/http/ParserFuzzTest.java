package dev.tether.http;

import dev.tether.http.internal.BodyInput;
import dev.tether.http.internal.Http1;
import dev.tether.http.internal.ResponseHead;
import dev.tether.http.internal.Wire;
import dev.tether.net.ConnectionFacts;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated responses through the parser and the body decoder: each ends in a correct
 * parse, or a clean PROTOCOL / PEER_CLOSED failure, never a hang or an unchecked exception; and a
 * connection is only declared reusable after a parse that consumed exactly the response.
 * (The end-to-end guarantee that a failed connection is not reused is MalformedResponseTest's.)
 */
class ParserFuzzTest {
    private static final String[] SEEDS = {
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n",
            "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n",
    };

    private static final class Hooks implements Wire.Hooks {
        final ConnectionFacts facts = ConnectionFacts.notOpened(Endpoint.of("127.0.0.1", 80), 0);

        @Override
        public void beforeRead() {
        }

        @Override
        public ConnectionFailure protocol(String detail) {
            return new ConnectionFailure(Kind.PROTOCOL, detail, facts, null);
        }

        @Override
        public ConnectionFailure closed(String detail) {
            return new ConnectionFailure(Kind.PEER_CLOSED, detail, facts, null);
        }
    }

    /** Parses one response fully; returns true if it parsed and the body ended cleanly. */
    private static boolean parse(byte[] bytes, boolean head) throws IOException {
        Wire wire = new Wire(new ByteArrayInputStream(bytes), new Hooks(), 64);
        ResponseHead h;
        do {
            h = Http1.readHead(wire, 4096, 32);
        } while (h.status() < 200 && h.status() != 101);
        long framing = Http1.framing(wire, h, head);
        boolean[] ended = {framing == 0};
        if (framing != 0) {
            BodyInput body = new BodyInput(wire, new BodyInput.Owner() {
                @Override
                public void bodyEnded(boolean reusable) {
                    ended[0] = true;
                }

                @Override
                public IOException bodyFailed(IOException e) {
                    return e;
                }

                @Override
                public void bodyAbandoned() {
                }
            }, framing, 4096, 32);
            byte[] buf = new byte[7];
            long total = 0;
            while (body.read(buf, 0, buf.length) >= 0) {
                total += 7;
                assertThat(total).isLessThan(1_000_000);
            }
        }
        return ended[0];
    }

    @Test
    void randomAndMutatedResponsesParseOrFailCleanly() {
        Random random = new Random(20261121L);
        int parsed = 0;
        int protocol = 0;
        int closed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 10 == 0) {
                input = new byte[random.nextInt(200)];
                random.nextBytes(input);
            } else {
                input = mutate(SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1), random);
            }
            try {
                if (parse(input, random.nextInt(8) == 0)) {
                    parsed++;
                }
            } catch (ConnectionFailure f) {
                assertThat(f.kind()).isIn(Kind.PROTOCOL, Kind.PEER_CLOSED);
                if (f.kind() == Kind.PROTOCOL) {
                    protocol++;
                    assertThat(f.getMessage()).doesNotContain("\r").doesNotContain("\n");
                } else {
                    closed++;
                }
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("input " + new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r")
                        .replace("\n", "\\n") + " raised " + e, e);
            }
        }
        assertThat(parsed).isGreaterThan(1000);
        assertThat(protocol).isGreaterThan(1000);
        assertThat(closed).isGreaterThan(100);
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0: b[at] = (byte) random.nextInt(256); break;
                case 1: b[at] = (byte) "\r\n :;0-9aF\t".charAt(random.nextInt(11)); break;
                case 2: b = java.util.Arrays.copyOf(b, Math.max(1, at)); break;
                case 3: {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) "\r\n:, ".charAt(random.nextInt(5));
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                    break;
                }
                default: {
                    int from = random.nextInt(b.length);
                    int len = Math.min(b.length - from, 1 + random.nextInt(8));
                    byte[] longer = new byte[b.length + len];
                    System.arraycopy(b, 0, longer, 0, at);
                    System.arraycopy(b, from, longer, at, len);
                    System.arraycopy(b, at, longer, at + len, b.length - at);
                    b = longer;
                }
            }
        }
        return b;
    }
}
