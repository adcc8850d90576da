package dev.tether.http;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection hands out its last parsed head again for a head that repeats it byte for byte, and
 * only then: one byte different is parsed (and checked) afresh, so a repeat never lets through
 * what the parse would refuse; the framing fields noted while parsing say what a scan would.
 */
class RepeatedHeadTest {
    private static final String HEAD = "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n";

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

    private static Wire wire(String responses) {
        return new Wire(new ByteArrayInputStream(responses.getBytes(StandardCharsets.ISO_8859_1)), new Hooks(), 4096);
    }

    private static ResponseHead next(Wire w) throws IOException {
        ResponseHead h = Http1.readHead(w, 4096, 32);
        byte[] body = new byte[(int) Http1.framing(w, h, false)];
        assertThat(w.read(body, 0, body.length)).isEqualTo(body.length);
        return h;
    }

    @Test
    void aHeadThatRepeatsTheLastIsTheSameParse() throws IOException {
        Wire w = wire(HEAD + "ok" + HEAD + "ok" + HEAD.replace("Server: t", "Server: u") + "ok");
        ResponseHead first = next(w);
        ResponseHead second = next(w);
        ResponseHead third = next(w);
        assertThat(second).isSameAs(first);
        assertThat(third).isNotSameAs(first);
        assertThat(third.headers().first("Server")).isEqualTo("u");
        assertThat(Http1.framing(w, third, false)).isEqualTo(2);
    }

    @Test
    void aRepeatWithOneRefusedByteIsStillRefused() throws IOException {
        Wire w = wire(HEAD + "ok" + HEAD.replace("Server: t", "Server:\u0001t") + "ok");
        next(w);
        assertThatThrownBy(() -> next(w)).isInstanceOf(ConnectionFailure.class)
                .hasMessageContaining("control character");
    }

    @Test
    void theNotedFramingFieldsAnswerAsTheHeadersDo() throws IOException {
        Wire w = wire("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nCONTENT-LENGTH: 3\r\nConnection: Keep-Alive, Upgrade\r\n"
                + "Keep-Alive: timeout=5\r\nContent-Encoding: gzip\r\n\r\nabc");
        ResponseHead h = Http1.readHead(w, 4096, 32);
        assertThat(Http1.framing(w, h, false)).isEqualTo(3);
        assertThat(h.contentEncoding()).isEqualTo(h.headers().first("Content-Encoding"));
        assertThat(h.headers().hasToken("Connection", "keep-alive")).isTrue();
        Wire differing = wire("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc");
        ResponseHead d = Http1.readHead(differing, 4096, 32);
        assertThatThrownBy(() -> Http1.framing(differing, d, false)).isInstanceOf(ConnectionFailure.class)
                .hasMessageContaining("several differing Content-Length values");
    }
}
