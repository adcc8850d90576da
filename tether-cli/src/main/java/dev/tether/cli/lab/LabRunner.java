package dev.tether.cli.lab;

import dev.tether.chaos.ChaosLab;
import dev.tether.cli.lab.db.DbScenario;
import dev.tether.cli.lab.db.Dialect;
import dev.tether.cli.lab.db.LabDatabases;
import dev.tether.cli.lab.redis.LabRedis;
import dev.tether.cli.lab.redis.RedisScenario;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Runs scenarios one after the other:
 *
 * <ol>
 *   <li>For each client kind of the scenario, a {@link Trial} runs the script on a thread of its
 *       own, against servers and proxies of its own, so the clients meet the same failure side by
 *       side without sharing a port.</li>
 *   <li>Every 40 ms each trial samples its client's connections (idle, leased) and the sockets in
 *       CLOSE_WAIT towards the port it talks to.</li>
 *   <li>When the scripts end, the trials turn their counts into {@link ClientResult}s, the scenario
 *       explains them in a sentence, and everything a trial opened is closed.</li>
 * </ol>
 * A scenario whose setup fails is reported with its error; the others still run. Database
 * scenarios run only when the lab has that database ({@link LabDatabases}), else they are skipped
 * alike, a line per database; the lab's own PostgreSQL is stopped when the run ends. Redis scenarios
 * run only when the lab has a Redis ({@link LabRedis}): otherwise they are skipped with one line
 * that says how to run them, and the scenarios that restart a server or change its settings are
 * skipped on a server the user named.
 */
public final class LabRunner {

    /** Live progress: which scenario, which step, and the elapsed time. */
    public interface Progress {
        void start(int number, int total, String title);

        void step(String label);

        void done(ScenarioResult result);

        void finish();

        /**
         * A line per event when the output is not a terminal, one line redrawn in place when it is.
         * The caller decides which (a command: whether stderr is a console), so both can be tested.
         */
        static Progress to(PrintWriter out, boolean terminal) {
            return to(out, terminal, System::nanoTime);
        }

        /** As {@link #to(PrintWriter, boolean)}, with the clock the elapsed times are read from. */
        static Progress to(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
            return terminal ? new TerminalProgress(out, nanoClock) : new PlainProgress(out, nanoClock);
        }

        Progress SILENT = new Progress() {
            public void start(int number, int total, String title) { }
            public void step(String label) { }
            public void done(ScenarioResult result) { }
            public void finish() { }
        };
    }

    private final boolean quick;
    private final Progress progress;
    private final LabRedis redis;
    private final LabDatabases databases;

    /** With the lab's own redis-server and PostgreSQL, and MariaDB at 127.0.0.1:3306 if one answers. */
    public LabRunner(boolean quick, Progress progress) {
        this(quick, progress, LabRedis.embedded());
    }

    /** With the lab's own PostgreSQL, and MariaDB at 127.0.0.1:3306 if one answers. */
    public LabRunner(boolean quick, Progress progress, LabRedis redis) {
        this(quick, progress, redis, LabDatabases.defaults());
    }

    /** {@code databases} are closed (the lab's own PostgreSQL stopped) when {@link #run} ends. */
    public LabRunner(boolean quick, Progress progress, LabRedis redis, LabDatabases databases) {
        this.quick = quick;
        this.progress = progress;
        this.redis = redis;
        this.databases = databases;
    }

    public LabReport run(List<Scenario> chosen) {
        long start = System.nanoTime();
        String startedAt = Instant.now().toString();
        List<LabReport.Skipped> skipped = new ArrayList<>();
        List<Scenario> scenarios = runnable(chosen, skipped);
        List<ScenarioResult> results = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lab-sampler"));
        try (ChaosLab chaos = ChaosLab.create()) {
            int n = 0;
            for (Scenario s : scenarios) {
                n++;
                progress.start(n, scenarios.size(), s.title());
                int number = numberOf(s, n);
                ScenarioResult r = runOne(number, s, chaos, sampler);
                results.add(r);
                progress.done(r);
            }
        } finally {
            sampler.shutdownNow();
            databases.close();
            progress.finish();
        }
        return new LabReport("tether lab", quick, startedAt, (System.nanoTime() - start) / 1_000_000, results, skipped);
    }

