package dev.tether.redis;

import dev.tether.pool.Backoff;
import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.net.ConnectionFailure.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client behind tether-chaos's fault proxy, in front of the machine's Redis. */
class ChaosTest {
    @RegisterExtension
    static final ChaosExtension chaos = new ChaosExtension();

    private static RedisAdmin admin;
    private static String upstream;
    private final String prefix = RedisAdmin.uniqueName("tether-test:chaos") + ":";

    @BeforeAll
    static void server() {
        TestRedis.require();
        admin = RedisAdmin.machine();
        RedisUri u = RedisUri.parse(RedisAdmin.URL);
        upstream = u.host() + ":" + u.port();
    }

    @AfterAll
    static void done() {
        if (admin != null) {
            admin.close();
        }
    }

    private static ChaosProxy proxy() {
        return chaos.proxy("redis", upstream);
    }

    private static RedisClientConfig.Builder config(ChaosProxy p) {
        return RedisClientConfig.builder(RedisAdmin.URL).host("127.0.0.1").port(p.port());
    }

    @Test
    void anOutageFailsFastNamesTheEndpointAndRecoversAfterOneBackoffStep() throws Exception {
        ChaosProxy p = proxy();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (RedisClient c = RedisClient.create(config(p).pool(x -> x.acquireTimeout(Duration.ofMillis(500))
                .openBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400)))).build())) {
            String key = prefix + "outage";
            c.set(key, "v");
            p.disable();
            // The outage begins once the client has seen its idle connection closed. A command sent
            // in the instant before (a connection back in the pool for less than
            // RedisClient.LEASE_CHECK_AFTER_IDLE is lent unchecked) meets the close itself and is
            // retried on a fresh connection: KillTest's case, not this one's.
            await().atMost(Duration.ofSeconds(5)).until(() -> c.poolStats().idle() == 0);
            List<CompletableFuture<Throwable>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        c.get(key);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                }, callers));
            }
            for (CompletableFuture<Throwable> call : calls) {
                // Each ends within the acquire timeout plus the connect: no caller is left blocked.
                Throwable t = call.get(20, TimeUnit.SECONDS);
                assertThat(t).isInstanceOf(RedisConnectionException.class);
                assertThat(t.getMessage()).contains("127.0.0.1:" + p.port()).containsAnyOf("refused", "reset")
                        .contains("was not sent");
                assertThat(((RedisConnectionException) t).mayHaveBeenApplied()).isFalse();
            }
            assertThat(c.poolStats().waiting()).isZero();
            assertThat(c.poolStats().leased()).isZero();
            p.enable();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> "v".equals(c.get(key)));
            c.del(key);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aBlackholeEndsInAReadTimeoutThatIsNotRetried() {
        ChaosProxy p = proxy();
        try (RedisClient c = RedisClient.create(config(p).socket(s -> s.readTimeout(Duration.ofMillis(300)))
                .blockingMargin(Duration.ofMillis(500)).build())) {
            String key = prefix + "hole";
            c.set(key, "v");
            p.addToxic(Toxic.blackhole());
            assertThatThrownBy(() -> c.get(key)).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.READ_TIMEOUT);
                assertThat(e.getMessage()).contains("within the read timeout of 300 ms")
                        .contains("tether did not retry it because the server may still be working on it")
                        .contains("RedisClientConfig.socket(s -> s.readTimeout(...))");
            });
            // A blocking command waits for its own timeout plus the margin, not the socket's 300 ms.
            assertThatThrownBy(() -> c.blpop(Duration.ofSeconds(1), key + ":list")).isInstanceOfSatisfying(RedisConnectionException.class,
                    e -> assertThat(e.getMessage()).contains("within the read timeout of 1500 ms"));
            p.removeAllToxics();
            c.del(key);
        }
    }

    @Test
    void aBlockingCommandIsNotCutAtTheSocketReadTimeout() {
        try (RedisClient c = RedisClient.create(RedisClientConfig.builder(RedisAdmin.URL)
                .socket(s -> s.readTimeout(Duration.ofMillis(300))).build())) {
            assertThat(c.blpop(Duration.ofSeconds(2), prefix + "empty")).isNull();
            assertThat(c.send(Command.text("XREAD", "BLOCK", 1000, "STREAMS", prefix + "stream", "$"))).isNull();
            // The socket's own timeout is back for the next command.
            assertThat(c.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aResetInFlightIsRetriedForAReadAndReportedForAnIncr() throws Exception {
        ChaosProxy p = proxy();
        try (RedisClient c = RedisClient.create(config(p).build())) {
            String key = prefix + "inflight";
            c.set(key, "5");
            p.addToxic(Toxic.latency(Duration.ofMillis(400)));  // replies wait in the proxy
            CompletableFuture<String> get = CompletableFuture.supplyAsync(() -> c.get(key));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().leased() == 1);
            p.resetConnections();
            assertThat(get.get(20, TimeUnit.SECONDS)).isEqualTo("5");
            c.ping(); // a pooled connection again (the retry's own was closed after it)

            CompletableFuture<Throwable> incr = CompletableFuture.supplyAsync(() -> {
                try {
                    c.incr(key);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().leased() == 1);
            p.resetConnections();
            assertThat(incr.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.mayHaveBeenApplied()).isTrue();
                assertThat(e.getMessage()).contains("may have been applied").contains("INCR is not safe to repeat");
            });
            p.removeAllToxics();
            assertThat(admin.counter(key)).isBetween(5L, 6L); // applied once at most, never twice
            c.del(key);
        }
    }

    @Test
    void aPipelineCutShortReportsWhichCommandsGotReplies() {
        ChaosProxy p = proxy();
        String key = prefix + "pipe";
        p.addToxic(Toxic.limitData(20)); // ":1\r\n" to ":5\r\n", then the connection closes
        try (RedisClient c = RedisClient.create(config(p).build())) {
            Pipeline pipe = c.pipeline();
            for (int i = 0; i < 10; i++) {
                pipe.add("INCR", key);
            }
            assertThatThrownBy(pipe::execute).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.received().asList()).containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(e.mayHaveBeenApplied()).isTrue();
                assertThat(e.getMessage()).startsWith("pipeline of 10 commands failed")
                        .contains("replies arrived for the first 5 of 10 commands; the other 5 may have been applied");
            });
        }
        p.removeAllToxics();
        assertThat(admin.counter(key)).isBetween(5L, 10L);
        admin.client().del(key);
    }

    @Test
    void aTransactionCutBeforeExecsReplySaysItMayHaveBeenApplied() {
        ChaosProxy p = proxy();
        String key = prefix + "tx";
        p.addToxic(Toxic.limitData(5 + 3 * 9)); // +OK and three +QUEUED, then the connection closes
        try (RedisClient c = RedisClient.create(config(p).build())) {
            assertThatThrownBy(() -> c.transaction().add("INCR", key).add("INCR", key).add("INCR", key).execute())
                    .isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                        assertThat(e.received().size()).isZero();
                        assertThat(e.mayHaveBeenApplied()).isTrue();
                        assertThat(e.getMessage()).startsWith("transaction of 3 commands failed")
                                .contains("EXEC's reply did not arrive, so the transaction may have been applied");
                    });
        }
        p.removeAllToxics();
        assertThat(admin.counter(key)).as("all or nothing").isIn(0L, 3L);
        admin.client().del(key);
    }

    @Test
    void aSubscriberWhosePeerFallsSilentPingsGivesUpAndComesBack() throws Exception {
        ChaosProxy p = proxy();
        String channel = prefix + "silent";
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger disconnected = new java.util.concurrent.atomic.AtomicInteger();
        MessageListener listener = new MessageListener() {
            @Override
            public void message(String ch, byte[] message) {
                got.add(new String(message, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(RedisConnectionException cause) {
                disconnected.incrementAndGet();
            }
        };
        try (RedisClient c = RedisClient.create(config(p).socket(s -> s.readTimeout(Duration.ofMillis(300)))
                .pool(x -> x.openBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400)))).build());
             Subscription sub = c.subscribe(listener, channel)) {
            p.addToxic(Toxic.blackhole());
            // No byte for a read timeout: a PING; no answer for another: the connection is given up.
            await().atMost(Duration.ofSeconds(10)).until(() -> disconnected.get() >= 1);
            p.removeAllToxics();
            await().atMost(Duration.ofSeconds(10)).until(sub::isSubscribed);
            admin.client().publish(channel, "back");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("back");
        }
    }

    @Test
    void aSafePipelineOnAStaleConnectionIsRetriedWhole() throws Exception {
        ChaosProxy p = proxy();
        try (RedisClient c = RedisClient.create(config(p).build())) {
            String key = prefix + "safe-pipe";
            c.set(key, "1");
            p.addToxic(Toxic.latency(Duration.ofMillis(400)));
            CompletableFuture<Replies> r = CompletableFuture.supplyAsync(() ->
                    c.pipeline().add("GET", key).add("SET", key, "2").add(Command.text("GET", key)).execute());
            await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().leased() == 1);
            p.resetConnections();
            assertThat(r.get(20, TimeUnit.SECONDS).getString(2)).isEqualTo("2");
            p.removeAllToxics();
            c.del(key);
        }
    }
}
