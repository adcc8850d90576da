package dev.tether.pool;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** What {@link TestConnector} opens: records how the pool treated it. */
final class FakeConnection {
    final int id;
    final String key;
    final AtomicInteger closes = new AtomicInteger();
    final AtomicBoolean inUse = new AtomicBoolean();
    volatile Reason closeReason;
    volatile Connector.IdleHandle idleHandle;
    volatile boolean watched;
    volatile boolean reusable = true;
    volatile long lastIdleNanos = -1;

    FakeConnection(int id, String key) {
        this.id = id;
        this.key = key;
    }

    boolean isClosed() {
        return closes.get() > 0;
    }

    @Override
    public String toString() {
        return "conn#" + id + "(" + key + ")";
    }
}
