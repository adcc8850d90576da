package dev.tether.pool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records events as short strings, plus the leak stacks. */
final class RecordingListener implements PoolListener<String, FakeConnection> {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Throwable> leakStacks = new CopyOnWriteArrayList<>();

    @Override public void opened(String k, FakeConnection c, long t) { events.add("opened " + c); }
    @Override public void openFailed(String k, Throwable x, long t) { events.add("openFailed " + k + " " + x.getMessage()); }
    @Override public void acquired(String k, FakeConnection c, long w) { events.add("acquired " + c); }
    @Override public void released(String k, FakeConnection c) { events.add("released " + c); }
    @Override public void closed(String k, FakeConnection c, Reason r) { events.add("closed " + c + " " + r); }
    @Override public void waiting(String k) { events.add("waiting " + k); }
    @Override public void timedOut(String k, long w) { events.add("timedOut " + k); }
    @Override public void leakSuspected(String k, FakeConnection c, long h, Throwable a) {
        events.add("leakSuspected " + c + " " + h / 1_000_000 + "ms");
        leakStacks.add(a);
    }
    @Override public void leakReturned(String k, FakeConnection c, long h) { events.add("leakReturned " + c + " " + h / 1_000_000 + "ms"); }
    @Override public void forgotten(String k) { events.add("forgotten " + k); }

    long count(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).count();
    }
}
