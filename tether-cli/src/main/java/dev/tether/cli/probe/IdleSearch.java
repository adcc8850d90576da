package dev.tether.cli.probe;

import dev.tether.net.Connection;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * How a probe finds the idle time after which a server (or anything in front of it) drops a
 * connection, whatever the protocol, in rounds:
 *
 * <ol>
 *   <li>Hold {@code parallel} connections idle at once, each for a different time spread over the
 *       interval still in question (at first 0 to {@code maxIdle}). Each one watches for the
 *       server's FIN or RST while it waits ({@link #watch}: a read whose timeout ends at its hold
 *       time, which gives the close to the millisecond), and sends a request when its time is up
 *       (which shows a silent drop: alive before, dead after).</li>
 *   <li>The next round narrows the interval to the longest survivor and the shortest casualty,
 *       until it is known within {@link #PRECISION_MS}, or a close was seen.</li>
 * </ol>
 * The protocol is the {@link Holder}'s: it opens a connection, makes it idle, calls {@link #watch}
 * and sends its request.
 */
final class IdleSearch {
    static final long PRECISION_MS = 250;

    /** What one connection held idle saw. */
    enum Outcome {
        /** Alive after its hold: a request was answered. */
        ALIVE,
        /** Dead after its hold, though nothing arrived while it waited: dropped silently. */
        DEAD,
        /** The server closed it while it waited. */
        CLOSED_FIN,
        /** The server reset it while it waited. */
        CLOSED_RST
    }

    /** @param ms the hold time, or for a close when it came */
    record Held(Outcome outcome, long ms) {
    }

    /** One connection held idle for {@code holdMs}: what it saw. */
    interface Holder {
        Held hold(long holdMs) throws IOException;
    }

    /** The server's reaction to data that arrives on an idle connection: return to take it as a close, throw to stop. */
    interface Unsolicited {
        void seen(int firstByte) throws IOException;
    }

    /**
     * What the search found. Durations in ms; null where unknown.
     *
     * @param idleMs   when the server closed idle connections (the earliest close seen), or null
     * @param signal   how: "closed (FIN)" or "reset (RST)"
     * @param lowMs    with no close seen but silent drops: the longest survivor
     * @param highMs   ... and the shortest casualty
     * @param aboveMax nothing closed or dropped up to maxIdle
     */
    record Result(Long idleMs, String signal, Long lowMs, Long highMs, boolean aboveMax, int rounds) {
        /** What the advice is based on: the close seen, else the shortest silent drop, else null. */
        Long basisMs() {
            return idleMs != null ? idleMs : highMs;
        }

        /** The finding as one value for a report row ("3.00 s (the server closed (FIN) connections idle that long)"). */
        String describe(long maxIdleMs) {
            if (idleMs != null) {
                return seconds(idleMs) + " (the server " + signal + " connections idle that long)";
            }
            if (aboveMax) {
                return "more than " + seconds(maxIdleMs) + " (the bound, --max-idle)";
            }
            if (lowMs != null) {
                return "between " + seconds(lowMs) + " and " + seconds(highMs) + " (closed without a FIN or RST: found by sending)";
            }
            return "unknown";
        }
    }

    private IdleSearch() {
    }

    static Result run(int parallel, long maxIdleMs, Consumer<String> progress, Holder holder) throws IOException {
        long lo = 0;
        long hi = maxIdleMs;
        boolean silentDeath = false;
        Long idleMs = null;
        String signal = null;
        int rounds = 0;
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread th = new Thread(r, "probe-idle");
            th.setDaemon(true);
            return th;
        });
        try {
            while (hi - lo > PRECISION_MS && idleMs == null && rounds < 12) {
                rounds++;
                long from = lo;
                long span = hi - lo;
                progress.accept(String.format("idle timeout, round %d: %d connections idle for %s to %s", rounds,
                        parallel, seconds(from + span / parallel), seconds(hi)));
                List<Future<Held>> futures = new ArrayList<>();
                for (int i = 0; i < parallel; i++) {
                    long hold = from + span * (i + 1) / parallel;
                    futures.add(pool.submit(() -> holder.hold(hold)));
                }
                for (Future<Held> f : futures) {
                    Held r = get(f);
                    switch (r.outcome()) {
                        case ALIVE -> lo = Math.max(lo, r.ms());
                        case DEAD -> {
                            hi = Math.min(hi, r.ms());
                            silentDeath = true;
                        }
                        default -> { // closed by the server while we watched
                            if (idleMs == null || r.ms() < idleMs) {
                                idleMs = r.ms();
                                signal = r.outcome() == Outcome.CLOSED_FIN ? "closed (FIN)" : "reset (RST)";
                            }
                        }
                    }
                }
                if (idleMs != null) {
                    hi = Math.min(hi, idleMs);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (idleMs != null) {
            return new Result(idleMs, signal, null, null, false, rounds);
        }
        if (!silentDeath && lo >= maxIdleMs - PRECISION_MS) {
            return new Result(null, null, null, null, true, rounds);
        }
        return new Result(null, null, lo, hi, false, rounds);
    }

    /**
     * Watches an idle connection until it has been idle {@code holdMs} (since {@code idleSinceNanos}):
     * returns the close the server made meanwhile, or null if it is still open. Data that arrives
     * goes to {@code unsolicited} first. Leaves the connection's read timeout changed: the caller
     * sets its own before the next request.
     */
    static Held watch(Connection c, InputStream in, long idleSinceNanos, long holdMs, Unsolicited unsolicited) throws IOException {
        while (true) {
            long left = holdMs - (System.nanoTime() - idleSinceNanos) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            // A read that ends at the hold time at the latest: the server's FIN or RST ends it at once.
            c.readTimeout(Duration.ofMillis(Math.min(Integer.MAX_VALUE, Math.max(1, left))));
            try {
                int b = in.read();
                long at = (System.nanoTime() - idleSinceNanos) / 1_000_000;
                if (b >= 0) {
                    unsolicited.seen(b);
                }
                return new Held(Outcome.CLOSED_FIN, at);
            } catch (ProbeFailure e) {
                throw e;
            } catch (IOException e) {
                if (!(e instanceof ConnectionFailure f && f.kind() == Kind.READ_TIMEOUT)) {
                    return new Held(Outcome.CLOSED_RST, (System.nanoTime() - idleSinceNanos) / 1_000_000);
                }
                // still open; loop to check the time
            }
        }
    }

    /** A suggested idle timeout: a margin (a tenth, at least {@code minMarginMs}) below {@code basisMs}, in whole 100 ms. */
    static long below(long basisMs, long minMarginMs) {
        long margin = Math.max(minMarginMs, basisMs / 10);
        return Math.max(100, (basisMs - margin) / 100 * 100);
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    private static Held get(Future<Held> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
