package dev.tether.pool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A seeded fuzzer: the same random operations and clock moves drive the pool and a small
 * reference model written from the specification (plain lists, no concurrency), and after every
 * step their answers, counts and close reasons must agree. A failure names its seed and step.
 */
class PoolFuzzTest {
    private static final String[] KEYS = {"a", "b", "c"};
    private static final Duration BACKOFF_FIRST = Duration.ofMillis(100);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(1);
    private static final PoolConfig CONFIG = PoolConfig.builder().name("fuzz").maxPerKey(3).maxTotal(5)
            .acquireTimeout(Duration.ZERO).idleTimeout(Duration.ofSeconds(2))
            .maxLifetime(Duration.ofSeconds(10)).lifetimeJitter(Duration.ofSeconds(2))
            .openBackoff(Backoff.exponential(BACKOFF_FIRST, BACKOFF_MAX))
            .leakDetectionThreshold(Duration.ofSeconds(4)).build();

    @Test
    void poolAgreesWithTheReferenceModel() {
        long base = Long.getLong("tether.fuzz.seed", 20261121L);
        int seeds = Integer.getInteger("tether.fuzz.seeds", 200);
        for (int i = 0; i < seeds; i++) {
            new Run(base + i).go(1_500);
        }
    }

    /** One seeded run: the pool, the model, and the leases held by the "application". */
    static final class Run {
        final long seed;
        final Random ops;
        final FakeTicker ticker = new FakeTicker();
        final TestConnector connector = new TestConnector();
        final RecordingListener listener = new RecordingListener();
        final KeyedPool<String, FakeConnection> pool;
        final Model model;
        final List<Lease<FakeConnection>> held = new ArrayList<>();
        final List<Model.Conn> heldModel = new ArrayList<>();
        int step;
        String lastOp = "";

        Run(long seed) {
            this.seed = seed;
            this.ops = new Random(seed);
            this.pool = KeyedPool.builder(connector).config(CONFIG).ticker(ticker).listener(listener)
                    .housekeeping(Housekeeping.manual()).backgroundExecutor(Runnable::run)
                    .random(new Random(seed * 31)).build();
            this.model = new Model(CONFIG, new Random(seed * 31));
        }

        void go(int steps) {
            for (step = 0; step < steps; step++) {
                ticker.advanceNanos(1); // keeps every return at a distinct instant, so LIFO order is total
                int op = ops.nextInt(1000);
                if (op < 350) {
                    acquire();
                } else if (op < 600) {
                    giveBack(false);
                } else if (op < 650) {
                    giveBack(true);
                } else if (op < 700) {
                    setDeadline();
                } else if (op < 800) {
                    long d = ops.nextInt(4) == 0 ? ops.nextInt(3_000_000) : ops.nextInt(3_000) * 1_000_000L;
                    lastOp = "advance " + d;
                    ticker.advanceNanos(d);
                } else if (op < 880) {
                    lastOp = "maintain";
                    long next = pool.maintain(ticker.now());
                    long expected = model.maintain(ticker.now());
                    check(next == expected, "maintain() next run " + next + ", model " + expected);
                } else if (op < 920) {
                    expireIdle();
                } else if (op < 950) {
                    lastOp = "fail next open";
                    connector.failNextOpen(new IOException("injected " + step));
                    model.failuresQueued++;
                } else if (op < 980) {
                    markNotReusable();
                } else if (op < 982) {
                    lastOp = "close pool";
                    pool.close();
                    model.close();
                }
                compare();
            }
            pool.close();
            model.close();
            while (!held.isEmpty()) {
                giveBack(false);
            }
            compare();
            for (FakeConnection c : connector.opened) {
                check(c.closes.get() == 1, c + " closed " + c.closes.get() + " times");
            }
        }

