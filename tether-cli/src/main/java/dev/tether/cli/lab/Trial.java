package dev.tether.cli.lab;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.SocketTable;
import dev.tether.cli.lab.db.DbLabClient;
import dev.tether.cli.lab.db.DbScenario;
import dev.tether.cli.lab.db.DbTarget;
import dev.tether.cli.lab.db.LabDatabases;
import dev.tether.cli.lab.redis.LabRedis;
import dev.tether.cli.lab.redis.RedisLabClient;
import dev.tether.cli.lab.redis.RedisScenario;
import dev.tether.cli.lab.redis.RedisTarget;
import dev.tether.cli.lab.support.ClientView;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One client kind's run of a scenario: what a scenario script calls. It owns the servers,
 * proxies, Redis and the client it creates (closed by the runner), counts what the application saw
 * and records the timeline. Scripts send every request through it ({@link #send}, or {@link #gets}
 * and {@link #getsFor} for a paced series; {@link #command} and {@link #commands} for Redis), so
 * each one is counted, timed and put on the timeline in one place, and mark the faults there
 * ({@link #fault}, {@link #faultAfter}).
 *
 * <p>A Redis trial names its client's connections {@link #clientName()} (unique to the run), keeps
 * its data under {@link #key}, and counts the INCRs the application made per key and those it saw
 * acknowledged: a counter that ends higher than the INCRs made was incremented twice by one call,
 * and shows as a duplicate; one that ends higher than the INCRs acknowledged applied INCRs whose
 * failure the application saw.
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
    private final LabRedis labRedis;
    private final String name;
    // Added from the script, read and closed at the end: copy-on-write lists, no lock around the closes.
    private final List<LabServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ChaosProxy> proxies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private volatile LabClient client;
    private volatile RedisLabClient redisClient;
    private volatile ClientView view;
    private volatile RedisTarget redis;
    private final LabDatabases databases;
    private volatile DbTarget db;
    private volatile DbLabClient dbClient;
    /** INCRs the application made, and those it saw acknowledged, by key; the keys the trial wrote (deleted from a user's server). */
    private final Map<String, Integer> increments = new LinkedHashMap<>();
    private final Map<String, Integer> acknowledged = new LinkedHashMap<>();
    private final List<String> keys = new ArrayList<>();
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

    Trial(Scenario scenario, ClientKind kind, boolean quick, ChaosLab chaos, LabRedis labRedis, long originNanos,
          LabRunner.Progress progress, boolean reportsProgress, java.util.concurrent.Future<?> side, LabDatabases databases) {
        this.scenario = scenario;
        this.kind = kind;
        this.quick = quick;
        this.chaos = chaos;
        this.timeline = new Timeline(originNanos);
        this.progress = progress;
        this.reportsProgress = reportsProgress;
        this.side = side;
        this.labRedis = labRedis;
        this.databases = databases;
        this.name = "tether-lab-" + labRedis.run() + "-" + scenario.id() + "-" + kind.name().toLowerCase();
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
        return proxy("127.0.0.1:" + upstreamPort);
    }

    private ChaosProxy proxy(String upstream) {
        ChaosProxy p = chaos.createProxy(scenario.id() + "-" + kind.name().toLowerCase() + "-" + PROXY_IDS.incrementAndGet(), upstream);
        proxies.add(p);
        return p;
    }

    /**
     * This run's Redis: a redis-server of its own started now (the lab's default), or the user's
     * server ({@code --redis}) behind a proxy of this run's, so that the sockets counted are this
     * client's. Only for a {@link RedisScenario}, which the runner starts only when Redis can be had.
     */
    public RedisTarget redis() throws IOException {
        if (redis == null) {
            redis = labRedis.own() ? labRedis.startOwn() : labRedis.onUserServer(proxy(labRedis.upstream()).port());
        }
        return redis;
    }

    /**
     * Creates this run's Redis client against 127.0.0.1:{@code port} (the target's, or a proxy's in
     * front of it), with tether's settings from the scenario; its sockets towards that port are the
     * ones counted. A naive client waits at most {@code patience} for a reply (it has no timeout).
     */
    public void redisClient(int port, Duration patience) throws IOException {
        RedisScenario s = (RedisScenario) scenario;
        RedisLabClient c = RedisLabClient.of(kind, redis(), port, name, patience, s.tetherRedis(quick));
        watchedPort = port;
        redisClient = c;
        view = c;
    }

    /**
     * This run's database target, for a {@link DbScenario}: its sessions tagged with {@link #clientName()}
     * (PostgreSQL's application name) or a user made for it (MariaDB), which the lab kills them by.
     */
    public DbTarget db() throws IOException, java.sql.SQLException {
        if (db == null) {
            db = databases.target(((DbScenario) scenario).dialect(), name);
        }
        return db;
    }

    /** A tether-chaos proxy in front of this run's database, owned by this run: where its client connects. */
    public ChaosProxy dbProxy() throws IOException, java.sql.SQLException {
        return proxy(db().upstream());
    }

    /**
     * Creates this run's database client against {@code proxy} (in front of the database), with the per-session driver properties {@code session} and tether's settings from
     * the scenario; its sockets towards that port are the ones counted. A client without a timeout
     * waits at most {@code patience} for an answer, then the lab resets the proxy's connections.
     */
    public void dbClient(ChaosProxy proxy, Map<String, String> session, Duration patience) throws IOException, java.sql.SQLException {
        DbLabClient c = DbLabClient.of(kind, db(), proxy, session, patience, ((DbScenario) scenario).tetherJdbc(quick));
        watchedPort = proxy.port();
        dbClient = c;
        view = c;
    }

    /** Runs one query through this run's database client and records what the application saw. */
    public Outcome query(String sql) {
        return record(sql, () -> dbClient.query(sql));
    }

    /** Runs {@code sql} {@code n} times, {@code pauseMs} apart (0: back to back). */
    public void queries(int n, long pauseMs, String sql) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            if (i > 0 && pauseMs > 0) {
                sleep(pauseMs);
            }
            query(sql);
        }
    }

    /** The name this run's Redis connections give themselves (CLIENT SETNAME): what the lab kills them by. */
    public String clientName() {
        return name;
    }

    /** A key of this trial's own: {@code tether-lab:<lab run>-<scenario>-<client kind>:<suffix>}. */
    public String key(String suffix) {
        String k = "tether-lab:" + name.substring("tether-lab-".length()) + ":" + suffix;
        if (!keys.contains(k)) {
            keys.add(k);
        }
        return k;
    }

    /** Sends one Redis command through this run's client and records what the application saw. */
    public Outcome command(String... command) {
        boolean incr = command[0].equalsIgnoreCase("INCR");
        if (incr) {
            increments.merge(command[1], 1, Integer::sum);
        }
        Outcome o = record(String.join(" ", command).replace(name.substring("tether-lab-".length()), "…"),
                () -> redisClient.call(List.of(command)));
        if (incr && o.ok()) {
            acknowledged.merge(command[1], 1, Integer::sum);
        }
        return o;
    }

    /** Sends {@code command} {@code n} times, {@code pauseMs} apart (0: back to back). */
    public void commands(int n, long pauseMs, String... command) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            if (i > 0 && pauseMs > 0) {
                sleep(pauseMs);
            }
            command(command);
        }
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
            case NAIVE_POOL -> throw new IllegalArgumentException("no naive HTTP pool in the lab: its naive client is one connection");
        };
        watchedPort = port;
        client = c;
        view = c;
        return c;
    }

    /** Sends one request through this run's client and records what the application saw. */
    public Outcome send(String method, String path) {
        String id = scenario.id() + "-" + kind.name().toLowerCase() + "-" + (++ids);
        return record(method + " " + path, () -> client.send(new LabClient.Request(method, path, id)));
    }

    /** Sends one request or command and records what the application saw: counted, timed, on the timeline. */
    private Outcome record(String label, Supplier<Outcome> request) {
        long t = timeline.now();
        long start = System.nanoTime();
        Outcome o = request.get();
        requestNanos += System.nanoTime() - start;
        sent++;
        if (o.ok()) {
            timeline.event(t, timeline.now(), "ok", label + " -> " + o.reply());
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
        ClientView c = view;
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
        Integer unacknowledged = null;
        if (redis != null) {
            int accepted = redis.accepted();
            opened = accepted < 0 ? -1 : opened + accepted;
            Counters counted = redisCounters(details);
            duplicates += counted.duplicates();
            if (!increments.isEmpty()) {
                unacknowledged = counted.unacknowledged();
            }
            if (unacknowledged != null && unacknowledged > 0) {
                details.add(Format.count(unacknowledged, "failed INCR") + " applied all the same (the counter says so)");
            }
        }
        if (dbClient != null) {
            opened = dbClient.opened();
        }
        if (view != null && view.detail() != null) {
            details.add(0, view.detail());
        }
        details.addAll(notes);
        List<Timeline.Event> events = timeline.events();
        return new ClientResult(kind.label(), sent, failed, duplicates, unacknowledged, opened,
                SocketTable.available() ? maxCloseWait : -1, timeWait, recovery(events),
                details.isEmpty() ? null : String.join("; ", details), firstError, events, timeline.samples());
    }

    /** What a trial's counters say: INCRs applied twice, failed INCRs applied all the same (null: a counter could not be read). */
    private record Counters(int duplicates, Integer unacknowledged) {
    }

    /**
     * What the counters the application incremented say, summed over them: INCRs applied more than
     * once, how far a counter ends above the INCRs made (a failed INCR may have been applied once,
     * never twice); failed INCRs applied all the same, how far it ends above the INCRs acknowledged,
     * up to the INCRs made.
     */
    private Counters redisCounters(List<String> details) {
        int dup = 0;
        Integer unacknowledged = 0;
        for (Map.Entry<String, Integer> e : increments.entrySet()) {
            try {
                long counter = redis.counter(e.getKey());
                int made = e.getValue();
                dup += (int) Math.max(0, counter - made);
                if (unacknowledged != null) {
                    unacknowledged += (int) Math.max(0, Math.min(counter, made) - acknowledged.getOrDefault(e.getKey(), 0));
                }
            } catch (IOException | RuntimeException ex) {
                unacknowledged = null;
                details.add("the counter could not be read to count duplicates (" + ex.getMessage() + ")");
            }
        }
        return new Counters(dup, unacknowledged);
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
        if (dbClient != null) {
            // First the proxies: a database connection cut off closes at once, where a blackholed one may not.
            proxies.forEach(p -> {
                try {
                    p.resetConnections();
                } catch (RuntimeException ignored) {
                    // the lab is closing anyway
                }
            });
        }
        if (view != null) {
            view.close();
        }
        if (redis != null) {
            redis.forget(keys);
            redis.close();
        }
        if (db != null) {
            try {
                db.close();
            } catch (java.sql.SQLException | RuntimeException e) {
                // the server is gone: the user made for the trial goes when the lab can reach it again (it holds no rights)
            }
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
