package dev.tether.pool;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a pool, or of one key of it. Counts of the moment (idle, leased, opening, waiting)
 * are read without stopping the pool, so under load they are each exact but not one instant.
 * Immutable and thread-safe.
 */
public final class PoolStats {
    private final int idle;
    private final int leased;
    private final int opening;
    private final int waiting;
    private final long opened;
    private final long[] closedByReason;
    private final Map<Object, PoolStats> perKey;

    /**
     * Creates a snapshot; the pool does this, a test may too.
     *
     * @param idle           idle connections
     * @param leased         connections held by callers
     * @param opening        connections being opened
     * @param waiting        callers waiting for a connection
     * @param opened         connections opened since the pool started
     * @param closedByReason closes since the pool started, indexed by {@link Reason#ordinal()}; copied
     * @param perKey         the same per key (empty in a per-key snapshot); copied
     */
    public PoolStats(int idle, int leased, int opening, int waiting, long opened, long[] closedByReason,
                     Map<Object, PoolStats> perKey) {
        this.idle = idle;
        this.leased = leased;
        this.opening = opening;
        this.waiting = waiting;
        this.opened = opened;
        this.closedByReason = closedByReason.clone();
        this.perKey = Collections.unmodifiableMap(new LinkedHashMap<>(perKey));
    }

    /**
     * Idle connections, ready to be leased.
     *
     * @return the count
     */
    public int idle() { return idle; }

    /**
     * Connections held by callers.
     *
     * @return the count
     */
    public int leased() { return leased; }

    /**
     * Connections being opened.
     *
     * @return the count
     */
    public int opening() { return opening; }

    /**
     * Callers waiting for a connection.
     *
     * @return the count
     */
    public int waiting() { return waiting; }

    /**
     * What counts against the limits.
     *
     * @return idle + leased + opening
     */
    public int total() { return idle + leased + opening; }

    /**
     * Connections opened since the pool started.
     *
     * @return the count
     */
    public long opened() { return opened; }

    /**
     * Connections closed since the pool started, for every reason.
     *
     * @return the count
     */
    public long closed() {
        long sum = 0;
        for (long n : closedByReason) {
            sum += n;
        }
        return sum;
    }

    /**
     * Connections closed since the pool started for one reason.
     *
     * @param reason the reason to count
     * @return the count
     */
    public long closed(Reason reason) {
        return closedByReason[reason.ordinal()];
    }

    /**
     * Closes by reason, leaving out reasons that never happened.
     *
     * @return a new map, in the order of {@link Reason}
     */
    public Map<Reason, Long> closedByReason() {
        Map<Reason, Long> m = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            if (closedByReason[r.ordinal()] > 0) {
                m.put(r, closedByReason[r.ordinal()]);
            }
        }
        return m;
    }

    /**
     * The same counts per key.
     *
     * @return an unmodifiable map from key to snapshot; empty in a per-key snapshot
     */
    public Map<Object, PoolStats> perKey() { return perKey; }

    /**
     * One key's snapshot.
     *
     * @param key the key
     * @return its snapshot, or an all-zero one for a key the pool does not know
     */
    public PoolStats forKey(Object key) {
        PoolStats s = perKey.get(key);
        return s != null ? s : new PoolStats(0, 0, 0, 0, 0, new long[Reason.values().length], Map.of());
    }

    @Override
    public String toString() {
        return "leased " + leased + ", idle " + idle + ", opening " + opening + ", waiting " + waiting
                + ", opened " + opened + ", closed " + closedByReason();
    }
}