        void acquire() {
            String key = KEYS[ops.nextInt(KEYS.length)];
            lastOp = "acquire " + key;
            String got;
            Lease<FakeConnection> lease = null;
            try {
                lease = pool.acquire(key, Duration.ZERO);
                got = "conn#" + lease.get().id;
            } catch (PoolException e) {
                got = e.getClass().getSimpleName() + (e.getCause() != null ? " cause" : "");
            }
            Object expected = model.acquire(key, ticker.now());
            String want = expected instanceof Model.Conn ? "conn#" + ((Model.Conn) expected).id : (String) expected;
            check(got.equals(want), "acquire(" + key + ") gave " + got + ", model " + want);
            if (lease != null) {
                held.add(lease);
                heldModel.add((Model.Conn) expected);
            }
        }

        void giveBack(boolean retire) {
            if (held.isEmpty()) {
                return;
            }
            int i = ops.nextInt(held.size());
            Lease<FakeConnection> l = held.remove(i);
            Model.Conn m = heldModel.remove(i);
            lastOp = (retire ? "retire " : "return ") + m.id;
            if (retire) {
                l.retire();
                model.retire(m, ticker.now());
            } else {
                l.close();
                model.release(m, ticker.now());
            }
        }

        void setDeadline() {
            if (held.isEmpty()) {
                return;
            }
            int i = ops.nextInt(held.size());
            long ms = ops.nextInt(3_000);
            lastOp = "deadline " + heldModel.get(i).id + " +" + ms + "ms";
            held.get(i).deadlineAt(ticker.now() + ms * 1_000_000L);
            heldModel.get(i).deadline = ticker.now() + ms * 1_000_000L;
        }

        void expireIdle() {
            List<FakeConnection> idle = new ArrayList<>();
            for (FakeConnection c : connector.opened) {
                if (!c.isClosed() && c.watched) {
                    idle.add(c);
                }
            }
            if (idle.isEmpty()) {
                return;
            }
            FakeConnection c = idle.get(ops.nextInt(idle.size()));
            lastOp = "peer closed " + c.id;
            boolean r = c.idleHandle.expire(Reason.PEER_CLOSED);
            check(r, "expire() of idle " + c + " returned false");
            model.peerClosed(c.id);
        }

        void markNotReusable() {
            List<FakeConnection> live = new ArrayList<>();
            for (FakeConnection c : connector.opened) {
                if (!c.isClosed()) {
                    live.add(c);
                }
            }
            if (live.isEmpty()) {
                return;
            }
            FakeConnection c = live.get(ops.nextInt(live.size()));
            lastOp = "not reusable " + c.id;
            c.reusable = false;
            model.notReusable(c.id);
        }

        void compare() {
            PoolStats s = pool.stats();
            for (String key : KEYS) {
                PoolStats k = s.forKey(key);
                Model.KeyState m = model.keys.get(key);
                int mIdle = m == null ? 0 : m.idleCount();
                int mLeased = m == null ? 0 : m.leasedCount();
                long mOpened = m == null ? 0 : m.opened;
                check(k.idle() == mIdle && k.leased() == mLeased && k.opened() == mOpened,
                        key + ": pool idle/leased/opened " + k.idle() + "/" + k.leased() + "/" + k.opened()
                                + ", model " + mIdle + "/" + mLeased + "/" + mOpened);
                for (Reason r : Reason.values()) {
                    long mClosed = m == null ? 0 : m.closed.getOrDefault(r, 0L);
                    check(k.closed(r) == mClosed, key + ": closed " + r + " pool " + k.closed(r) + ", model " + mClosed);
                }
            }
            for (FakeConnection c : connector.opened) {
                Reason want = model.closedReason.get(c.id);
                check(c.closeReason == want, c + " closed for " + c.closeReason + ", model " + want);
            }
            check(listener.count("leakSuspected") == model.leaksReported,
                    "leak reports " + listener.count("leakSuspected") + ", model " + model.leaksReported);
        }

        void check(boolean ok, String what) {
            if (!ok) {
                fail("seed " + seed + ", step " + step + " (" + lastOp + "): " + what);
            }
        }
    }

    /** The specification as plain code: what the pool must do, single-threaded. */
    static final class Model {
        static final class Conn {
            final int id;
            final String key;
            final long lifetimeEnd;
            long idleSince;
            long deadline = Long.MAX_VALUE;
            boolean leased;
            boolean notReusable;
            int uses;
            long leasedAt;
            boolean leakReported;