    /** The chosen scenarios that can run here; the others go to {@code skipped}, a group per reason. */
    private List<Scenario> runnable(List<Scenario> chosen, List<LabReport.Skipped> skipped) {
        List<Scenario> out = runnableRedis(chosen, skipped);
        for (Dialect d : Dialect.values()) {
            List<Scenario> need = out.stream().filter(s -> s instanceof DbScenario db && db.dialect() == d).toList();
            String unavailable = need.isEmpty() ? null : databases.unavailable(d);
            if (unavailable != null) {
                out.removeAll(need);
                skipped.add(new LabReport.Skipped(ids(need), d.label() + (need.size() == 1 ? " scenario " : " scenarios ")
                        + named(need) + " skipped: " + unavailable + ".", databases.named(d)));
            }
        }
        return out;
    }

    private List<Scenario> runnableRedis(List<Scenario> chosen, List<LabReport.Skipped> skipped) {
        List<Scenario> needRedis = chosen.stream().filter(s -> s instanceof RedisScenario).toList();
        if (needRedis.isEmpty()) {
            return new ArrayList<>(chosen);
        }
        List<Scenario> out = new ArrayList<>(chosen);
        String unavailable = redis.unavailable();
        if (unavailable != null) {
            out.removeAll(needRedis);
            skipped.add(new LabReport.Skipped(ids(needRedis), "Redis " + (needRedis.size() == 1 ? "scenario " : "scenarios ")
                    + named(needRedis) + " skipped: " + unavailable + ".", !redis.own()));
        } else if (!redis.own()) {
            List<RedisScenario> ownOnly = needRedis.stream().map(s -> (RedisScenario) s).filter(RedisScenario::ownServerOnly).toList();
            if (!ownOnly.isEmpty()) {
                out.removeAll(ownOnly);
                List<String> changes = ownOnly.stream().map(RedisScenario::changes).toList();
                skipped.add(new LabReport.Skipped(ids(ownOnly), named(ownOnly) + " skipped: " + (ownOnly.size() == 1 ? "it " : "they ")
                        + String.join(" and ", changes) + ", which the lab does only to a redis-server it started itself, never"
                        + " to one named with --redis (" + redis.shown() + "); run " + (ownOnly.size() == 1 ? "it" : "them")
                        + " without --redis.", false));
            }
        }
        return out;
    }

    private static List<String> ids(List<? extends Scenario> scenarios) {
        return scenarios.stream().map(Scenario::id).toList();
    }

