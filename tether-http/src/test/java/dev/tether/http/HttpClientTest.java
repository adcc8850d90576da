package dev.tether.http;

import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.SocketConfig;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client against scripted servers: framing, keep-alive, retirement, retries, redirects, decoding. */
class HttpClientTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private HttpClient client() {
        return track(HttpClient.create());
    }

    private HttpClient client(HttpClientConfig.Builder b) {
        return track(HttpClient.create(b.build()));
    }

    private TestServer server(TestServer.Responder r) throws IOException {
        return track(TestServer.answering(r));
    }

    @Test
    void reusesOneConnectionAcrossRequestsAndSendsHostAndUserAgent() throws Exception {
        TestServer s = server((c, r) -> c.ok("hello " + r.exchange()));
        HttpClient client = client();
        for (int i = 1; i <= 3; i++) {
            try (HttpResponse resp = client.send(HttpRequest.get(s.url("/x?q=" + i)))) {
                assertThat(resp.status()).isEqualTo(200);
                assertThat(resp.string()).isEqualTo("hello " + i);
            }
        }
        assertThat(s.connections.get()).isEqualTo(1);
        TestServer.Request first = s.requests.get(0);
        assertThat(first.target()).isEqualTo("/x?q=1");
        assertThat(first.header("host")).isEqualTo("127.0.0.1:" + s.port());
        assertThat(first.header("user-agent")).startsWith("tether-http/");
        assertThat(client.routeStats(s.url("/")).pool().opened()).isEqualTo(1);
    }

    @Test
    void readsChunkedBodiesWithTrailersAndKeepsTheConnection() throws Exception {
        TestServer s = server((c, r) -> c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nChecksum: abc\r\n\r\n"));
        HttpClient client = client();
        HttpResponse resp = client.send(HttpRequest.get(s.url("/")));
        assertThat(resp.string()).isEqualTo("hello world");
        assertThat(resp.trailers().first("checksum")).isEqualTo("abc");
        assertThat(client.send(HttpRequest.get(s.url("/"))).string()).isEqualTo("hello world");
        assertThat(s.connections.get()).isEqualTo(1);
    }

    @Test
    void aCloseDelimitedBodyIsReadToTheEndAndTheConnectionNotReused() throws Exception {
        TestServer s = track(new TestServer(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\n\r\nuntil the end");
            c.socket.shutdownOutput();
        }));
        HttpClient client = client();
        assertThat(client.send(HttpRequest.get(s.url("/"))).string()).isEqualTo("until the end");
        assertThat(client.send(HttpRequest.get(s.url("/"))).string()).isEqualTo("until the end");
        assertThat(s.connections.get()).isEqualTo(2);
    }

    @Test
    void headNoContentAndNotModifiedHaveNoBodyAndKeepTheConnection() throws Exception {
        TestServer s = server((c, r) -> {
            switch (r.target()) {
                case "/head": c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"); break;
                case "/204": c.write("HTTP/1.1 204 No Content\r\n\r\n"); break;
                default: c.write("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n");
            }
        });
        HttpClient client = client();
        try (HttpResponse r = client.send(HttpRequest.builder(s.url("/head")).HEAD().build())) {
            assertThat(r.header("Content-Length")).isEqualTo("1000");
            assertThat(r.bytes()).isEmpty();
        }
        assertThat(client.send(HttpRequest.get(s.url("/204"))).bytes()).isEmpty();
        assertThat(client.send(HttpRequest.get(s.url("/304"))).status()).isEqualTo(304);
        assertThat(client.send(HttpRequest.get(s.url("/204"))).status()).isEqualTo(204);
        assertThat(s.connections.get()).isEqualTo(1);
    }

    @Test
    void skipsInterimResponsesAndSupportsExpectContinue() throws Exception {
        TestServer s = server((c, r) -> {
            if (r.target().equals("/interim")) {
                c.write("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n");
            }
            c.ok("got " + r.bodyText());
        });
        HttpClient client = client();
        assertThat(client.send(HttpRequest.get(s.url("/interim"))).string()).isEqualTo("got ");
        HttpRequest put = HttpRequest.builder(s.url("/upload")).PUT(RequestBody.of("payload")).expectContinue(true).build();
        assertThat(client.send(put).string()).isEqualTo("got payload");
        assertThat(s.requests.get(1).header("expect")).isEqualTo("100-continue");
        assertThat(s.connections.get()).isEqualTo(1);
    }

    @Test
    void expectContinueWithholdsTheBodyWhenTheServerAnswersFirst() throws Exception {
        TestServer s = track(new TestServer(c -> {
            String line;
            while (!(line = c.readLine()).isEmpty()) {
                // head only: the body never comes
                assertThat(line).isNotNull();
            }
            c.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
            c.in.read();
        }));
        HttpClient client = client();
        HttpRequest put = HttpRequest.builder(s.url("/upload")).PUT(RequestBody.of("x".repeat(100))).expectContinue(true).build();
        assertThat(client.send(put).status()).isEqualTo(413);
        // The server was told a body would come and never got it: that connection cannot carry another request.
        await().atMost(Duration.ofSeconds(10)).until(() -> client.poolStats().closed(Reason.NOT_REUSABLE) == 1);
    }

    @Test
    void http10IsPersistentOnlyWithKeepAliveAndConnectionCloseEndsIt() throws Exception {
        TestServer s = server((c, r) -> {
            switch (r.target()) {
                case "/10": c.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"); break;
                case "/10ka": c.write("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"); break;
                case "/close": c.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"); break;
                default: c.ok("ok");
            }
        });
        HttpClient client = client();
        client.send(HttpRequest.get(s.url("/10"))).string();
        client.send(HttpRequest.get(s.url("/10ka"))).string();
        client.send(HttpRequest.get(s.url("/10ka"))).string();
        client.send(HttpRequest.get(s.url("/close"))).string();
        client.send(HttpRequest.builder(s.url("/ok")).header("Connection", "close").build()).string();
        client.send(HttpRequest.get(s.url("/ok"))).string();
        assertThat(s.requests).extracting(TestServer.Request::connection).containsExactly(1, 2, 2, 2, 3, 4);
    }

    @Test
    void keepAliveTimeoutRetiresTheConnectionBeforeTheServersDeadline() throws Exception {
        TestServer s = server((c, r) -> c.ok("ok", "Keep-Alive: timeout=1, max=100"));
        AtomicLong now = new AtomicLong(1_000_000_000L);
        HttpClient client = client(HttpClientConfig.builder().ticker(now::get));
        client.send(HttpRequest.get(s.url("/"))).string();
        // 1 s less the larger of 250 ms and 10 %: reused up to 750 ms idle, counted from each return.
        now.addAndGet(Duration.ofMillis(749).toNanos());
        client.send(HttpRequest.get(s.url("/"))).string();
        now.addAndGet(Duration.ofMillis(751).toNanos());
        client.send(HttpRequest.get(s.url("/"))).string();
        assertThat(s.requests).extracting(TestServer.Request::connection).containsExactly(1, 1, 2);
        assertThat(client.poolStats().closed(Reason.DEADLINE)).isEqualTo(1);
        assertThat(client.routeStats(s.url("/")).advertisedIdleTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void keepAliveMaxRetiresTheConnectionAfterThatManyUses() throws Exception {
        TestServer s = server((c, r) -> c.ok("ok", "Keep-Alive: timeout=30, max=2"));
        HttpClient client = client();
        for (int i = 0; i < 5; i++) {
            client.send(HttpRequest.get(s.url("/"))).string();
        }
        assertThat(s.requests).extracting(TestServer.Request::connection).containsExactly(1, 1, 2, 2, 3);
    }

    @Test
    void learnsTheServersIdleTimeoutFromIdleClosesAndAdaptsWhenItChanges() throws Exception {
        // The server closes its idle connections when the test says so, after the test has moved
        // the client's clock by the server's "idle timeout": what the client measures is exact.
        TestServer s = server((c, r) -> c.ok("ok"));
        AtomicLong now = new AtomicLong(1_000_000_000L);
        HttpClient client = client(HttpClientConfig.builder().ticker(now::get));
        // Two idle closes at the same age confirm each other: that is the server's timer.
        client.send(HttpRequest.get(s.url("/"))).string();
        serverClosesIdleAfter(Duration.ofMillis(600), now, s, client, 1);
        assertThat(client.routeStats(s.url("/")).learnedIdleTimeout()).as("one close alone is not trusted").isNull();
        client.send(HttpRequest.get(s.url("/"))).string();
        serverClosesIdleAfter(Duration.ofMillis(600), now, s, client, 2);
        assertThat(client.routeStats(s.url("/")).learnedIdleTimeout()).isEqualTo(Duration.ofMillis(600));
        // No request goes out on a connection idle past 600 ms less the 250 ms margin.
        client.send(HttpRequest.get(s.url("/"))).string();
        now.addAndGet(Duration.ofMillis(349).toNanos());
        client.send(HttpRequest.get(s.url("/"))).string();
        now.addAndGet(Duration.ofMillis(351).toNanos());
        client.send(HttpRequest.get(s.url("/"))).string();
        assertThat(s.requests).extracting(TestServer.Request::connection).containsExactly(1, 2, 3, 3, 4);
        assertThat(client.routeStats(s.url("/")).idleCloses()).isEqualTo(2);

        // The server's setting rises (here: it no longer closes at all). The route's canary, kept
        // open idle past the learned value, outlives it: the value is dropped.
        now.addAndGet(Duration.ofMillis(1_601).toNanos());
        client.send(HttpRequest.get(s.url("/"))).string();
        assertThat(client.routeStats(s.url("/")).learnedIdleTimeout()).isNull();

        // The server's setting drops: the next idle closes teach the new value.
        HttpClient other = client(HttpClientConfig.builder().ticker(now::get).keepAliveMargin(Duration.ofMillis(10)));
        for (int i = 1; i <= 2; i++) {
            other.send(HttpRequest.get(s.url("/"))).string();
            serverClosesIdleAfter(Duration.ofMillis(150), now, s, other, i);
        }
        assertThat(other.routeStats(s.url("/")).learnedIdleTimeout()).isEqualTo(Duration.ofMillis(150));
    }

    /**
     * Moves the client's clock by {@code idle}, closes the server's side of every connection, waits
     * until the client saw it, and lets a second pass (so that the next close is another event).
     */
    private static void serverClosesIdleAfter(Duration idle, AtomicLong now, TestServer s, HttpClient client, long closes)
            throws IOException {
        now.addAndGet(idle.toNanos());
        for (java.net.Socket socket : s.sockets) {
            socket.close(); // nothing unread: a FIN, as a server's idle timer sends
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> client.routeStats(s.url("/")).idleCloses() == closes);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
    }

    /** A server that cuts the body of its first {@code cuts} responses halfway (an RST), then answers in full. */
    private TestServer cuttingBodies(int cuts) throws IOException {
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        String body = "x".repeat(20_000);
        return server((c, r) -> {
            if (seen.incrementAndGet() <= cuts) {
                c.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10_000));
                c.reset();
            } else {
                c.ok(body);
            }
        });
    }

    @Test
    void sendAndReadRetriesAnIdempotentRequestWhoseResponseWasCut() throws Exception {
        TestServer s = cuttingBodies(1);
        HttpClient client = client();
        HttpResponse r = client.sendAndRead(HttpRequest.get(s.url("/report")));
        assertThat(r.isBuffered()).isTrue();
        assertThat(r.string()).hasSize(20_000);
        assertThat(r.bytes()).as("readable again: it is in memory").hasSize(20_000);
        assertThat(s.requests).hasSize(2);
        assertThat(client.routeStats(s.url("/")).retries()).isEqualTo(1);
        assertThat(client.poolStats().leased()).isZero();
    }

    @Test
    void sendAndReadRetriesACutResponseOnceOnlyAndNeverAPost() throws Exception {
        TestServer s = cuttingBodies(10);
        HttpClient client = client();
        assertThatThrownBy(() -> client.sendAndRead(HttpRequest.get(s.url("/report"))))
                .isInstanceOf(ConnectionFailure.class)
                .hasMessageContaining("the server had begun to answer")
                .hasMessageContaining("it had already been retried once on a fresh connection after");
        assertThatThrownBy(() -> client.sendAndRead(HttpRequest.builder(s.url("/pay")).POST(RequestBody.of("1")).build()))
                .isInstanceOf(ConnectionFailure.class)
                .hasMessageContaining("tether did not re-send it because POST is not idempotent");
        assertThat(s.requests).hasSize(3);
        assertThat(client.poolStats().leased()).isZero();
    }

    @Test
    void aStreamedBodyThatIsCutCarriesTheSameVerdictAsAFailedSend() throws Exception {
        TestServer s = cuttingBodies(1);
        HttpClient client = client();
        try (HttpResponse r = client.send(HttpRequest.get(s.url("/report")))) {
            assertThatThrownBy(r::string)
                    .isInstanceOf(ConnectionFailure.class)
                    .hasMessageStartingWith("GET " + s.url("/report") + " failed: connection #")
                    .hasMessageContaining("the server had begun to answer, so it has probably applied the request")
                    .hasMessageContaining("tether did not retry it because the response had begun")
                    .hasMessageContaining("HttpClient.sendAndRead");
        }
        assertThat(s.requests).hasSize(1);
        assertThat(client.poolStats().leased()).isZero();
    }

    @Test
    void aRouteUnusedForTheIdleTimeoutIsForgottenWithItsPoolKey() throws Exception {
        TestServer s = server((c, r) -> c.ok("ok"));
        AtomicLong now = new AtomicLong(1_000_000_000L);
        HttpClient client = client(HttpClientConfig.builder().ticker(now::get)
                .pool(p -> p.idleTimeout(Duration.ofMillis(200))));
        client.send(HttpRequest.get(s.url("/"))).string();
        assertThat(client.routes()).containsExactly(Route.of(java.net.URI.create(s.url("/"))));
        // Housekeeping runs on real time and reads the client's clock: move the clock on while it
        // expires the idle connection, then drops the empty key.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            now.addAndGet(Duration.ofMillis(500).toNanos());
            return client.routes().isEmpty();
        });
        assertThat(client.send(HttpRequest.get(s.url("/"))).string()).as("a forgotten route comes back on use").isEqualTo("ok");
        assertThat(client.routes()).hasSize(1);
    }

    /** A server whose second exchange on each connection reads the request and then breaks the connection. */
    private TestServer staleOnSecondUse(boolean reset) throws IOException {
        return track(new TestServer(c -> {
            TestServer.Request r;
            while ((r = c.readRequest()) != null) {
                if (r.exchange() == 2) {
                    if (reset) {
                        c.reset();
                    }
                    return;
                }
                c.ok("applied " + r.method() + " on connection " + c.index);
            }
        }));
    }

    @Test
    void retriesAnIdempotentRequestOnceOnAFreshConnection() throws Exception {
        TestServer s = staleOnSecondUse(true);
        HttpClient client = client();
        client.send(HttpRequest.get(s.url("/"))).string();
        assertThat(client.send(HttpRequest.get(s.url("/"))).string()).isEqualTo("applied GET on connection 2");
        // The retry's connection was opened outside the pool and closed after use: the next GET opens
        // connection 3, whose second use (the PUT) fails and is retried on connection 4.
        client.send(HttpRequest.get(s.url("/"))).string();
        HttpRequest put = HttpRequest.builder(s.url("/")).PUT(RequestBody.of("v")).build();
        assertThat(client.send(put).string()).isEqualTo("applied PUT on connection 4");
        assertThat(client.routeStats(s.url("/")).retries()).isEqualTo(2);
    }

    @Test
    void neverResendsAPostAndSaysItMayHaveBeenApplied() throws Exception {
        TestServer s = staleOnSecondUse(true);
        HttpClient client = client();
        client.send(HttpRequest.post(s.url("/"), RequestBody.of("a"))).string();
        assertThatThrownBy(() -> client.send(HttpRequest.post(s.url("/"), RequestBody.of("b"))))
                .isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                    assertThat(f.kind()).isIn(Kind.RESET, Kind.PEER_CLOSED);
                    assertThat(HttpClient.mayHaveBeenApplied(f)).isTrue();
                    assertThat(f.getMessage()).contains("may have been applied").contains("POST is not idempotent")
                            .contains("Idempotency-Key");
                });
        assertThat(s.requests).hasSize(2);
        assertThat(client.routeStats(s.url("/")).retries()).isZero();
    }

    @Test
    void retriesAPostThatCarriesAnIdempotencyKeyOrIsDeclaredIdempotent() throws Exception {
        TestServer s = staleOnSecondUse(false);
        HttpClient client = client();
        client.send(HttpRequest.post(s.url("/"), RequestBody.of("a"))).string();
        HttpRequest keyed = HttpRequest.builder(s.url("/")).POST(RequestBody.of("b")).header("Idempotency-Key", "k1").build();
        assertThat(client.send(keyed).status()).isEqualTo(200);
        client.send(HttpRequest.post(s.url("/"), RequestBody.of("c"))).string();
        HttpRequest declared = HttpRequest.builder(s.url("/")).POST(RequestBody.of("d")).idempotent(true).build();
        assertThat(client.send(declared).status()).isEqualTo(200);
        assertThat(client.routeStats(s.url("/")).retries()).isEqualTo(2);
    }

    @Test
    void doesNotRetryABodyThatCanBeReadOnlyOnce() throws Exception {
        TestServer s = staleOnSecondUse(true);
        HttpClient client = client();
        client.send(HttpRequest.get(s.url("/"))).string();
        HttpRequest put = HttpRequest.builder(s.url("/"))
                .PUT(RequestBody.ofStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), 3)).build();
        assertThatThrownBy(() -> client.send(put)).isInstanceOfSatisfying(ConnectionFailure.class,
                f -> assertThat(f.getMessage()).contains("can be read only once"));
        HttpRequest replayable = HttpRequest.builder(s.url("/"))
                .PUT(RequestBody.ofSupplier(() -> new ByteArrayInputStream(new byte[] {1, 2, 3}), 3)).build();
        client.send(HttpRequest.get(s.url("/"))).string();
        assertThat(client.send(replayable).status()).isEqualTo(200);
    }

    @Test
    void aFailureOnANewConnectionIsNotRetried() throws Exception {
        TestServer s = track(new TestServer(c -> {
            c.readRequest();
            c.reset();
        }));
        HttpClient client = client();
        assertThatThrownBy(() -> client.send(HttpRequest.get(s.url("/")))).isInstanceOfSatisfying(ConnectionFailure.class,
                f -> assertThat(f.getMessage()).contains("the connection was new"));
        assertThat(s.connections.get()).isEqualTo(1);
    }

    @Test
    void refusesHeaderInjectionBeforeAnythingIsSent() {
        assertThatThrownBy(() -> HttpRequest.builder("http://127.0.0.1/").header("X-A", "1\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header X-A").hasMessageContaining("\\r");
        assertThatThrownBy(() -> HttpRequest.builder("http://127.0.0.1/").header("X-A\nB", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header name");
        assertThatThrownBy(() -> HttpClientConfig.builder().defaultHeaders(Headers.of("A", "b\n")).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingAResponseEarlyDiscardsTheConnectionUnlessTheRestHasArrived() throws Exception {
        TestServer s = server((c, r) -> {
            if (r.target().equals("/big")) {
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n");
                c.write(new byte[100_000]);
            } else {
                c.ok("small body");
            }
        });
        HttpClient client = client();
        try (HttpResponse r = client.send(HttpRequest.get(s.url("/big")))) {
            assertThat(r.body().read()).isEqualTo(0);
        }
        assertThat(client.poolStats().closed(Reason.NOT_REUSABLE)).isEqualTo(1);
        HttpResponse small = client.send(HttpRequest.get(s.url("/small")));
        await().atMost(Duration.ofSeconds(5)).until(() -> small.body().available() > 0 || true);
        small.close(); // unread, but it has arrived (or arrives in the drain): reuse or discard, never a leak
        client.send(HttpRequest.get(s.url("/small"))).string();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.poolStats().leased() == 0);
    }

    @Test
    void followsRedirectsForGetButNeverRepeatsAPost() throws Exception {
        TestServer s = server((c, r) -> {
            switch (r.target()) {
                case "/a": c.write("HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"); break;
                case "/post": c.write("HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"); break;
                case "/see": c.write("HTTP/1.1 303 See Other\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"); break;
                case "/loop": c.write("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n"); break;
                default: c.ok(r.method() + " " + r.target());
            }
        });
        HttpClient client = client();
        assertThat(client.send(HttpRequest.get(s.url("/a"))).string()).isEqualTo("GET /b");
        assertThat(client.send(HttpRequest.post(s.url("/post"), RequestBody.of("x"))).status()).isEqualTo(307);
        assertThat(client.send(HttpRequest.post(s.url("/see"), RequestBody.of("x"))).string()).isEqualTo("GET /b");
        assertThat(client.send(HttpRequest.get(s.url("/loop"))).status()).isEqualTo(302);
        assertThat(s.requests.stream().filter(r -> r.target().equals("/loop")).count()).isEqualTo(6);
        assertThat(s.requests.stream().filter(r -> r.method().equals("POST")).count()).isEqualTo(2);
    }

    @Test
    void decodesGzipWhenItAskedForItAndLeavesItAloneOtherwise() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write("compressed text".repeat(100).getBytes(StandardCharsets.UTF_8));
        }
        byte[] gzipped = buf.toByteArray();
        TestServer s = server((c, r) -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gzipped.length + "\r\n\r\n");
            c.write(gzipped);
        });
        HttpClient client = client();
        try (HttpResponse r = client.send(HttpRequest.get(s.url("/")))) {
            assertThat(r.header("Content-Encoding")).isNull();
            assertThat(r.string()).isEqualTo("compressed text".repeat(100));
        }
        assertThat(s.requests.get(0).header("accept-encoding")).isEqualTo("gzip, deflate");
        byte[] raw = client.send(HttpRequest.builder(s.url("/")).header("Accept-Encoding", "gzip").build()).bytes();
        assertThat(raw).isEqualTo(gzipped);
        assertThat(s.connections.get()).isEqualTo(1);
    }

    @Test
    void defaultHeadersAreAddedUnlessTheRequestSetsThem() throws Exception {
        TestServer s = server((c, r) -> c.ok("ok"));
        HttpClient client = client(HttpClientConfig.builder().defaultHeaders(Headers.of("X-Team", "core", "Accept", "*/*")));
        client.send(HttpRequest.builder(s.url("/")).header("Accept", "text/plain").build()).string();
        assertThat(s.requests.get(0).header("x-team")).isEqualTo("core");
        assertThat(s.requests.get(0).header("accept")).isEqualTo("text/plain");
    }

    @Test
    void sendsStreamedBodiesChunked() throws Exception {
        TestServer s = server((c, r) -> c.ok(r.header("transfer-encoding") + ":" + r.bodyText()));
        HttpClient client = client();
        HttpRequest post = HttpRequest.builder(s.url("/")).POST(RequestBody.ofSupplier(
                () -> new ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8)), -1)).build();
        assertThat(client.send(post).string()).isEqualTo("chunked:streamed");
    }

    @Test
    void aWholeRequestDeadlineEndsAStalledResponse() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        TestServer s = track(new TestServer(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
            done.await(30, TimeUnit.SECONDS);
        }));
        HttpClient client = client(HttpClientConfig.builder().requestTimeout(Duration.ofMillis(300)));
        HttpResponse r = client.send(HttpRequest.get(s.url("/")));
        assertThatThrownBy(r::bytes).isInstanceOfSatisfying(ConnectionFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(Kind.READ_TIMEOUT);
            assertThat(f.getMessage()).contains("request deadline of 300 ms");
        });
        done.countDown();
        assertThat(client.poolStats().closed(Reason.BROKEN)).isEqualTo(1);
    }

    @Test
    void aLeakedResponseIsReported() throws Exception {
        TestServer s = server((c, r) -> c.ok("never read"));
        HttpClient client = client(HttpClientConfig.builder().pool(p -> p.leakDetectionThreshold(Duration.ofMillis(100))));
        HttpResponse leaked = client.send(HttpRequest.get(s.url("/")));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.routeStats(s.url("/")).leaks() == 1);
        leaked.close();
    }

    @Test
    void configValidationNamesFieldValueAndRule() {
        assertThatThrownBy(() -> HttpClientConfig.builder().keepAliveMarginRatio(1.5).build())
                .hasMessage("keepAliveMarginRatio: 1.5 (expected: >= 0 and < 1)");
        // A lower layer's rule, in its own words, prefixed with where the user set it.
        assertThatThrownBy(() -> HttpClientConfig.builder().socket(s -> s.readTimeout(Duration.ZERO)).build())
                .hasMessageContaining("socket.readTimeout: PT0S (expected: >= 1 ms");
        assertThatThrownBy(() -> HttpClientConfig.builder().pool(p -> p.maxPerKey(10).maxTotal(5)).build())
                .hasMessage("pool.maxPerKey: 10 (expected: <= maxTotal 5)");
        assertThatThrownBy(() -> HttpClientConfig.builder().socket(s -> s.connectTimeout(Duration.ofSeconds(30))).build())
                .hasMessage("socket.connectTimeout: PT30S (expected: <= pool.openTimeout PT10S, which bounds every open; raise both)");
        HttpClientConfig c = HttpClientConfig.DEFAULT.toBuilder().maxRedirects(2).build();
        assertThat(c.maxRedirects()).isEqualTo(2);
        assertThat(c.pool().idleTimeout()).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void everyLayerIsReachableAndComposedNotCopied() {
        HttpClientConfig c = HttpClientConfig.builder()
                .pool(p -> p.name("orders").maxPerKey(20).maxWaiters(7).idleTimeout(Duration.ofSeconds(30)))
                .pool(p -> p.acquireTimeout(Duration.ofSeconds(2)))
                .socket(s -> s.keepAliveIdle(Duration.ofSeconds(10)).keepAliveInterval(Duration.ofSeconds(2)).keepAliveCount(4))
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        assertThat(c.pool().name()).isEqualTo("orders");
        assertThat(c.pool().maxPerKey()).isEqualTo(20);
        assertThat(c.pool().maxWaiters()).isEqualTo(7);
        assertThat(c.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.pool().acquireTimeout()).as("a later pool(...) changes the same builder").isEqualTo(Duration.ofSeconds(2));
        assertThat(c.socket().keepAliveDetection()).isEqualTo(Duration.ofSeconds(18));
        assertThat(c.socket().readTimeout()).isEqualTo(SocketConfig.DEFAULT.readTimeout());
        // HTTP's defaults for the pool are stated, not computed behind the user's back.
        assertThat(HttpClientConfig.DEFAULT.pool()).hasToString(HttpClientConfig.DEFAULT_POOL.toString());
        assertThat(HttpClientConfig.DEFAULT.pool().maxPerKey()).isEqualTo(64);
        assertThat(HttpClientConfig.DEFAULT.pool().maxWaiters()).isEqualTo(2048);
        // toBuilder keeps every layer.
        HttpClientConfig copy = c.toBuilder().pool(p -> p.maxPerKey(3)).build();
        assertThat(copy.pool().name()).isEqualTo("orders");
        assertThat(copy.pool().maxPerKey()).isEqualTo(3);
        assertThat(copy.socket()).isEqualTo(c.socket());
    }
}