            Conn(int id, String key, long openedAt, long lifetimeEnd) {
                this.id = id;
                this.key = key;
                this.idleSince = openedAt;
                this.lifetimeEnd = lifetimeEnd;
            }

            /** Why it may not be used while owned, or null. */
            Reason ownedExpiry(long now) {
                if (now >= lifetimeEnd) {
                    return Reason.LIFETIME_EXPIRED;
                }
                if (now >= deadline) {
                    return Reason.DEADLINE;
                }
                return null;
            }

            Reason idleExpiry(long now, long idleTimeout) {
                Reason r = ownedExpiry(now);
                return r != null ? r : now - idleSince >= idleTimeout ? Reason.IDLE_EXPIRED : null;
            }
        }

        static final class KeyState {
            final List<Conn> conns = new ArrayList<>(); // in the order they were opened
            Conn last; // the connection this (single) thread returned last
            long opened;
            final Map<Reason, Long> closed = new HashMap<>();
            long backoff;
            long backoffUntil;
            boolean failedRecently;
            long emptySince = Long.MIN_VALUE;

            int idleCount() {
                return (int) conns.stream().filter(c -> !c.leased).count();
            }

            int leasedCount() {
                return (int) conns.stream().filter(c -> c.leased).count();
            }
        }

        final PoolConfig cfg;
        final Random random;
        final Map<String, KeyState> keys = new LinkedHashMap<>();
        final Map<Integer, Reason> closedReason = new HashMap<>();
        final Map<Integer, Conn> byId = new HashMap<>();
        int failuresQueued;
        int nextId = 1;
        boolean closed;
        long leaksReported;
        final long idle;
        final long life;
        final long jitter;
        final long leak;

        Model(PoolConfig cfg, Random random) {
            this.cfg = cfg;
            this.random = random;
            this.idle = cfg.idleTimeout().toNanos();
            this.life = cfg.maxLifetime().toNanos();
            this.jitter = cfg.lifetimeJitter().toNanos();
            this.leak = cfg.leakDetectionThreshold().toNanos();
        }

        int total() {
            return keys.values().stream().mapToInt(k -> k.conns.size()).sum();
        }

        void closeConn(Conn c, Reason r) {
            KeyState k = keys.get(c.key);
            k.conns.remove(c);
            k.emptySince = Long.MIN_VALUE; // used just now, whatever housekeeping saw before
            k.closed.merge(r, 1L, Long::sum);
            closedReason.put(c.id, r);
        }

        /** Returns the Conn lent, or the simple name of the exception. */
        Object acquire(String key, long now) {
            if (closed) {
                return "PoolClosedException";
            }
            KeyState k = keys.computeIfAbsent(key, x -> new KeyState());
            // 1. the connection this thread returned last, if it is idle; 2. then the most recent idle one.
            Conn first = k.last != null && k.conns.contains(k.last) && !k.last.leased ? k.last : null;
            while (true) {
                Conn c = first != null ? first : mostRecentIdle(k);
                first = null;
                if (c == null) {
                    break;
                }
                c.leased = true;
                Reason r = c.idleExpiry(now, idle);
                if (r == null && c.uses > 0 && c.notReusable) {
                    r = Reason.NOT_REUSABLE;
                }
                if (r != null) {
                    closeConn(c, r);
                    continue;
                }
                return lend(c, now);
            }
            // 3. open, if the key's limit, the backoff and the total (after evicting another key's
            //    least recently used idle connection) allow it.
            if (k.conns.size() >= cfg.maxPerKey() || (k.backoff > 0 && now < k.backoffUntil)) {
                return "PoolTimeoutException" + (k.failedRecently ? " cause" : "");
            }
            if (total() >= cfg.maxTotal()) {
                Conn victim = null;
                for (KeyState other : keys.values()) {
                    if (other == k) {
                        continue;
                    }
                    for (Conn c : other.conns) {
                        if (!c.leased && (victim == null || c.idleSince < victim.idleSince)) {
                            victim = c;
                        }
                    }
                }
                if (victim == null) {
                    return "PoolTimeoutException" + (k.failedRecently ? " cause" : "");
                }
                closeConn(victim, Reason.EVICTED);
            }
            k.emptySince = Long.MIN_VALUE; // an open starts: the key is in use, whatever comes of it
            if (failuresQueued > 0) {
                failuresQueued--;
                k.backoff = k.backoff == 0 ? BACKOFF_FIRST.toNanos() : Math.min(BACKOFF_MAX.toNanos(), k.backoff * 2);
                long spread = k.backoff / 5;
                long wait = k.backoff - spread + (spread > 0 ? random.nextLong(2 * spread + 1) : 0);
                k.backoffUntil = now + Math.max(1, wait);
                k.failedRecently = true;
                return "PoolOpenException cause";
            }
            long j = jitter > 0 ? random.nextLong(jitter + 1) : 0;
            Conn c = new Conn(nextId++, key, now, now + life - j);
            byId.put(c.id, c);
            k.conns.add(c);
            k.emptySince = Long.MIN_VALUE;
            k.opened++;
            k.backoff = 0;
            k.failedRecently = false;
            c.leased = true;
            return lend(c, now);
        }

