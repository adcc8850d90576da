package dev.tether.pool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The pool's semantics on a fake ticker: every expiry, limit, waiter rule, leak report and close. */
class PoolTest {
    private final FakeTicker ticker = new FakeTicker();
    private final TestConnector connector = new TestConnector();
    private final RecordingListener listener = new RecordingListener();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (connector.openGate != null) {
            connector.openGate.countDown();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static PoolConfig.Builder base() {
        return PoolConfig.builder().name("orders").maxPerKey(2).maxTotal(10)
                .acquireTimeout(ofSeconds(2)).idleTimeout(ofSeconds(10))
                .maxLifetime(ofSeconds(100)).lifetimeJitter(Duration.ZERO);
    }

    private Pool<FakeConnection> pool(UnaryOperator<PoolConfig.Builder> cfg) {
        Pool<FakeConnection> p = Pool.builder("db:5432", connector).config(cfg.apply(base()).build())
                .ticker(ticker).listener(listener).housekeeping(Housekeeping.manual())
                .backgroundExecutor(Runnable::run).random(new Random(7)).build();
        toClose.add(p);
        return p;
    }

    private KeyedPool<String, FakeConnection> keyed(UnaryOperator<PoolConfig.Builder> cfg) {
        KeyedPool<String, FakeConnection> p = KeyedPool.builder(connector).config(cfg.apply(base()).build())
                .ticker(ticker).listener(listener).housekeeping(Housekeeping.manual())
                .backgroundExecutor(Runnable::run).random(new Random(7)).build();
        toClose.add(p);
        return p;
    }

    private void awaitWaiting(Pool<?> p, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().waiting() == n);
    }

    // ---- reuse ---------------------------------------------------------------------------------

