package dev.tether.pool;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * tether's log lines: one event per line, a stable event name first and {@code key=value} fields
 * after it (logfmt), so that tools can grep and parse them: {@code event=connection.closed
 * pool=api route=tcp://127.0.0.1:8080 reason=PEER_CLOSED age_ms=61204 uses=12}. Values with a
 * space, a quote or an equals sign are quoted. The event names are API: they change only with a
 * note in the changelog.
 *
 * <p>Events that come in storms (a server restart kills every connection, opens fail while it is
 * down) go through {@link #storm}: the first of a kind is logged; while more follow, each less
 * than a window after the one before, they are counted, and one line says so every
 * {@value #SUMMARY_WINDOWS} windows; the next line of that kind, or {@link #flush()}, says how
 * many were left out. So a storm of a thousand failures costs a couple of lines, an outage of an
 * hour sixty, and a quiet pool logs nothing at INFO.
 *
 * <p>Thread-safe. Time comes from the owner's {@link Ticker}.
 */
public final class EventLog {
    /** Kinds of storm tracked at once; past it, kinds share one window (a bound on memory, not a rule). */
    private static final int MAX_KINDS = 1_000;
    /** While a storm goes on, {@link #storm} logs one line every this many windows. */
    public static final int SUMMARY_WINDOWS = 6;

    private final Logger log;
    private final Ticker ticker;
    private final long windowNanos;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * A log for one owner (a pool, a client).
     *
     * @param log    where lines go
     * @param ticker the owner's clock
     * @param window how close events of one kind must follow each other to be one storm; positive
     * @throws IllegalArgumentException if {@code window} is not positive
     */
    public EventLog(Logger log, Ticker ticker, Duration window) {
        this.log = Objects.requireNonNull(log, "log");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
        }
        this.windowNanos = window.toNanos();
    }

    /**
     * Whether lines at {@code level} would be written: callers test it before building fields on a hot path.
     *
     * @param level a level
     * @return whether the logger is enabled for it
     */
    public boolean isEnabled(Level level) {
        return log.isEnabledForLevel(level);
    }

    /**
     * Logs one event at {@code level}.
     *
     * @param level  the level
     * @param event  the event's stable name, such as {@code connection.opened}
     * @param fields names and values in turn ({@code "pool", name, "route", route}); a value may be
     *               null; a {@link Throwable} after the last pair is logged as the line's cause, with its stack
     */
    public void log(Level level, String event, Object... fields) {
        if (log.isEnabledForLevel(level)) {
            write(level, event, fields);
        }
    }

    private void write(Level level, String event, Object[] fields) {
        if (fields.length % 2 == 1 && fields[fields.length - 1] instanceof Throwable cause) {
            log.atLevel(level).setCause(cause).log(line(event, fields));
        } else {
            log.atLevel(level).log(line(event, fields));
        }
    }

    /**
     * Logs an event that may come in storms: the first of its kind ({@code event} and {@code kind},
     * for example one route) is logged, and the ones that follow it (each within a window of the
     * last) are only counted, with one line every {@value #SUMMARY_WINDOWS} windows while they go
     * on. A logged line carries {@code suppressed=N} when N were left out before it.
     *
     * @param level  the level
     * @param event  the event's stable name
     * @param kind   what separates storms of the same event (a route); not null
     * @param fields names and values in turn, and optionally a cause, as for {@link #log}
     */
    public void storm(Level level, String event, String kind, Object... fields) {
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        String id = event + ' ' + kind;
        Window w = windows.get(id);
        if (w == null) {
            w = windows.size() < MAX_KINDS ? windows.computeIfAbsent(id, k -> new Window(level, event))
                    : windows.computeIfAbsent(event + " *", k -> new Window(level, event));
        }
        long suppressed = w.pass(ticker.nanoTime(), windowNanos);
        if (suppressed < 0) {
            return;
        }
        Object[] all = fields;
        if (suppressed > 0) {
            int pairs = fields.length & ~1;
            all = java.util.Arrays.copyOf(fields, fields.length + 2);
            all[pairs] = "suppressed";
            all[pairs + 1] = suppressed;
            if (pairs < fields.length) {
                all[pairs + 2] = fields[pairs]; // the cause stays last
            }
        }
        write(level, event, all);
    }

    /**
     * Logs, for each storm with events left out since its last line, one line saying how many
     * ({@code event=NAME.suppressed count=N}). The owner calls it when it closes, so no count is lost.
     */
    public void flush() {
        for (var e : windows.entrySet()) {
            long n = e.getValue().drain();
            if (n > 0) {
                String id = e.getKey();
                log.atLevel(e.getValue().level).log(line(e.getValue().event + ".suppressed",
                        "kind", id.substring(id.indexOf(' ') + 1), "count", n));
            }
        }
    }

    /**
     * One line: {@code event=NAME} and the fields, logfmt.
     *
     * @param event  the event's name
     * @param fields names and values in turn (an unpaired last one, such as a cause, is left out)
     * @return the line
     */
    public static String line(String event, Object... fields) {
        StringBuilder b = new StringBuilder(64).append("event=").append(event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            b.append(' ').append(fields[i]).append('=');
            String v = String.valueOf(fields[i + 1]);
            if (v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20)) {
                b.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            } else {
                b.append(v);
            }
        }
        return b.toString();
    }

    /** One kind of storm: when its window started and how many events it left out. */
    private static final class Window {
        final Level level;
        final String event;
        private final ReentrantLock lock = new ReentrantLock();
        private boolean open; // guarded by lock
        private long lastEventAt; // guarded by lock
        private long lastLineAt; // guarded by lock
        private long suppressed; // guarded by lock

        Window(Level level, String event) {
            this.level = level;
            this.event = event;
        }

        /** -1: part of a storm, left out; else log it, with this many left out before it. */
        long pass(long now, long windowNanos) {
            lock.lock();
            try {
                boolean storm = open && now - lastEventAt < windowNanos;
                lastEventAt = now;
                if (storm && now - lastLineAt < SUMMARY_WINDOWS * windowNanos) {
                    suppressed++;
                    return -1;
                }
                long n = suppressed;
                open = true;
                lastLineAt = now;
                suppressed = 0;
                return n;
            } finally {
                lock.unlock();
            }
        }

        long drain() {
            lock.lock();
            try {
                long n = suppressed;
                suppressed = 0;
                return n;
            } finally {
                lock.unlock();
            }
        }
    }
}
