package dev.tether.cli.lab;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.SocketTable;
import dev.tether.cli.lab.support.LabClient;
import dev.tether.cli.lab.support.LabClient.Outcome;
import dev.tether.cli.lab.support.LabServer;
import dev.tether.cli.lab.support.NaiveClient;
import dev.tether.cli.lab.support.TetherClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client kind's run of a scenario: what a scenario script calls. It owns the servers,
 * proxies and the client it creates (closed by the runner), counts what the application saw and
 * records the timeline. Scripts send every request through it ({@link #send}, or {@link #gets}
 * and {@link #getsFor} for a paced series), so each one is counted, timed and put on the timeline
 * in one place, and mark the faults there ({@link #fault}, {@link #faultAfter}).
 */
public final class Trial {
    private static final AtomicInteger PROXY_IDS = new AtomicInteger();

    private final Scenario scenario;
    private final ClientKind kind;
    private final boolean quick;
    private final ChaosLab chaos;
    private final Timeline timeline;
    private final LabRunner.Progress progress;
    private final boolean reportsProgress;
    private final java.util.concurrent.Future<?> side;
    // Added from the script, read and closed at the end: copy-on-write lists, no lock around the closes.
    private final List<LabServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ChaosProxy> proxies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private volatile LabClient client;
    private volatile int watchedPort = -1;
    private volatile int maxCloseWait;
    /** When each socket now in CLOSE_WAIT was first seen so (a socket counts once it stays there 100 ms). */
    private final java.util.concurrent.locks.ReentrantLock closeWaitLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.Map<InetSocketAddress, Long> closeWaitSince = new java.util.HashMap<>(); // guarded by closeWaitLock
    private int sent;
    private int failed;
    private int ids;
    private String firstError;
    private long requestNanos;

    Trial(Scenario scenario, ClientKind kind, boolean quick, ChaosLab chaos, long originNanos, LabRunner.Progress progress,
          boolean reportsProgress, java.util.concurrent.Future<?> side) {
        this.scenario = scenario;
        this.kind = kind;
        this.quick = quick;
        this.chaos = chaos;
        this.timeline = new Timeline(originNanos);
        this.progress = progress;
        this.reportsProgress = reportsProgress;
        this.side = side;
    }

    public ClientKind kind() {
        return kind;
    }

    public boolean quick() {
        return quick;
    }

    /** {@code quick} in a --quick run, else {@code normal}. */
    public long ms(long quickMs, long normalMs) {
        return quick ? quickMs : normalMs;
    }

    public Duration duration(long quickMs, long normalMs) {
        return Duration.ofMillis(ms(quickMs, normalMs));
    }

    /** Starts a server that this run owns. */
    public LabServer server(LabServer.Builder b) throws IOException {
        LabServer s = b.start();
        servers.add(s);
        return s;
    }

    /** A tether-chaos proxy in front of {@code upstreamPort}, owned by this run. */
    public ChaosProxy proxy(int upstreamPort) {
        ChaosProxy p = chaos.createProxy(scenario.id() + "-" + kind.name().toLowerCase() + "-" + PROXY_IDS.incrementAndGet(),
                "127.0.0.1:" + upstreamPort);
        proxies.add(p);
        return p;
    }

    /**
     * Creates this run's client against 127.0.0.1:{@code port}; its sockets towards that port are
     * the ones counted in CLOSE_WAIT and TIME_WAIT. A naive client waits at most {@code patience}
     * for an answer (it has no timeout of its own).
     */
    public LabClient client(int port, Duration patience) {
        LabClient c = switch (kind) {
            case NAIVE -> new NaiveClient(port, patience, false);
            case RETRYING -> new NaiveClient.Retrying(port, patience);
            case NO_POOL -> new NaiveClient(port, patience, true);
            case TETHER -> new TetherClient(port, scenario.tetherConfig(quick));
        };
        watchedPort = port;
        client = c;
        return c;
    }

    /** Sends one request through this run's client and records what the application saw. */
    public Outcome send(String method, String path) {
        String id = scenario.id() + "-" + kind.name().toLowerCase() + "-" + (++ids);
        long t = timeline.now();
        long start = System.nanoTime();
        Outcome o = client.send(new LabClient.Request(method, path, id));
        requestNanos += System.nanoTime() - start;
        sent++;
        String label = method + " " + path;
        if (o.ok()) {
            timeline.event(t, timeline.now(), "ok", label + " -> " + o.status());
        } else {
            failed++;
            if (firstError == null) {
                firstError = o.error();
            }
            timeline.event(t, timeline.now(), "fail", label + ": " + o.error());
        }
        return o;
    }

    public Outcome get() {
        return send("GET", "/");
    }

    /** Sends {@code n} GETs, {@code pauseMs} apart (0: back to back), each recorded as {@link #send} does. */
    public void gets(int n, long pauseMs) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            if (i > 0 && pauseMs > 0) {
                sleep(pauseMs);
            }
            get();
        }
    }

    /**
     * Sends a GET and pauses {@code pauseMs}, again and again until {@code forMs} have passed:
     * requests into an outage, as an application keeps making them.
     */
    public void getsFor(long forMs, long pauseMs) throws InterruptedException {
        long until = System.nanoTime() + forMs * 1_000_000;
        while (System.nanoTime() < until) {
            get();
            sleep(pauseMs);
        }
    }

    /**
     * Waits {@code ms}, then marks {@code label} on the timeline: a fault that fires by itself
     * (a server's or a load balancer's idle timer), marked when the script knows it has fired.
     */
    public void faultAfter(long ms, String label) throws InterruptedException {
        sleep(ms);
        fault(label);
    }

    /** Names the script's current step (shown live and on the timeline). */
    public void step(String label) {
        timeline.event(timeline.now(), timeline.now(), "step", label);
        if (reportsProgress) {
            progress.step(label);
        }
    }

    /** Marks a fault (or its end) on the timeline. */
    public void fault(String label) {
        timeline.event(timeline.now(), timeline.now(), "fault", label);
    }

    /** Marks a fault at {@code nanos} ({@link System#nanoTime()}), for one seen by a side measurement. */
    public void faultAt(long nanos, String label) {
        long t = timeline.at(nanos);
        timeline.event(t, t, "fault", label);
    }

    /** Marks what a client found out at {@code nanos} ({@link System#nanoTime()}), not a request: counted nowhere. */
    public void noticeAt(long nanos, String label) {
        long t = timeline.at(nanos);
        timeline.event(t, t, "notice", label);
    }

    /** Whether the side measurement has its value already (or there is none): waiting for it would not block. */
    public boolean sideDone() {
        return side == null || side.isDone();
    }

    /**
     * Waits for the scenario's {@link Scenario#side(boolean) side measurement} (at most 120 s) and
     * returns its value; null if the scenario has none or it failed.
     */
    public <T> T side(Class<T> type) throws InterruptedException {
        if (side == null) {
            return null;
        }
        try {
            return type.cast(side.get(120, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    public void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /** A line for the report's detail column, after what the client itself says. */
    public void note(String text) {
        notes.add(text);
    }

    /** Mean time per request so far, in microseconds. */
    public long meanRequestMicros() {
        return sent == 0 ? 0 : requestNanos / sent / 1000;
    }

    /** Samples the client's connections and CLOSE_WAIT sockets now (the runner also does it every 40 ms). */
    public void sample() {
        LabClient c = client;
        int port = watchedPort;
        if (c == null || port < 0) {
            return;
        }
        if (!SocketTable.available()) {
            timeline.sample(c.idle(), c.leased(), 0);
            return;
        }
        java.util.Set<InetSocketAddress> now = new java.util.HashSet<>();
        try {
            for (SocketTable.Entry e : SocketTable.towards(port, SocketTable.State.CLOSE_WAIT)) {
                now.add(e.local());
            }
        } catch (UncheckedIOException e) {
            return; // a table that could not be read this time: the next sample, 40 ms on, tries again
        }
        long t = System.nanoTime();
        int held = 0;
        closeWaitLock.lock(); // the sampler thread and finish() both sample
        try {
            closeWaitSince.keySet().retainAll(now);
            for (InetSocketAddress local : now) {
                long since = closeWaitSince.computeIfAbsent(local, k -> t);
                // The moment between a FIN and the close that answers it is not a leak: count sockets left there.
                if (t - since >= 100_000_000L) {
                    held++;
                }
            }
        } finally {
            closeWaitLock.unlock();
        }
        if (held > maxCloseWait) {
            maxCloseWait = held;
        }
        timeline.sample(c.idle(), c.leased(), now.size());
    }

    ClientResult finish() {
        sample();
        Integer timeWait = null;
        if (scenario.countsTimeWait() && watchedPort >= 0) {
            timeWait = timeWait(watchedPort);
        }
        int opened = 0;
        int duplicates = 0;
        for (LabServer s : servers) {
            opened += s.accepted();
            duplicates += s.duplicates();
        }
        List<String> details = new ArrayList<>();
        if (client != null && client.detail() != null) {
            details.add(client.detail());
        }
        details.addAll(notes);
        List<Timeline.Event> events = timeline.events();
        return new ClientResult(kind.label(), sent, failed, duplicates, opened,
                SocketTable.available() ? maxCloseWait : -1, timeWait, recovery(events),
                details.isEmpty() ? null : String.join("; ", details), firstError, events, timeline.samples());
    }

    /** Sockets towards {@code port} in TIME_WAIT; -1 ("n/a" in the table) where the table cannot be read. */
    private static int timeWait(int port) {
        try {
            return SocketTable.available() ? SocketTable.towards(port, SocketTable.State.TIME_WAIT).size() : -1;
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** The longest span from the first failure of a streak to the end of the success after it. */
    static Long recovery(List<Timeline.Event> events) {
        Long worst = null;
        long streakStart = -1;
        for (Timeline.Event e : events) {
            if (e.kind().equals("fail") && streakStart < 0) {
                streakStart = e.t();
            } else if (e.kind().equals("ok") && streakStart >= 0) {
                long span = e.end() - streakStart;
                worst = worst == null ? span : Math.max(worst, span);
                streakStart = -1;
            }
        }
        if (streakStart >= 0) {
            return -1L;
        }
        return worst;
    }

    void closeAll() {
        if (client != null) {
            client.close();
        }
        for (ChaosProxy p : proxies) {
            try {
                p.close();
            } catch (RuntimeException ignored) {
                // the lab is closing anyway
            }
        }
        for (LabServer s : servers) {
            s.close();
        }
    }
}