    @Test
    void reusesAReturnedConnectionAndCountsIt() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection first;
        try (Lease<FakeConnection> l = p.acquire()) {
            first = l.get();
            assertThat(l.useCount()).isEqualTo(1);
        }
        assertThat(first.watched).as("idle connections are handed to the connector's watcher").isTrue();
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isSameAs(first);
            assertThat(l.useCount()).isEqualTo(2);
            assertThat(first.watched).isFalse();
        }
        PoolStats s = p.stats();
        assertThat(s.opened()).isEqualTo(1);
        assertThat(s.idle()).isEqualTo(1);
        assertThat(s.leased()).isZero();
        assertThat(listener.events).containsExactly("opened conn#1(db:5432)", "acquired conn#1(db:5432)",
                "released conn#1(db:5432)", "acquired conn#1(db:5432)", "released conn#1(db:5432)");
    }

    @Test
    void connectorCallsComeInContractOrder() {
        Pool<FakeConnection> p = pool(b -> b);
        connector.recordCalls = true;
        p.acquire().close();
        ticker.advance(ofMillis(5));
        p.acquire().close();
        p.close();
        assertThat(connector.calls).containsExactly("open conn#1(db:5432)", "idle conn#1(db:5432)",
                "lease conn#1(db:5432)", "check conn#1(db:5432)", "idle conn#1(db:5432)",
                "close conn#1(db:5432) POOL_CLOSED");
        assertThat(connector.opened.get(0).lastIdleNanos).isEqualTo(ofMillis(5).toNanos());
    }

    @Test
    void idleConnectionsAreReusedLastInFirstOut() {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(3));
        Lease<FakeConnection> a = p.acquire(), b = p.acquire(), c = p.acquire();
        FakeConnection cb = b.get(), cc = c.get();
        a.close();
        ticker.advance(ofMillis(1));
        c.close();
        ticker.advance(ofMillis(1));
        b.close();
        try (Lease<FakeConnection> l1 = p.acquire(); Lease<FakeConnection> l2 = p.acquire()) {
            assertThat(l1.get()).isSameAs(cb);
            assertThat(l2.get()).isSameAs(cc);
        }
    }

    @Test
    void surplusAgesOutBecauseOnlyTheMostRecentIsReused() {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(3));
        List<Lease<FakeConnection>> three = List.of(p.acquire(), p.acquire(), p.acquire());
        three.forEach(Lease::close);
        for (int i = 0; i < 11; i++) { // one request a second: one connection carries them all
            ticker.advance(ofSeconds(1));
            p.acquire().close();
            p.maintain(ticker.now());
        }
        assertThat(p.stats().idle()).isEqualTo(1);
        assertThat(p.stats().closed(Reason.IDLE_EXPIRED)).isEqualTo(2);
    }

    // ---- expiry --------------------------------------------------------------------------------

    @Test
    void idleTimeoutClosesInHousekeepingAndNextMaintenanceTimeIsExact() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
        }
        long returnedAt = ticker.now();
        assertThat(p.maintain(ticker.now())).isEqualTo(returnedAt + ofSeconds(10).toNanos());
        ticker.advance(ofSeconds(10).minusNanos(1));
        p.maintain(ticker.now());
        assertThat(c.isClosed()).as("at 10 s - 1 ns nothing expires").isFalse();
        ticker.advanceNanos(1);
        assertThat(p.maintain(ticker.now())).isEqualTo(Long.MAX_VALUE);
        assertThat(c.closeReason).isEqualTo(Reason.IDLE_EXPIRED);
        assertThat(p.stats().closed(Reason.IDLE_EXPIRED)).isEqualTo(1);
    }

    @Test
    void anExpiredIdleConnectionIsNeverHandedOutEvenBeforeHousekeepingRuns() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection old;
        try (Lease<FakeConnection> l = p.acquire()) {
            old = l.get();
        }
        ticker.advance(ofSeconds(11));
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isNotSameAs(old);
        }
        assertThat(old.closeReason).isEqualTo(Reason.IDLE_EXPIRED);
    }

    @Test
    void lifetimeNeverClosesALeasedConnectionUnderItsUser() {
        Pool<FakeConnection> p = pool(b -> b.idleTimeout(Duration.ZERO));
        Lease<FakeConnection> l = p.acquire();
        FakeConnection c = l.get();
        ticker.advance(ofSeconds(150));
        p.maintain(ticker.now());
        assertThat(c.isClosed()).isFalse();
        assertThat(l.get()).isSameAs(c);
        l.close();
        assertThat(c.closeReason).isEqualTo(Reason.LIFETIME_EXPIRED);
        assertThat(p.stats().total()).isZero();
    }

    @Test
    void lifetimeExpiresIdleConnections() {
        Pool<FakeConnection> p = pool(b -> b.idleTimeout(Duration.ZERO));
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
        }
        assertThat(p.maintain(ticker.now())).isEqualTo(ticker.now() + ofSeconds(100).toNanos());
        ticker.advance(ofSeconds(100));
        p.maintain(ticker.now());
        assertThat(c.closeReason).isEqualTo(Reason.LIFETIME_EXPIRED);
    }

    @Test
    void lifetimeJitterSpreadsExpiryBelowTheMaximum() {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(10).idleTimeout(Duration.ZERO)
                .maxLifetime(ofSeconds(100)).lifetimeJitter(ofSeconds(20)));
        List<Lease<FakeConnection>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(p.acquire());
        }
        all.forEach(Lease::close);
        ticker.advance(ofSeconds(80).minusNanos(1));
        p.maintain(ticker.now());
        assertThat(connector.liveCount()).as("nothing dies before max - jitter").isEqualTo(10);
        ticker.advance(ofSeconds(10));
        p.maintain(ticker.now());
        long afterNinety = connector.liveCount();
        ticker.advance(ofSeconds(10));
        p.maintain(ticker.now());
        assertThat(connector.liveCount()).as("everything is gone at max").isZero();
        assertThat(afterNinety).as("expiry is spread, not one burst").isBetween(1L, 9L);
    }

    /** A ticker's origin is arbitrary: below zero, "no deadline" must not read as passed; near the top, times wrap. */
    @ParameterizedTest(name = "ticker origin {0}")
    @ValueSource(longs = {Long.MIN_VALUE + 1, -3_600_000_000_000L, Long.MAX_VALUE - 50_000_000_000L})
    @Timeout(10) // a "no deadline" read as passed made acquire open and close connections in a loop
    void expiryIsRightWhereverTheTickerStarts(long origin) {
        FakeTicker t = new FakeTicker(origin);
        Pool<FakeConnection> p = Pool.builder("db:5432", connector).config(base().build()).ticker(t)
                .housekeeping(Housekeeping.manual()).backgroundExecutor(Runnable::run).build();
        toClose.add(p);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
        }
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).as("no deadline and a lifetime 100 s away: reusable").isSameAs(c);
        }
        long returnedAt = t.now();
        assertThat(p.maintain(t.now())).as("the idle timeout, not the lifetime, comes first")
                .isEqualTo(returnedAt + ofSeconds(10).toNanos());
        t.advance(ofSeconds(10).minusNanos(1));
        p.maintain(t.now());
        assertThat(c.isClosed()).isFalse();
        t.advanceNanos(1);
        assertThat(p.maintain(t.now())).isEqualTo(Long.MAX_VALUE);
        assertThat(c.closeReason).isEqualTo(Reason.IDLE_EXPIRED);
    }

    @Test
    void protocolDeadlineClosesAtTheDeadlineWhileIdle() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
            l.deadlineAt(ticker.now() + ofSeconds(5).toNanos()); // e.g. Keep-Alive: timeout=5
        }
        assertThat(p.maintain(ticker.now())).isEqualTo(ticker.now() + ofSeconds(5).toNanos());
        ticker.advance(ofSeconds(5));
        p.maintain(ticker.now());
        assertThat(c.closeReason).isEqualTo(Reason.DEADLINE);
    }

    @Test
    void protocolDeadlinePassedWhileLeasedClosesOnReturn() {
        Pool<FakeConnection> p = pool(b -> b);
        Lease<FakeConnection> l = p.acquire();
        l.deadlineAt(ticker.now() + ofSeconds(1).toNanos());
        ticker.advance(ofSeconds(2));
        FakeConnection c = l.get();
        l.close();
        assertThat(c.closeReason).isEqualTo(Reason.DEADLINE);
    }

    @Test
    void aClearedDeadlineNoLongerClosesTheConnection() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
            l.deadlineAt(ticker.now() + ofSeconds(1).toNanos()); // the first response asks for 1 s
        }
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isSameAs(c);
            l.clearDeadline(); // the next one no longer does
        }
        assertThat(p.maintain(ticker.now())).as("only the idle timeout is left")
                .isEqualTo(ticker.now() + ofSeconds(10).toNanos());
        ticker.advance(ofSeconds(2));
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isSameAs(c);
            l.deadlineAt(Long.MAX_VALUE); // the pool's spelling of no deadline, the same as clearing it
        }
        ticker.advance(ofSeconds(2));
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isSameAs(c);
        }
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    void failedReuseCheckClosesAndOpensAnother() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection first;
        try (Lease<FakeConnection> l = p.acquire()) {
            first = l.get();
        }
        first.reusable = false;
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isNotSameAs(first);
        }
        assertThat(first.closeReason).isEqualTo(Reason.NOT_REUSABLE);
    }

    @Test
    void theWatcherExpiresAnIdleConnectionAtOnce() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
        }
        assertThat(c.idleHandle.expire(Reason.PEER_CLOSED)).isTrue();
        assertThat(c.closeReason).isEqualTo(Reason.PEER_CLOSED);
        assertThat(p.stats().total()).isZero();
        assertThat(c.idleHandle.expire(Reason.PEER_CLOSED)).as("already gone").isFalse();
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isNotSameAs(c);
        }
    }

    @Test
    void retiringClosesWithTheCallersReason() {
        Pool<FakeConnection> p = pool(b -> b);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
            l.retire();
        } // the implicit close() after retire() is a no-op
        assertThat(c.closeReason).isEqualTo(Reason.BROKEN);
        assertThat(c.closes.get()).isEqualTo(1);
        assertThat(p.stats().closed(Reason.BROKEN)).isEqualTo(1);
    }

    // ---- limits and waiting --------------------------------------------------------------------

    @Test
    void timeoutMessageCarriesNameKeyWaitAndCounts() {
        Pool<FakeConnection> p = pool(b -> b);
        p.acquire();
        p.acquire();
        assertThatThrownBy(() -> p.acquire(Duration.ZERO))
                .isInstanceOf(PoolTimeoutException.class)
                .hasMessage("pool \"orders\" timed out after 0 ms waiting for a connection to db:5432 "
                        + "(max 2, leased 2, idle 0, opening 0, waiting 0)")
                .hasNoCause();
        assertThat(listener.count("timedOut")).isEqualTo(1);
    }

    @Test
    void aWaiterNeverWaitsPastItsDeadline() throws Exception {
        Pool<FakeConnection> p = pool(b -> b);
        p.acquire();
        p.acquire();
        Future<Lease<FakeConnection>> waiter = threads.submit(() -> p.acquire(ofSeconds(2)));
        awaitWaiting(p, 1);
        ticker.advance(ofSeconds(2));
        p.maintain(ticker.now());
        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PoolTimeoutException.class)
                .hasMessageContaining("timed out after 2000 ms waiting for a connection to db:5432 (max 2, leased 2");
        assertThat(p.stats().waiting()).isZero();
        assertThat(listener.count("waiting")).isEqualTo(1);
        assertThat(listener.count("timedOut")).isEqualTo(1);
    }

    @Test
    void waitersAreServedFirstComeFirstServed() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(1));
        Lease<FakeConnection> held = p.acquire();
        List<Future<String>> order = new ArrayList<>();
        List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "w" + i;
            order.add(threads.submit(() -> {
                try (Lease<FakeConnection> l = p.acquire(ofSeconds(30))) {
                    served.add(name);
                }
                return name;
            }));
            awaitWaiting(p, i + 1);
        }
        held.close();
        for (Future<String> f : order) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(served).containsExactly("w0", "w1", "w2");
        assertThat(connector.opened).hasSize(1);
    }

    @Test
    void aNewcomerDoesNotOvertakeQueuedWaiters() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(1));
        Lease<FakeConnection> held = p.acquire();
        CountDownLatch got = new CountDownLatch(1);
        Future<?> first = threads.submit(() -> {
            try (Lease<FakeConnection> l = p.acquire(ofSeconds(30))) {
                got.countDown();
                assertThat(l.get()).isNotNull();
            }
        });
        awaitWaiting(p, 1);
        held.close(); // goes to the waiter, never to the idle set
        assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
        first.get(10, TimeUnit.SECONDS);
        assertThat(listener.events).doesNotContain("idle");
    }

    @Test
    void maxWaitersRefusesTheNextCallerAtOnce() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(1).maxWaiters(1));
        Lease<FakeConnection> held = p.acquire();
        Future<Lease<FakeConnection>> waiter = threads.submit(() -> p.acquire(ofSeconds(30)));
        awaitWaiting(p, 1);
        assertThatThrownBy(() -> p.acquire(ofSeconds(30)))
                .isInstanceOf(PoolRejectedException.class)
                .hasMessage("pool \"orders\" refused a request for a connection to db:5432: 1 callers are already "
                        + "waiting (maxWaiters 1; leased 1, idle 0, opening 0); raise maxPerKey or maxWaiters, or shed load earlier");
        held.close();
        waiter.get(10, TimeUnit.SECONDS).close();
    }

    @Test
    void totalLimitEvictsTheLeastRecentlyUsedIdleConnectionOfAnotherKey() {
        KeyedPool<String, FakeConnection> p = keyed(b -> b.maxPerKey(2).maxTotal(3));
        Lease<FakeConnection> a1 = p.acquire("a"), a2 = p.acquire("a"), b1 = p.acquire("b");
        FakeConnection ca1 = a1.get(), ca2 = a2.get(), cb1 = b1.get();
        a2.close();
        ticker.advance(ofMillis(1));
        b1.close();
        ticker.advance(ofMillis(1));
        a1.close();
        try (Lease<FakeConnection> c = p.acquire("c")) {
            assertThat(c.get().key).isEqualTo("c");
        }
        assertThat(ca2.closeReason).as("least recently used, key a").isEqualTo(Reason.EVICTED);
        assertThat(ca1.isClosed()).isFalse();
        assertThat(cb1.isClosed()).isFalse();
        PoolStats s = p.stats();
        assertThat(s.total()).isEqualTo(3);
        assertThat(s.forKey("a").closed(Reason.EVICTED)).isEqualTo(1);
        assertThat(s.perKey()).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void aWaiterHeldBackOnlyByTheTotalGetsRoomWhenAnotherKeyReturns() throws Exception {
        KeyedPool<String, FakeConnection> p = keyed(b -> b.maxPerKey(2).maxTotal(2));
        Lease<FakeConnection> a1 = p.acquire("a"), a2 = p.acquire("a");
        Future<Lease<FakeConnection>> waiter = threads.submit(() -> p.acquire("b", ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().forKey("b").waiting() == 1);
        FakeConnection ca1 = a1.get();
        a1.close(); // key a has no waiter; key b's waiter only lacks room in the total
        try (Lease<FakeConnection> b = waiter.get(10, TimeUnit.SECONDS)) {
            assertThat(b.get().key).isEqualTo("b");
        }
        assertThat(ca1.closeReason).isEqualTo(Reason.EVICTED);
        a2.close();
    }

    @Test
    void aKeyUnusedForAnIdleTimeoutIsDroppedButItsCountsStayInTheTotals() {
        KeyedPool<String, FakeConnection> p = keyed(b -> b);
        p.acquire("a").retire();
        p.acquire("b").close();
        assertThat(p.maintain(ticker.now())).as("housekeeping comes back for it").isNotEqualTo(Long.MAX_VALUE);
        ticker.advance(ofSeconds(10)); // b's idle connection expires now, a has been empty since the first maintain
        p.maintain(ticker.now());
        assertThat(p.stats().perKey()).containsOnlyKeys("b");
        ticker.advance(ofSeconds(10));
        p.maintain(ticker.now());
        PoolStats s = p.stats();
        assertThat(s.perKey()).isEmpty();
        assertThat(s.opened()).isEqualTo(2);
        assertThat(s.closed(Reason.BROKEN)).isEqualTo(1);
        assertThat(s.closed(Reason.IDLE_EXPIRED)).isEqualTo(1);
        try (Lease<FakeConnection> again = p.acquire("a")) { // a fresh sub-pool for the key
            assertThat(again.get().key).isEqualTo("a");
        }
        assertThat(p.stats().opened()).isEqualTo(3);
        assertThat(p.stats().forKey("a").opened()).isEqualTo(1);
    }

    @Test
    void aKeyUsedBetweenHousekeepingPassesIsNeverDropped() {
        // A route served now and then on connections that do not stay (each one closed after its
        // use): empty at every pass, but used in between. Counts must not restart.
        KeyedPool<String, FakeConnection> p = keyed(b -> b);
        for (int i = 0; i < 10; i++) {
            p.maintain(ticker.now());
            ticker.advance(ofSeconds(8)); // the idle timeout is 10 s: two passes cover more than that
            p.acquire("a").retire();
        }
        p.maintain(ticker.now());
        assertThat(p.stats().forKey("a").opened()).as("one sub-pool all along").isEqualTo(10);
        ticker.advance(ofSeconds(11));
        p.maintain(ticker.now());
        assertThat(p.stats().perKey()).as("unused since the last pass, for an idle timeout").doesNotContainKey("a");
    }

    @Test
    void aPoolsOwnKeyIsNeverDropped() {
        Pool<FakeConnection> p = pool(b -> b);
        p.acquire().retire();
        for (int i = 0; i < 3; i++) {
            p.maintain(ticker.now());
            ticker.advance(ofSeconds(20));
        }
        try (Lease<FakeConnection> l = p.acquire()) {
            assertThat(l.get()).isNotNull();
        }
        assertThat(p.stats().opened()).isEqualTo(2);
        assertThat(listener.count("forgotten")).isZero();
    }

    @Test
    void theListenerHearsThatAKeyWasForgottenOnceAfterTheDropOutsideTheLock() throws Exception {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<KeyedPool<String, FakeConnection>> pool = new AtomicReference<>();
        KeyedPool<String, FakeConnection> p = KeyedPool.builder(connector).config(base().build()).ticker(ticker)
                .housekeeping(Housekeeping.manual()).backgroundExecutor(Runnable::run)
                .listener(new PoolListener<>() {
                    @Override
                    public void forgotten(String key) {
                        // Another thread takes the pool's lock: this returns only if we do not hold it.
                        Future<Boolean> known = threads.submit(() -> pool.get().stats().perKey().containsKey(key));
                        try {
                            heard.add(key + (known.get(10, TimeUnit.SECONDS) ? " still known" : " gone"));
                        } catch (Exception e) {
                            heard.add(key + " heard under the lock: " + e);
                        }
                    }
                }).build();
        pool.set(p);
        toClose.add(p);
        p.acquire("a").retire();
        p.acquire("b").close();
        p.maintain(ticker.now()); // a is unused from now on; b holds an idle connection
        ticker.advance(ofSeconds(10).minusNanos(1));
        p.maintain(ticker.now());
        assertThat(heard).isEmpty();
        ticker.advanceNanos(1); // b's connection expires now: b is unused from now on
        p.maintain(ticker.now());
        assertThat(heard).containsExactly("a gone");
        ticker.advance(ofSeconds(10));
        p.maintain(ticker.now());
        p.maintain(ticker.now());
        assertThat(heard).containsExactly("a gone", "b gone");
        p.acquire("a").close(); // a fresh start, and a fresh drop later
        assertThat(p.stats().perKey()).containsOnlyKeys("a");
    }

    @Test
    void opensRunOutsideTheLockAndAreBoundedPerKey() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(5).maxOpensPerKey(2));
        connector.openGate = new CountDownLatch(1);
        List<Future<Lease<FakeConnection>>> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leases.add(threads.submit(() -> p.acquire(ofSeconds(30))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().opening() == 2 && p.stats().waiting() == 2);
        // stats() takes the pool's lock: it answers while two opens are blocked, so they do not hold it.
        assertThat(connector.openingNow.get()).isEqualTo(2);
        connector.openGate.countDown();
        List<Lease<FakeConnection>> got = new ArrayList<>();
        for (Future<Lease<FakeConnection>> f : leases) {
            got.add(f.get(10, TimeUnit.SECONDS));
        }
        got.forEach(Lease::close);
        assertThat(connector.maxOpeningSeen.get()).isEqualTo(2);
        assertThat(p.stats().opened()).isEqualTo(4);
    }

    // ---- open failures -------------------------------------------------------------------------

    @Test
    void anOpenFailureReachesTheCallerWithTheConnectorsCause() {
        Pool<FakeConnection> p = pool(b -> b);
        ConnectException refused = new ConnectException("Connection refused");
        connector.failNextOpen(refused);
        assertThatThrownBy(p::acquire)
                .isInstanceOf(PoolOpenException.class)
                .hasMessage("pool \"orders\" could not open a connection to db:5432: java.net.ConnectException: Connection refused")
                .hasCause(refused);
        assertThat(p.stats().total()).isZero();
        assertThat(listener.count("openFailed")).isEqualTo(1);
    }

    @Test
    void afterAFailureOpensBackOffInsteadOfLoopingAndTheWaiterLearnsWhy() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.openBackoff(Backoff.exponential(ofSeconds(1), ofSeconds(8))));
        IOException down = new IOException("server down");
        connector.failNextOpen(down);
        assertThatThrownBy(p::acquire).hasCause(down);
        // Within the backoff nothing is opened: the caller waits for its deadline and hears the cause.
        assertThatThrownBy(() -> p.acquire(Duration.ZERO))
                .isInstanceOf(PoolTimeoutException.class)
                .hasMessageContaining("the last attempt to open one failed: java.io.IOException: server down")
                .hasCause(down);
        assertThat(connector.openAttempts.get()).isEqualTo(1);
        // A waiter queued during the backoff gets its turn to open when it ends.
        Future<Lease<FakeConnection>> waiter = threads.submit(() -> p.acquire(ofSeconds(30)));
        awaitWaiting(p, 1);
        assertThat(connector.openAttempts.get()).isEqualTo(1);
        long next = p.maintain(ticker.now());
        assertThat(next - ticker.now()).isBetween(ofMillis(800).toNanos(), ofMillis(1200).toNanos());
        ticker.advanceNanos(next - ticker.now());
        p.maintain(ticker.now());
        waiter.get(10, TimeUnit.SECONDS).close();
        assertThat(connector.openAttempts.get()).isEqualTo(2);
    }

    /**
     * A waiter whose deadline is the very end of the backoff: its turn to open comes with no time
     * left. It hears the timeout with the last open failure (what a user needs), not an open tried
     * in 0 ms, and nothing is opened for it.
     */
    @Test
    void aTurnToOpenThatComesAtTheWaitersDeadlineEndsInTheTimeoutWithTheLastFailure() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.openBackoff(Backoff.exponential(ofSeconds(1), ofSeconds(8))));
        IOException down = new IOException("server down");
        connector.failNextOpen(down);
        assertThatThrownBy(p::acquire).hasCause(down);
        long end = p.maintain(ticker.now());
        Future<Lease<FakeConnection>> waiter = threads.submit(() -> p.acquire(Duration.ofNanos(end - ticker.now())));
        awaitWaiting(p, 1);
        ticker.advanceNanos(end - ticker.now());
        p.maintain(ticker.now());
        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(PoolTimeoutException.class)
                .hasMessageContaining("the last attempt to open one failed: java.io.IOException: server down");
        assertThat(connector.openAttempts.get()).isEqualTo(1);
        assertThat(p.stats().opening()).isZero();
        assertThat(p.stats().waiting()).isZero();
        // The slot was given back: the next caller opens.
        p.acquire(Duration.ZERO).close();
        assertThat(connector.openAttempts.get()).isEqualTo(2);
    }

    @Test
    void backoffDoublesUpToItsMaximumAndResetsOnSuccess() {
        Pool<FakeConnection> p = pool(b -> b.openBackoff(Backoff.exponential(ofSeconds(1), ofSeconds(3))));
        connector.failNextOpen(new IOException("down"));
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolOpenException.class);
        assertBackoffStep(p, 1, true);
        assertBackoffStep(p, 2, true);
        assertBackoffStep(p, 3, true);   // 4 s, capped at 3
        assertBackoffStep(p, 3, false);  // and this attempt succeeds
        connector.failNextOpen(new IOException("down"));
        p.acquire(Duration.ZERO).retire(); // the idle one goes, so the next acquire must open
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolOpenException.class);
        assertBackoffStep(p, 1, true);   // reset by the success
        assertThat(connector.openAttempts.get()).as("one attempt per backoff step, never a hot loop").isEqualTo(7);
    }

    /** Probes every 50 ms until the pool tries to open again; checks the wait was the step +-20 %. */
    private void assertBackoffStep(Pool<FakeConnection> p, long seconds, boolean nextFails) {
        int attempts = connector.openAttempts.get();
        long start = ticker.now();
        if (nextFails) {
            connector.failNextOpen(new IOException("down"));
        }
        while (connector.openAttempts.get() == attempts) {
            ticker.advance(ofMillis(50));
            try {
                p.acquire(Duration.ZERO).close();
            } catch (PoolTimeoutException backingOff) {
                assertThat(backingOff).hasMessageContaining("java.io.IOException: down");
            } catch (PoolOpenException failedAgain) {
                assertThat(nextFails).isTrue();
            }
        }
        long waited = ticker.now() - start;
        assertThat(waited).as("backoff step of %d s with +-20 %% jitter", seconds)
                .isBetween(ofSeconds(seconds).toNanos() * 8 / 10, ofSeconds(seconds).toNanos() * 12 / 10 + ofMillis(50).toNanos());
    }

    @Test
    void aCallersBackoffDecidesTheWaitFromTheFailuresInARow() {
        List<Integer> asked = new ArrayList<>();
        Pool<FakeConnection> p = pool(b -> b.openBackoff((failures, random) -> {
            asked.add(failures);
            return ofSeconds(3L * failures);
        }));
        connector.failNextOpen(new IOException("down"));
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolOpenException.class);
        assertThat(p.maintain(ticker.now())).as("nothing wants an open: no retry scheduled").isEqualTo(Long.MAX_VALUE);
        ticker.advance(ofSeconds(3).minusNanos(1));
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolTimeoutException.class);
        ticker.advanceNanos(1);
        connector.failNextOpen(new IOException("still down"));
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolOpenException.class);
        ticker.advance(ofSeconds(6).minusNanos(1));
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolTimeoutException.class);
        ticker.advanceNanos(1);
        p.acquire(Duration.ZERO).close();
        assertThat(asked).containsExactly(1, 2);
        assertThat(connector.openAttempts.get()).isEqualTo(3);
    }

    @Test
    void aBackoffThatThrowsDoesNotBreakThePoolTheDefaultWaitApplies() {
        Pool<FakeConnection> p = pool(b -> b.openBackoff((failures, random) -> {
            throw new IllegalStateException("backoff bug");
        }));
        connector.failNextOpen(new IOException("down"));
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolOpenException.class);
        ticker.advance(ofMillis(79)); // the default's first step: 100 ms less up to 20 %
        assertThatThrownBy(() -> p.acquire(Duration.ZERO)).isInstanceOf(PoolTimeoutException.class);
        ticker.advance(ofMillis(42));
        p.acquire(Duration.ZERO).close();
        assertThat(connector.openAttempts.get()).isEqualTo(2);
    }

    // ---- min idle ------------------------------------------------------------------------------

    @Test
    void minIdleIsKeptByBackgroundOpening() {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(5).minIdle(2));
        p.maintain(ticker.now());
        assertThat(p.stats().idle()).isEqualTo(2);
        Lease<FakeConnection> l = p.acquire();
        p.maintain(ticker.now());
        assertThat(p.stats().idle()).isEqualTo(2);
        assertThat(p.stats().leased()).isEqualTo(1);
        l.close();
        ticker.advance(ofSeconds(10));
        p.maintain(ticker.now()); // all three expire, two are opened again
        assertThat(p.stats().idle()).isEqualTo(2);
        assertThat(p.stats().closed(Reason.IDLE_EXPIRED)).isEqualTo(3);
    }

    // ---- leaks ---------------------------------------------------------------------------------

    @Test
    void aLeakIsReportedOnceWithTheAcquiringStackAndAgainWhenItComesBack() {
        Pool<FakeConnection> p = pool(b -> b.leakDetectionThreshold(ofSeconds(5)));
        Lease<FakeConnection> leaked = p.acquire();
        assertThat(p.maintain(ticker.now())).isEqualTo(ticker.now() + ofSeconds(5).toNanos());
        ticker.advance(ofSeconds(6));
        p.maintain(ticker.now());
        p.maintain(ticker.now());
        assertThat(listener.count("leakSuspected")).isEqualTo(1);
        assertThat(listener.leakStacks.get(0).getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("aLeakIsReportedOnceWithTheAcquiringStackAndAgainWhenItComesBack"));
        ticker.advance(ofSeconds(1));
        leaked.close();
        assertThat(listener.events).contains("leakSuspected conn#1(db:5432) 6000ms", "leakReturned conn#1(db:5432) 7000ms");
    }

    // ---- housekeeping on real threads -----------------------------------------------------------

    @Test
    void theSharedHousekeeperExpiresIdleConnectionsByItself() {
        Pool<FakeConnection> p = Pool.builder("db", connector)
                .config(base().idleTimeout(ofMillis(50)).build()).listener(listener).build();
        toClose.add(p);
        FakeConnection c;
        try (Lease<FakeConnection> l = p.acquire()) {
            c = l.get();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> c.closeReason == Reason.IDLE_EXPIRED);
        assertThat(p.stats().total()).isZero();
    }

    @Test
    void aCallersSchedulerRunsHousekeepingAndIsNotShutDownByThePool() {
        java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            Pool<FakeConnection> p = Pool.builder("db", connector)
                    .config(base().maxPerKey(3).minIdle(2).build()).housekeeping(Housekeeping.using(scheduler)).build();
            await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().idle() == 2);
            p.close();
            assertThat(scheduler.isShutdown()).isFalse();
        } finally {
            scheduler.shutdownNow();
        }
    }

    // ---- close and misuse ----------------------------------------------------------------------

    @Test
    void closeClosesIdleNowLeasedOnReturnAndRefusesLaterAcquires() throws Exception {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(2));
        Lease<FakeConnection> kept = p.acquire();
        Lease<FakeConnection> returned = p.acquire();
        FakeConnection idle = returned.get(), leased = kept.get();
        returned.close();
        Future<Lease<FakeConnection>> waiter = threads.submit(() -> {
            Lease<FakeConnection> x = p.acquire(); // takes the idle one
            return p.acquire(ofSeconds(30));       // and waits
        });
        awaitWaiting(p, 1);
        p.close();
        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(PoolClosedException.class);
        assertThat(leased.isClosed()).isFalse();
        kept.close();
        assertThat(leased.closeReason).isEqualTo(Reason.POOL_CLOSED);
        assertThatThrownBy(p::acquire).isInstanceOf(PoolClosedException.class)
                .hasMessage("pool \"orders\" is closed; cannot acquire a connection to db:5432");
        assertThat(idle.isClosed()).as("the idle one went to the waiter, which never returned it").isFalse();
    }

    @Test
    void closeLeavesNoIdleConnection() {
        Pool<FakeConnection> p = pool(b -> b.maxPerKey(3));
        List<Lease<FakeConnection>> l = List.of(p.acquire(), p.acquire(), p.acquire());
        l.forEach(Lease::close);
        p.close();
        assertThat(connector.liveCount()).isZero();
        assertThat(connector.opened).allMatch(c -> c.closeReason == Reason.POOL_CLOSED && c.closes.get() == 1);
        p.close(); // idempotent
    }

    @Test
    void usingOrReturningALeaseAfterItWasReturnedIsAnError() {
        Pool<FakeConnection> p = pool(b -> b);
        Lease<FakeConnection> l = p.acquire();
        l.close();
        assertThatThrownBy(l::get).isInstanceOf(IllegalStateException.class)
                .hasMessage("lease.get() after the lease was returned to pool \"orders\": a lease must not be used after close(); acquire a new one");
        assertThatThrownBy(l::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease.close() after");
        assertThatThrownBy(() -> l.deadlineAt(ticker.now())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lease.deadlineAt() after");
        assertThatThrownBy(l::clearDeadline).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lease.clearDeadline() after");
        assertThat(p.stats().idle()).isEqualTo(1);
    }

    @Test
    void aRecycledLeaseObjectDoesNotAllocateButAnotherThreadsLeaseIsNeverShared() throws Exception {
        Pool<FakeConnection> p = pool(b -> b);
        Lease<FakeConnection> first = p.acquire();
        first.close();
        Lease<FakeConnection> again = p.acquire();
        assertThat(again).as("same thread, returned lease object reused").isSameAs(first);
        Lease<FakeConnection> other = threads.submit(() -> p.acquire()).get(10, TimeUnit.SECONDS);
        assertThat(other).isNotSameAs(again);
        other.close();
        again.close();
    }

    @Test
    void aThrowingListenerDoesNotBreakThePool() {
        Pool<FakeConnection> p = Pool.builder("db", connector).config(base().build()).ticker(ticker)
                .housekeeping(Housekeeping.manual()).backgroundExecutor(Runnable::run)
                .listener(new PoolListener<>() {
                    @Override
                    public void acquired(String key, FakeConnection c, long waited) {
                        throw new IllegalStateException("listener bug");
                    }
                }).build();
        toClose.add(p);
        p.acquire().close();
        assertThat(p.stats().idle()).isEqualTo(1);
    }
}
