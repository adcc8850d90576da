package dev.tether.chaos.internal;

import dev.tether.chaos.ChaosException;
import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import dev.tether.chaos.ToxicType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The toxics of one proxy, one ordered list per stream, shared by all its connections.
 *
 * <ol>
 *   <li>Each list is copy-on-write: a connection's pipe reads the current list with one
 *       volatile read per chunk and never locks on the data path.</li>
 *   <li>Every change (add, update, remove) takes {@link #lock}, publishes a new list, bumps
 *       {@link #version} and signals {@link #changed}.</li>
 *   <li>Anything that waits on a toxic (latency, bandwidth, blackhole, a stalled accept) waits
 *       on {@link #changed} with its deadline, so an update or a removal ends or shortens the
 *       wait at once and no held data is lost.</li>
 * </ol>
 */
public final class ToxicChain {

    /** A deadline meaning "until something changes". */
    public static final long FOREVER = Long.MAX_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Stream, List<ToxicSlot>> lists = new EnumMap<>(Stream.class); // guarded by lock
    private volatile List<ToxicSlot> upstream = List.of();
    private volatile List<ToxicSlot> downstream = List.of();
    private volatile long version;

    ToxicChain() {
        lists.put(Stream.UPSTREAM, List.of());
        lists.put(Stream.DOWNSTREAM, List.of());
    }

    /** The current list for a stream; never locks. */
    public List<ToxicSlot> slots(Stream stream) {
        return stream == Stream.UPSTREAM ? upstream : downstream;
    }

    /** Upstream toxics first, then downstream, each in the order added (Toxiproxy's order). */
    public List<ToxicSlot> all() {
        List<ToxicSlot> all = new ArrayList<>(upstream);
        all.addAll(downstream);
        return all;
    }

    public long version() {
        return version;
    }

    /** Whether any toxic of the type is installed on either stream. */
    public boolean has(ToxicType type) {
        return find(upstream, type) || find(downstream, type);
    }

    private static boolean find(List<ToxicSlot> slots, ToxicType type) {
        for (ToxicSlot s : slots) {
            if (s.toxic().type() == type && s.toxic().toxicity() > 0) {
                return true;
            }
        }
        return false;
    }

    public ToxicSlot get(String name) {
        for (ToxicSlot s : all()) {
            if (s.toxic().name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    ToxicSlot add(Toxic toxic) {
        lock.lock();
        try {
            if (get(toxic.name()) != null) {
                throw ChaosException.conflict("toxic already exists: " + toxic.name());
            }
            ToxicSlot slot = new ToxicSlot(toxic, version + 1);
            List<ToxicSlot> next = new ArrayList<>(lists.get(toxic.stream()));
            next.add(slot);
            publish(toxic.stream(), next);
            return slot;
        } finally {
            lock.unlock();
        }
    }

    /** Replaces toxicity and attributes; type, stream and name stay those of the installed toxic. */
    ToxicSlot update(Toxic toxic) {
        lock.lock();
        try {
            ToxicSlot slot = get(toxic.name());
            if (slot == null) {
                throw ChaosException.notFound("toxic not found: " + toxic.name());
            }
            Toxic current = slot.toxic();
            Toxic.Builder b = current.toBuilder().toxicity(toxic.toxicity());
            if (toxic.type() == current.type()) {
                toxic.attributes().forEach(b::attribute);
            }
            slot.update(b.build(), version + 1);
            publish(current.stream(), lists.get(current.stream()));
            return slot;
        } finally {
            lock.unlock();
        }
    }

    ToxicSlot remove(String name) {
        lock.lock();
        try {
            ToxicSlot slot = get(name);
            if (slot == null) {
                throw ChaosException.notFound("toxic not found: " + name);
            }
            Stream stream = slot.toxic().stream();
            List<ToxicSlot> next = new ArrayList<>(lists.get(stream));
            next.remove(slot);
            slot.markRemoved();
            publish(stream, next);
            return slot;
        } finally {
            lock.unlock();
        }
    }

    // guarded by lock
    private void publish(Stream stream, List<ToxicSlot> next) {
        List<ToxicSlot> frozen = List.copyOf(next);
        lists.put(stream, frozen);
        if (stream == Stream.UPSTREAM) {
            upstream = frozen;
        } else {
            downstream = frozen;
        }
        version++;
        changed.signalAll();
    }

    /** Wakes every waiter, for example because a connection closed under it. */
    void wakeAll() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the chain changes after {@code seenVersion} or {@code deadlineNanos}
     * ({@link System#nanoTime()} based, or {@link #FOREVER}) passes.
     */
    public void awaitChange(long seenVersion, long deadlineNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (version == seenVersion) {
                if (deadlineNanos == FOREVER) {
                    changed.await();
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    changed.awaitNanos(left);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits at most {@code timeout} for a change; for threads that must also poll something else. */
    public void awaitChange(long seenVersion, long timeout, TimeUnit unit) throws InterruptedException {
        awaitChange(seenVersion, System.nanoTime() + unit.toNanos(timeout));
    }
}
