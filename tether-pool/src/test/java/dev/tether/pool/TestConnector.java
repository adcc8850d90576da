package dev.tether.pool;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written fake connector that records every call the pool makes. */
final class TestConnector implements Connector<String, FakeConnection> {
    final AtomicInteger ids = new AtomicInteger();
    final AtomicInteger openAttempts = new AtomicInteger();
    final List<FakeConnection> opened = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile CountDownLatch openGate;
    volatile boolean recordCalls;
    final AtomicInteger openingNow = new AtomicInteger();
    final AtomicInteger maxOpeningSeen = new AtomicInteger();

    /** The next open fails with {@code e}. */
    void failNextOpen(Exception e) {
        failures.add(e);
    }

    @Override
    public FakeConnection open(String key, Deadline deadline) throws Exception {
        openAttempts.incrementAndGet();
        int now = openingNow.incrementAndGet();
        maxOpeningSeen.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch gate = openGate;
            if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test open gate never opened");
            }
            Exception f = failures.poll();
            if (f != null) {
                throw f;
            }
            FakeConnection c = new FakeConnection(ids.incrementAndGet(), key);
            opened.add(c);
            record("open " + c);
            return c;
        } finally {
            openingNow.decrementAndGet();
        }
    }

    @Override
    public boolean isReusable(FakeConnection c, long idleNanos) {
        c.lastIdleNanos = idleNanos;
        record("check " + c);
        return c.reusable;
    }

    @Override
    public void onIdle(FakeConnection c, IdleHandle handle) {
        c.idleHandle = handle;
        c.watched = true;
        record("idle " + c);
    }

    @Override
    public void onLease(FakeConnection c) {
        c.watched = false;
        record("lease " + c);
    }

    /** A made-up port per connection, so that a view's lines can be told apart. */
    @Override
    public int localPort(FakeConnection c) {
        return 40_000 + c.id;
    }

    @Override
    public void close(FakeConnection c, Reason reason) {
        c.closeReason = reason;
        c.closes.incrementAndGet();
        record("close " + c + " " + reason);
    }

    private void record(String call) {
        if (recordCalls) {
            calls.add(call);
        }
    }

    long liveCount() {
        return opened.stream().filter(c -> !c.isClosed()).count();
    }
}
