package dev.tether.http;

import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client behind tether-chaos's fault proxy: every way a pooled connection dies, over real sockets. */
class ChaosTest {
    @RegisterExtension
    static final ChaosExtension chaos = new ChaosExtension();

    private TestServer server;
    private HttpClient client;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger slowCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.answering((c, r) -> {
            if (r.target().equals("/slow") && slowCalls.incrementAndGet() == 1) {
                release.await(30, TimeUnit.SECONDS);
            }
            c.ok(r.method() + " ok");
        });
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private ChaosProxy proxy() {
        return chaos.proxy("http", server.port());
    }

    private String url(ChaosProxy p, String path) {
        return "http://127.0.0.1:" + p.port() + path;
    }

    private HttpClient client(HttpClientConfig.Builder b) {
        client = HttpClient.create(b.build());
        return client;
    }

    @Test
    void aResetWhileIdleCostsNoRequest() throws Exception {
        ChaosProxy p = proxy();
        HttpClient c = client(HttpClientConfig.builder());
        assertThat(c.send(HttpRequest.get(url(p, "/"))).string()).isEqualTo("GET ok");
        p.resetConnections();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().idle() == 0);
        // Even a POST: the dead connection left the pool before anyone could lease it.
        assertThat(c.send(HttpRequest.post(url(p, "/"), RequestBody.of("x"))).string()).isEqualTo("POST ok");
    }

    @Test
    void aResetInFlightIsRetriedForGetOnAFreshConnection() throws Exception {
        ChaosProxy p = proxy();
        HttpClient c = client(HttpClientConfig.builder());
        c.send(HttpRequest.get(url(p, "/"))).string();
        CompletableFuture<String> get = CompletableFuture.supplyAsync(() -> {
            try {
                return c.send(HttpRequest.get(url(p, "/slow"))).string();
            } catch (Exception e) {
                return e.toString();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> slowCalls.get() == 1);
        p.resetConnections();
        assertThat(get.get(20, TimeUnit.SECONDS)).isEqualTo("GET ok");
        assertThat(c.routeStats(url(p, "/")).retries()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anIdleCloseLikeALoadBalancerIsLearnedAndCostsNothing(boolean rst) throws Exception {
        ChaosProxy p = proxy();
        p.addToxic(Toxic.idleClose(Duration.ofMillis(400), rst));
        HttpClient c = client(HttpClientConfig.builder());
        c.send(HttpRequest.get(url(p, "/"))).string();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.routeStats(url(p, "/")).idleCloses() == 1);
        c.send(HttpRequest.get(url(p, "/"))).string(); // a second close at the same age confirms the first
        await().atMost(Duration.ofSeconds(10)).until(() -> c.routeStats(url(p, "/")).learnedIdleTimeout() != null);
        assertThat(c.routeStats(url(p, "/")).learnedIdleTimeout()).isBetween(Duration.ofMillis(350), Duration.ofMillis(2500));
        assertThat(c.send(HttpRequest.post(url(p, "/"), RequestBody.of("x"))).string()).isEqualTo("POST ok");
    }

    @Test
    void aHalfCloseWhileIdleRemovesTheConnection() throws Exception {
        ChaosProxy p = proxy();
        HttpClient c = client(HttpClientConfig.builder());
        c.send(HttpRequest.get(url(p, "/"))).string();
        p.addToxic(Toxic.halfClose());
        await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().idle() == 0);
        p.removeAllToxics();
        assertThat(c.send(HttpRequest.post(url(p, "/"), RequestBody.of("x"))).string()).isEqualTo("POST ok");
    }

    @Test
    void aBlackholeEndsInAReadTimeoutThatIsNotRetried() throws Exception {
        ChaosProxy p = proxy();
        HttpClient c = client(HttpClientConfig.builder().socket(s -> s.readTimeout(Duration.ofMillis(300))));
        c.send(HttpRequest.get(url(p, "/"))).string();
        p.addToxic(Toxic.blackhole());
        assertThatThrownBy(() -> c.send(HttpRequest.get(url(p, "/")))).isInstanceOfSatisfying(ConnectionFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(Kind.READ_TIMEOUT);
            assertThat(f.getMessage()).contains("within the read timeout of 300 ms").contains("may still be working on it");
        });
        assertThat(c.routeStats(url(p, "/")).retries()).isZero();
    }

    @Test
    void refusedThenRecovered() throws Exception {
        ChaosProxy p = proxy();
        HttpClient c = client(HttpClientConfig.builder());
        p.addToxic(Toxic.refuse());
        assertThatThrownBy(() -> c.send(HttpRequest.get(url(p, "/")))).isInstanceOfSatisfying(ConnectionFailure.class,
                f -> assertThat(f.kind()).isIn(Kind.REFUSED, Kind.RESET, Kind.PEER_CLOSED));
        p.removeAllToxics();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> c.send(HttpRequest.get(url(p, "/"))).string().equals("GET ok"));
    }

    @Test
    void aConnectThatNeverCompletesTimesOut() throws Exception {
        // TECHNIQUES.md: a backlog-1 listener that never accepts; its queue fills and the next SYN is dropped.
        try (ServerSocket stalled = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket q1 = new Socket(); Socket q2 = new Socket()) {
            q1.connect(stalled.getLocalSocketAddress(), 1000);
            q2.connect(stalled.getLocalSocketAddress(), 1000);
            HttpClient c = client(HttpClientConfig.builder().socket(s -> s.connectTimeout(Duration.ofMillis(300))));
            String u = "http://127.0.0.1:" + stalled.getLocalPort() + "/";
            assertThatThrownBy(() -> c.send(HttpRequest.get(u))).isInstanceOfSatisfying(ConnectionFailure.class, f -> {
                assertThat(f.kind()).isEqualTo(Kind.CONNECT_TIMEOUT);
                assertThat(f.getMessage()).contains("could not be opened within");
                assertThat(HttpClient.mayHaveBeenApplied(f)).isFalse();
            });
        }
    }
}