    /** "10 redis-idle-kill, 12 redis-restart and 13 redis-server-timeout". */
    private static String named(List<? extends Scenario> scenarios) {
        List<String> names = new ArrayList<>();
        for (Scenario s : scenarios) {
            names.add(numberOf(s, 0) + " " + s.id());
        }
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private ScenarioResult runOne(int number, Scenario s, ChaosLab chaos, ScheduledExecutorService sampler) {
        long origin = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(s.clients().size() + 1, r -> daemon(r, "lab-" + s.id()));
        java.util.concurrent.Callable<?> sideTask = s.side(quick);
        Future<?> side = sideTask == null ? null : pool.submit(sideTask);
        List<Trial> trials = new ArrayList<>();
        boolean first = true;
        for (ClientKind k : s.clients()) {
            trials.add(new Trial(s, k, quick, chaos, redis, origin, progress, first, side, databases));
            first = false;
        }
        ScheduledFuture<?> sampling = sampler.scheduleAtFixedRate(() -> trials.forEach(Trial::sample), 0, 40, TimeUnit.MILLISECONDS);
        String error = null;
        Object sideValue = null;
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Trial t : trials) {
                futures.add(pool.submit(() -> {
                    s.run(t);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    error = error != null ? error : c.getClass().getSimpleName() + ": " + c.getMessage();
                } catch (java.util.concurrent.TimeoutException e) {
                    f.cancel(true);
                    error = error != null ? error : "did not finish within 120 s";
                }
            }
            if (side != null) {
                try {
                    sideValue = side.get(120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    side.cancel(true); // the scenario explains its absence; the clients' results stand
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } finally {
            sampling.cancel(false);
            pool.shutdownNow();
        }
        List<ClientResult> clients = new ArrayList<>();
        Map<String, ClientResult> byClient = new LinkedHashMap<>();
        for (Trial t : trials) {
            ClientResult r = t.finish();
            clients.add(r);
            byClient.put(r.client(), r);
            t.closeAll();
        }
        String explanation;
        try {
            explanation = error == null ? s.explain(byClient, sideValue) : "the scenario could not run: " + error;
        } catch (RuntimeException e) {
            explanation = "(no explanation: " + e + ")";
        }
        return new ScenarioResult(number, s.id(), s.title(), s.fault(), (System.nanoTime() - origin) / 1_000_000, clients,
                explanation, error);
    }

    /** The scenario's number in the whole list (stable under --only), else its place in this run. */
    private static int numberOf(Scenario s, int fallback) {
        List<Scenario> all = Scenarios.all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(s.id())) {
                return i + 1;
            }
        }
        return fallback;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One line per scenario and step. */
    static final class PlainProgress implements Progress {
        // A lock, not a monitor: it is held around console output, and no monitor may be (virtual threads).
        private final ReentrantLock lock = new ReentrantLock();
        private final PrintWriter out;
        private final LongSupplier clock;
        private long started; // guarded by lock

        PlainProgress(PrintWriter out, LongSupplier clock) {
            this.out = out;
            this.clock = clock;
        }

        public void start(int number, int total, String title) {
            lock.lock();
            try {
                started = clock.getAsLong();
                out.println("[" + number + "/" + total + "] " + title);
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        public void step(String label) {
            lock.lock();
            try {
                out.println(String.format(Locale.ROOT, "      %5.1f s  %s", (clock.getAsLong() - started) / 1e9, label));
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        public void done(ScenarioResult r) {
            lock.lock();
            try {
                out.println(String.format(Locale.ROOT, "      %5.1f s  done%s", r.durationMs() / 1e3,
                        r.error() == null ? "" : " with an error: " + r.error()));
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        public void finish() {
        }
    }

    /**
     * One line redrawn in place ({@code \r}, then erase the line): scenario, elapsed time, current
     * step. Redrawn at once on each start and step, and every 100 ms by a ticker thread so that the
     * elapsed time moves while a step waits; a finished scenario stays as a line of its own.
     */
    static final class TerminalProgress implements Progress {
        static final String REDRAW = "\r\033[2K";
        /** 79: a line of 80 on an 80-column terminal wraps on some of them, and a wrapped line is not redrawn in place. */
        static final int WIDTH = 79;
        /** The least of the title kept when the line is too long: the step is what changes. */
        private static final int MIN_TITLE = 20;
        // A lock, not a monitor: it is held around console output, and no monitor may be (virtual threads).
        private final ReentrantLock lock = new ReentrantLock();
        private final PrintWriter out;
        private final LongSupplier clock;
        private final Thread ticker;
        private String scenario = ""; // guarded by lock
        private String step = "";     // guarded by lock
        private long started;         // guarded by lock
        private volatile boolean running = true;

        TerminalProgress(PrintWriter out, LongSupplier clock) {
            this.out = out;
            this.clock = clock;
            this.started = clock.getAsLong();
            this.ticker = new Thread(() -> {
                while (running) {
                    draw();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "lab-progress");
            ticker.setDaemon(true);
            ticker.start();
        }

        /**
         * The line as drawn now, within {@link #WIDTH}: when it is too long the scenario's title is
         * cut first (down to {@link #MIN_TITLE}), then the step.
         */
        String line() {
            lock.lock();
            try {
                String time = String.format(Locale.ROOT, "  %4.1f s  ", (clock.getAsLong() - started) / 1e9);
                String title = scenario;
                int over = title.length() + time.length() + step.length() - WIDTH;
                if (over > 0 && title.length() > MIN_TITLE) {
                    title = cut(title, Math.max(MIN_TITLE, title.length() - over));
                }
                return cut(title + time + step, WIDTH);
            } finally {
                lock.unlock();
            }
        }

        private static String cut(String text, int width) {
            return text.length() > width ? text.substring(0, width - 1) + "…" : text;
        }

        void draw() {
            lock.lock();
            try {
                if (scenario.isEmpty()) {
                    return;
                }
                out.print(REDRAW + line());
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        public void start(int number, int total, String title) {
            lock.lock();
            try {
                started = clock.getAsLong();
                scenario = "[" + number + "/" + total + "] " + title;
                step = "starting";
                draw();
            } finally {
                lock.unlock();
            }
        }

        public void step(String label) {
            lock.lock();
            try {
                step = label;
                draw();
            } finally {
                lock.unlock();
            }
        }

        public void done(ScenarioResult r) {
            lock.lock();
            try {
                out.print(REDRAW);
                out.println(String.format(Locale.ROOT, "%s  %.1f s%s", scenario, r.durationMs() / 1e3,
                        r.error() == null ? "" : "  error: " + r.error()));
                out.flush();
                scenario = ""; // nothing to redraw until the next scenario starts
            } finally {
                lock.unlock();
            }
        }

        public void finish() {
            running = false;
            ticker.interrupt();
            lock.lock();
            try {
                out.print(REDRAW);
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        /** Whether the ticker thread still runs (it stops at {@link #finish()}). */
        boolean ticking() {
            return ticker.isAlive();
        }
    }
}