        private Conn lend(Conn c, long now) {
            c.uses++;
            c.leasedAt = now;
            c.leakReported = false;
            return c;
        }

        private static Conn mostRecentIdle(KeyState k) {
            Conn best = null;
            for (Conn c : k.conns) {
                if (!c.leased && (best == null || c.idleSince >= best.idleSince)) {
                    best = c;
                }
            }
            return best;
        }

        void release(Conn c, long now) {
            KeyState k = keys.get(c.key);
            k.last = c;
            c.leakReported = false;
            Reason r = closed ? Reason.POOL_CLOSED : c.ownedExpiry(now);
            if (r != null) {
                closeConn(c, r);
                return;
            }
            c.leased = false;
            c.idleSince = now;
        }

        void retire(Conn c, long now) {
            keys.get(c.key).last = c;
            closeConn(c, Reason.BROKEN);
        }

        void peerClosed(int id) {
            closeConn(byId.get(id), Reason.PEER_CLOSED);
        }

        void notReusable(int id) {
            byId.get(id).notReusable = true;
        }

        long maintain(long now) {
            if (closed) {
                return Long.MAX_VALUE;
            }
            long next = Long.MAX_VALUE;
            for (Map.Entry<String, KeyState> ke : new ArrayList<>(keys.entrySet())) {
                KeyState k = ke.getValue();
                for (Conn c : new ArrayList<>(k.conns)) {
                    if (!c.leased) {
                        Reason r = c.idleExpiry(now, idle);
                        if (r != null) {
                            closeConn(c, r);
                        } else {
                            next = Math.min(next, Math.min(c.idleSince + idle, Math.min(c.lifetimeEnd, c.deadline)));
                        }
                    } else if (!c.leakReported) {
                        if (now >= c.leasedAt + leak) {
                            c.leakReported = true;
                            leaksReported++;
                        } else {
                            next = Math.min(next, c.leasedAt + leak);
                        }
                    }
                }
                // A key whose sub-pool stayed empty and unused for an idle timeout is dropped (it
                // starts afresh); a connection opened or closed in between counts as use.
                if (!k.conns.isEmpty()) {
                    k.emptySince = Long.MIN_VALUE;
                } else {
                    if (k.emptySince == Long.MIN_VALUE) {
                        k.emptySince = now;
                    }
                    if (now - k.emptySince >= idle) {
                        keys.remove(ke.getKey());
                    } else {
                        next = Math.min(next, k.emptySince + idle);
                    }
                }
            }
            return next;
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (KeyState k : keys.values()) {
                for (Conn c : new ArrayList<>(k.conns)) {
                    if (!c.leased) {
                        closeConn(c, Reason.POOL_CLOSED);
                    }
                }
            }
        }
    }
}
