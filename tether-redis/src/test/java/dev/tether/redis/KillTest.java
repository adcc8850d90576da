package dev.tether.redis;

import dev.tether.pool.PoolStats;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The field note's experiment on the machine's Redis: the client's own connections killed from the
 * server side (CLIENT KILL ID of the connections carrying its name, never another client's), while
 * idle and while commands are in flight.
 */
class KillTest {
    private static RedisAdmin admin;

    @BeforeAll
    static void server() {
        TestRedis.require();
        admin = RedisAdmin.machine();
    }

    @AfterAll
    static void done() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void aConnectionKilledWhileIdleIsDroppedBeforeAnyoneBorrowsIt() {
        String name = RedisAdmin.uniqueName("tether-test-idle");
        String key = name + ":n";
        int failures = 0;
        try (RedisClient c = RedisClient.create(TestRedis.config(name).build())) {
            for (int round = 0; round < 20; round++) {
                c.incr(key);
                assertThat(admin.kill(name)).isEqualTo(1);
                // The idle watcher sees the FIN and drops the connection on its own.
                await().atMost(Duration.ofSeconds(10)).until(() -> c.poolStats().idle() == 0);
                try {
                    c.incr(key); // not safe to repeat: it succeeds because nothing stale was lent
                } catch (RedisConnectionException e) {
                    failures++;
                }
            }
            assertThat(failures).isZero();
            assertThat(admin.counter(key)).isEqualTo(40);
            assertThat(c.poolStats().closed(Reason.PEER_CLOSED)).isEqualTo(20);
        } finally {
            admin.client().del(key);
        }
    }

    /**
     * The wording: 20 rounds of one command, kill, 50 ms pause, one command: 0 failures.
     * Nothing waits for the pool to notice the kill: the 50 ms is real time on a real socket, the
     * gap a user's next command would leave. The command is CLIENT ID, which the command table does
     * not know and so never retries: it succeeds only if no stale connection was lent. Each round's
     * command must run on a new connection (a CLIENT ID other than the killed one), and no command
     * was retried.
     */
    @Test
    void aCommandFiftyMillisecondsAfterAnIdleKillRunsOnANewConnection() {
        String name = RedisAdmin.uniqueName("tether-test-idle-50ms");
        Duration gap = Duration.ofMillis(50);
        List<String> failed = new ArrayList<>();
        try (RedisClient c = RedisClient.create(TestRedis.config(name).build())) {
            long id = clientId(c);
            for (int round = 0; round < 20; round++) {
                // CLIENT KILL ID of the one connection the client has, which the command just used.
                assertThat(admin.client().send(Command.text("CLIENT", "KILL", "ID", id))).isEqualTo(1L);
                // The idle gap, in real time: the server's FIN has to travel on a real socket. A
                // poll delay, so that the wait says what it is for (the tests never sleep).
                await().pollDelay(gap).atMost(gap.plusSeconds(10)).until(() -> true);
                try {
                    long next = clientId(c);
                    assertThat(next).as("round %d ran on the killed connection", round).isNotEqualTo(id);
                    id = next;
                } catch (RedisConnectionException e) {
                    failed.add("round " + round + ": " + e.getMessage());
                    id = clientId(c);
                }
            }
            assertThat(failed).as("failures").isEmpty();
            PoolView v = c.poolView();
            for (RetryOutcome o : RetryOutcome.values()) {
                assertThat(v.retries(o)).as("commands retried, %s", o).isZero();
            }
            // Each killed connection was closed before it was lent: by the idle watcher (PEER_CLOSED)
            // or, on a machine too busy for the watcher to have run within 50 ms, by the lease-time
            // check (NOT_REUSABLE); never by a command that met it (BROKEN).
            PoolStats s = c.poolStats();
            System.out.println("idle kill, 50 ms: " + s);
            assertThat(s.opened()).isEqualTo(21);
            assertThat(s.closed()).isEqualTo(20);
            assertThat(s.closed(Reason.PEER_CLOSED) + s.closed(Reason.NOT_REUSABLE)).isEqualTo(20);
        }
    }

    /** The server's id of the connection the command runs on. */
    private static long clientId(RedisClient c) {
        return (Long) c.send(Command.text("CLIENT", "ID"));
    }

    @Test
    void aKillRightBeforeTheNextReadCostsNoRead() {
        String name = RedisAdmin.uniqueName("tether-test-idle-now");
        String key = name + ":k";
        try (RedisClient c = RedisClient.create(TestRedis.config(name).build())) {
            c.set(key, "v");
            for (int round = 0; round < 20; round++) {
                admin.kill(name);
                // No wait at all: the watcher, the lease-time check or the one retry of a read covers it.
                assertThat(c.get(key)).isEqualTo("v");
            }
        } finally {
            admin.client().del(key);
        }
    }

    /** INCR every 1 ms while every connection of the client is killed every 100 ms, 3,000 INCR. */
    @Test
    void churnAppliesNothingTwiceAndSaysWhatMayHaveBeenApplied() throws Exception {
        String name = RedisAdmin.uniqueName("tether-test-churn");
        String key = name + ":counter";
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger maybeApplied = new AtomicInteger();
        AtomicInteger notApplied = new AtomicInteger();
        AtomicReference<Throwable> other = new AtomicReference<>();
        try (RedisClient c = RedisClient.create(TestRedis.config(name).build())) {
            churn(name, 3000, () -> {
                try {
                    c.incr(key);
                    acknowledged.incrementAndGet();
                } catch (RedisConnectionException e) {
                    if (e.mayHaveBeenApplied()) {
                        assertThat(e.getMessage()).contains("may have been applied").contains("INCR is not safe to repeat");
                        maybeApplied.incrementAndGet();
                    } else {
                        notApplied.incrementAndGet();
                    }
                } catch (Throwable t) {
                    other.compareAndSet(null, t);
                }
            });
            assertThat(other.get()).isNull();
            long counter = admin.counter(key);
            System.out.printf("churn INCR: %d acknowledged, %d may have been applied, %d not applied, counter %d, pool %s%n",
                    acknowledged.get(), maybeApplied.get(), notApplied.get(), counter, c.poolStats());
            // Every acknowledged INCR was applied once; a failed one at most once, and only if it said so.
            assertThat(acknowledged.get() + maybeApplied.get() + notApplied.get()).isEqualTo(3000);
            assertThat(counter).isBetween((long) acknowledged.get(), (long) acknowledged.get() + maybeApplied.get());
            assertThat(c.poolStats().closed()).as("connections were killed").isPositive();
        } finally {
            admin.client().del(key);
        }
    }

    @Test
    void churnCostsNoRead() throws Exception {
        String name = RedisAdmin.uniqueName("tether-test-churn-get");
        String key = name + ":k";
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> first = new AtomicReference<>();
        try (RedisClient c = RedisClient.create(TestRedis.config(name).build())) {
            c.set(key, "v");
            churn(name, 3000, () -> {
                try {
                    if (!"v".equals(c.get(key))) {
                        failures.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.incrementAndGet();
                    first.compareAndSet(null, t);
                }
            });
            System.out.printf("churn GET: %d failed, pool %s%n", failures.get(), c.poolStats());
            assertThat(first.get()).isNull();
            assertThat(failures.get()).isZero();
        } finally {
            admin.client().del(key);
        }
    }

    /** Runs {@code command} {@code times} times, 1 ms apart, while killing the connections named {@code name} every 100 ms. */
    private static void churn(String name, int times, Runnable command) throws InterruptedException {
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(times);
        try (RedisAdmin killing = RedisAdmin.machine()) {
            pace.scheduleAtFixedRate(() -> {
                if (done.getCount() > 0) {
                    command.run();
                    done.countDown();
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            killer.scheduleAtFixedRate(() -> killing.kill(name), 100, 100, TimeUnit.MILLISECONDS);
            assertThat(done.await(120, TimeUnit.SECONDS)).as("every command ran").isTrue();
        } finally {
            pace.shutdownNow();
            killer.shutdownNow();
            pace.awaitTermination(10, TimeUnit.SECONDS);
            killer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Under RESP2 (a connection that only subscribes) and RESP3 (HELLO 3: messages are pushes), the
     * subscriber's connection is killed three times; each time it is subscribed again, on a new
     * connection that speaks the same protocol, and receives the messages published after.
     */
    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aSubscriberWhoseConnectionIsKilledIsSubscribedAgain(Protocol protocol) throws Exception {
        String name = RedisAdmin.uniqueName("tether-test-sub-" + protocol.name().toLowerCase(java.util.Locale.ROOT));
        String channel = name + ":ch";
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        AtomicInteger disconnected = new AtomicInteger();
        AtomicInteger resubscribed = new AtomicInteger();
        MessageListener listener = new MessageListener() {
            @Override
            public void message(String ch, byte[] message) {
                messages.add(ch + "=" + new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void message(String pattern, String ch, byte[] message) {
                messages.add(pattern + ":" + ch + "=" + new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(RedisConnectionException cause) {
                assertThat(cause.getMessage()).contains("messages published until it is subscribed again are lost");
                disconnected.incrementAndGet();
            }

            @Override
            public void resubscribed(java.util.Set<String> channels, java.util.Set<String> patterns) {
                resubscribed.incrementAndGet();
            }
        };
        try (RedisClient c = RedisClient.create(TestRedis.config(name).protocol(protocol).build());
             Subscription sub = c.subscribe(listener, channel)) {
            sub.psubscribe(name + ":p*");
            assertThat(protocolsSpoken(name)).allMatch(protocol::equals);
            assertThat(c.publish(channel, "one")).isEqualTo(1);
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(channel + "=one");
            for (int round = 1; round <= 3; round++) {
                assertThat(admin.kill(name)).isPositive();
                int r = round;
                await().atMost(Duration.ofSeconds(10)).until(() -> resubscribed.get() == r && sub.isSubscribed());
                assertThat(protocolsSpoken(name)).as("the new connection's protocol").allMatch(protocol::equals);
                c.publish(channel, "after-" + round);
                assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(channel + "=after-" + round);
                c.publish(name + ":pat", "p" + round);
                assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(name + ":p*:" + name + ":pat=p" + round);
            }
            assertThat(disconnected.get()).isEqualTo(3);
            assertThat(sub.reconnects()).isEqualTo(3);
            assertThat(sub.channels()).containsExactly(channel);
            sub.unsubscribe(channel);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.publish(channel, "gone") == 0);
        }
        assertThat(admin.idsNamed(name)).as("closing the client closed the subscriber's connection").isEmpty();
        assertThat(List.of(messages.toArray())).isEmpty();
    }

    /**
     * The protocol of each connection named {@code name} (the subscriber's, and the pool's for
     * PUBLISH), as the server reports it in CLIENT LIST's {@code resp=}; Redis before 7 does not
     * report it, and then the list is empty.
     */
    private static List<Protocol> protocolsSpoken(String name) {
        List<Protocol> spoken = new ArrayList<>();
        for (String line : admin.client().send(Command.text("CLIENT", "LIST")).toString().split("\n")) {
            List<String> fields = List.of(line.trim().split(" "));
            if (fields.contains("name=" + name) && fields.contains("resp=3")) {
                spoken.add(Protocol.RESP3);
            } else if (fields.contains("name=" + name) && fields.contains("resp=2")) {
                spoken.add(Protocol.RESP2);
            }
        }
        return spoken;
    }
}
