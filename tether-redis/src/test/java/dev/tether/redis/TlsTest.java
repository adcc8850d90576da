package dev.tether.redis;

import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.TlsSettings;
import dev.tether.pool.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.TestAbortedException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code rediss://} against a real Redis speaking TLS ({@link TlsRedis}: the machine's redis-server
 * on a free loopback port, a certificate made here, a password on the default user and an ACL user
 * with its own): commands, pipelines and pub/sub over TLS; a connection killed on the server
 * (CLIENT KILL ID of the client's own) dropped while idle and replaced, over TLS as over the same
 * server's plain port; a certificate for another name and an untrusted one refused with what to
 * change; no password in any toString or message.
 */
class TlsTest {
    private static final String ADMIN_PASSWORD = "adm1n-pw-7f3a";
    private static final String USER = "tether-app";
    private static final String PASSWORD = "app-pw-c81e";
    private static TlsRedis server;
    private static RedisAdmin admin;
    /** Why there is no server (outside CI, no redis-server with TLS), or null. */
    private static String skipped;

    @BeforeAll
    static void start() throws Exception {
        try {
            server = TlsRedis.builder().plainPort()
                    .setting("requirepass " + ADMIN_PASSWORD)
                    .setting("user " + USER + " on >" + PASSWORD + " ~* &* +@all")
                    .start();
        } catch (TestAbortedException e) {
            // Skipped here, the class would show as no test at all; each test skips with the reason instead.
            skipped = e.getMessage();
            return;
        }
        admin = new RedisAdmin(RedisClientConfig.builder("rediss://:" + ADMIN_PASSWORD + "@127.0.0.1:" + server.port())
                .tls(server.tls()));
    }

    @BeforeEach
    void requireServer() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The ACL user's URI of the TLS port. */
    private static String uri() {
        return "rediss://" + USER + ":" + PASSWORD + "@127.0.0.1:" + server.port();
    }

    /** The ACL user on the TLS port, trusting the test's certificate; connections named {@code name}. */
    private static RedisClientConfig.Builder tls(String name) {
        return RedisClientConfig.builder(uri()).tls(server.tls()).clientName(name);
    }

    @Test
    void commandsPipelinesAndTransactionsRunOverTls() {
        String name = RedisAdmin.uniqueName("tether-tls");
        try (RedisClient c = RedisClient.create(tls(name).build())) {
            assertThat(c.endpoint().tls()).isNotNull();
            c.set(name + ":k", "v");
            assertThat(c.get(name + ":k")).isEqualTo("v");
            // Larger than a TLS record (16 KiB): the reply spans several records and reads.
            char[] big = new char[200_000];
            Arrays.fill(big, 'x');
            c.set(name + ":big", new String(big));
            assertThat(c.get(name + ":big")).hasSize(200_000).isEqualTo(new String(big));

            Pipeline p = c.pipeline();
            for (int i = 0; i < 100; i++) {
                p.add("INCR", name + ":n");
            }
            p.add("GET", name + ":n");
            Replies replies = p.execute();
            assertThat(replies.size()).isEqualTo(101);
            assertThat(replies.getLong(99)).isEqualTo(100);
            assertThat(replies.getString(100)).isEqualTo("100");

            Replies tx = c.transaction().add("SET", name + ":t", "1").add("INCR", name + ":t").execute();
            assertThat(tx.getLong(1)).isEqualTo(2);
            assertThat(admin.idsNamed(name)).as("the connections carry the ACL user's session: AUTH went over TLS").isNotEmpty();
            assertThat(c.send(Command.text("ACL", "WHOAMI"))).isEqualTo(USER);
        }
    }

    @Test
    void resp3OverTlsAuthenticatesInHello() {
        String name = RedisAdmin.uniqueName("tether-tls-resp3");
        try (RedisClient c = RedisClient.create(tls(name).protocol(Protocol.RESP3).build())) {
            c.set(name + ":k", "v");
            assertThat(c.get(name + ":k")).isEqualTo("v");
            assertThat(c.send(Command.text("ACL", "WHOAMI"))).isEqualTo(USER);
        }
    }

    @Test
    void pubSubOverTlsIsSubscribedAgainAfterItsConnectionIsKilled() throws Exception {
        String name = RedisAdmin.uniqueName("tether-tls-sub");
        String channel = name + ":ch";
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        AtomicInteger resubscribed = new AtomicInteger();
        MessageListener listener = new MessageListener() {
            @Override
            public void message(String ch, byte[] message) {
                messages.add(ch + "=" + new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void resubscribed(java.util.Set<String> channels, java.util.Set<String> patterns) {
                resubscribed.incrementAndGet();
            }
        };
        try (RedisClient c = RedisClient.create(tls(name).build());
             Subscription sub = c.subscribe(listener, channel)) {
            assertThat(c.publish(channel, "one")).isEqualTo(1);
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(channel + "=one");
            // The subscriber's connection is the one of that name that no command holds: kill them all.
            assertThat(admin.kill(name)).isPositive();
            await().atMost(Duration.ofSeconds(10)).until(() -> resubscribed.get() == 1 && sub.isSubscribed());
            c.publish(channel, "two");
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(channel + "=two");
        }
    }

    /** The same server, reached through its TLS port or its plain one. */
    enum Transport { TLS, TCP }

    private static RedisClientConfig.Builder over(Transport t, String name) {
        return t == Transport.TLS ? tls(name)
                : RedisClientConfig.builder("redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + server.plainPort()).clientName(name);
    }

    /**
     * KillTest's field note, over TLS and over TCP: the client's own connection killed while idle
     * (CLIENT KILL ID) is dropped by the idle watcher before anyone leases it, so an INCR (not
     * safe to repeat) after each kill succeeds; a kill just before a GET costs nothing either.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aKilledConnectionIsDroppedAndReplaced(Transport transport) {
        String name = RedisAdmin.uniqueName("tether-tls-kill-" + transport.name().toLowerCase(java.util.Locale.ROOT));
        String key = name + ":n";
        try (RedisClient c = RedisClient.create(over(transport, name).build())) {
            assertThat(c.endpoint().tls() != null).isEqualTo(transport == Transport.TLS);
            for (int round = 0; round < 10; round++) {
                c.incr(key);
                assertThat(admin.kill(name)).isEqualTo(1);
                // Over TLS the close reaches the watcher through the TLS layer (a close_notify or a bare FIN).
                await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().idle() == 0);
                c.incr(key); // a RedisConnectionException here would be a stale connection lent
            }
            assertThat(admin.counter(key)).isEqualTo(20);
            assertThat(c.poolStats().closed(Reason.PEER_CLOSED)).isEqualTo(10);

            c.set(key, "v");
            for (int round = 0; round < 10; round++) {
                admin.kill(name);
                // No wait: the watcher, the lease-time check or the one retry of a read covers it.
                assertThat(c.get(key)).isEqualTo("v");
            }
        } finally {
            admin.client().del(key);
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedAndSaysSo() throws Exception {
        try (TlsRedis other = TlsRedis.builder().san("dns:other.example").setting("requirepass " + ADMIN_PASSWORD).start()) {
            // Trusted (the client trusts exactly that certificate), but for another name.
            RedisClientConfig.Builder config = RedisClientConfig.builder("rediss://:" + ADMIN_PASSWORD + "@127.0.0.1:" + other.port())
                    .tls(other.tls()).pool(p -> p.acquireTimeout(Duration.ofSeconds(1)));
            List<String> messages = new ArrayList<>();
            try (RedisClient c = RedisClient.create(config.build())) {
                assertThatThrownBy(() -> c.get("k")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                    assertThat(e.mayHaveBeenApplied()).isFalse();
                    assertThat(handshakeFailure(e)).contains("failed its TLS handshake")
                            .contains("No subject alternative names matching IP address 127.0.0.1 found")
                            .contains("trusted but not for the host name checked", "TlsSettings.serverName(...)");
                    messages.add(fullText(e));
                });
            }
            // The name the client checks, not the address, decides: localhost is not other.example either.
            try (RedisClient c = RedisClient.create(config.host("localhost").build())) {
                assertThatThrownBy(() -> c.get("k")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                    assertThat(handshakeFailure(e)).contains("No subject alternative DNS name matching localhost found");
                    messages.add(fullText(e));
                });
            }
            // The same server named as its certificate says (SNI and verification: other.example): accepted.
            try (RedisClient c = RedisClient.create(config.host("127.0.0.1")
                    .tls(other.tls().toBuilder().serverName("other.example").build()).build())) {
                c.set("k", "v");
                assertThat(c.get("k")).isEqualTo("v");
            }
            assertThat(messages).hasSize(2).allSatisfy(m -> assertThat(m).doesNotContain(ADMIN_PASSWORD));
        }
    }

    @Test
    void anUntrustedCertificateFailsWithWhatToChange() {
        // rediss:// alone: the JDK's trust store, which does not know the test's self-signed certificate.
        RedisClientConfig config = RedisClientConfig.builder(uri()).pool(p -> p.acquireTimeout(Duration.ofSeconds(1))).build();
        assertThat(config.tls()).isEqualTo(TlsSettings.DEFAULT);
        try (RedisClient c = RedisClient.create(config)) {
            assertThatThrownBy(() -> c.incr("k")).isInstanceOfSatisfying(RedisConnectionException.class, e -> {
                assertThat(e.mayHaveBeenApplied()).as("refused before a byte of the command left").isFalse();
                assertThat(handshakeFailure(e)).contains("failed its TLS handshake")
                        .contains("unable to find valid certification path")
                        .contains("trusted by the SSLContext in RedisClientConfig.tls(...)");
                assertThat(fullText(e)).doesNotContain(PASSWORD).doesNotContain(ADMIN_PASSWORD);
            });
        }
    }

    @Test
    void thePasswordNeverAppearsInToStringOrMessages() {
        String wrong = "wr0ng-" + PASSWORD; // holds the right one: one check below covers both
        List<String> shown = new ArrayList<>();
        RedisClientConfig config = tls(RedisAdmin.uniqueName("tether-tls-pw")).build();
        shown.add(config.toString());
        shown.add(RedisUri.parse(uri()).toString());
        try (RedisClient c = RedisClient.create(config)) {
            c.set("k", "v");
            shown.add(c.toString());
            shown.add(c.endpoint().toString());
            shown.add(c.poolView().toString());
        }
        RedisClientConfig bad = RedisClientConfig.builder("rediss://" + USER + ":" + wrong + "@127.0.0.1:" + server.port())
                .tls(server.tls()).pool(p -> p.acquireTimeout(Duration.ofSeconds(1))).build();
        shown.add(bad.toString());
        try (RedisClient c = RedisClient.create(bad)) {
            assertThatThrownBy(() -> c.get("k")).satisfies(e -> {
                assertThat(fullText(e)).contains("WRONGPASS");
                shown.add(fullText(e));
            });
        }
        assertThat(shown).allSatisfy(s -> assertThat(s).doesNotContain(PASSWORD).doesNotContain(ADMIN_PASSWORD));
    }

    /** The message of the TLS_HANDSHAKE failure under {@code e} (the command's or the pool's open that failed). */
    private static String handshakeFailure(RedisConnectionException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof dev.tether.net.ConnectionFailure f) {
                assertThat(f.kind()).isEqualTo(Kind.TLS_HANDSHAKE);
                return f.getMessage();
            }
        }
        throw new AssertionError("no ConnectionFailure under " + fullText(e));
    }

    /** Every message of {@code t} and its causes, as a log line with the stack trace would show them. */
    private static String fullText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append('\n');
            for (Throwable s : c.getSuppressed()) {
                sb.append("suppressed: ").append(fullText(s));
            }
        }
        return sb.toString();
    }
}
