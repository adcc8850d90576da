package dev.tether.micrometer;

import dev.tether.pool.Inspectable;
import dev.tether.pool.PoolListener;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Binds a tether pool or client ({@code HttpClient}, {@code RedisClient}, {@code JdbcPool}, a
 * {@code KeyedPool} or {@code Pool}: anything {@link Inspectable}) to a Micrometer registry.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.create(config);
 * TetherMetrics.of(client).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter carries the tags {@code pool} (the pool's name) and {@code kind} ({@code http},
 * {@code redis}, {@code jdbc}, {@code pool}), plus any given to {@link Builder#tags}:
 * <ul>
 *   <li>{@code tether.pool.connections} (gauge; {@code state} = idle, leased, opening, waiting;
 *       {@code route}): connections per route and state; waiting counts callers.</li>
 *   <li>{@code tether.pool.all.connections} (gauge; {@code state}): the same over every route.</li>
 *   <li>{@code tether.pool.opened}, {@code tether.pool.open.failed} (counters; {@code route}).</li>
 *   <li>{@code tether.pool.closed} (counter; {@code route}, {@code reason} = a {@link Reason} in
 *       lower case, such as {@code peer_closed}).</li>
 *   <li>{@code tether.pool.acquire} (timer; {@code route}): how long callers waited for a
 *       connection (zero when one was free; an open by the caller included).</li>
 *   <li>{@code tether.pool.acquire.timeouts}, {@code tether.pool.leaks} (counters; {@code route}).</li>
 *   <li>{@code tether.pool.open} (timer; {@code route}): how long successful opens took.</li>
 *   <li>{@code tether.pool.connection.age} (distribution summary, seconds; {@code route},
 *       {@code reason}): connections' age when they were closed.</li>
 *   <li>{@code tether.pool.idle.timeout.learned} (gauge, seconds; {@code route}; HTTP only): the
 *       server's idle timeout as the client learned it; NaN while none is known.</li>
 *   <li>{@code tether.client.retries} (function counter; {@code outcome} = succeeded, failed,
 *       not_retried; protocol clients only): requests whose connection failed, by what became of them.</li>
 * </ul>
 *
 * <p>Routes are a bounded tag set: the first {@link Builder#maxRoutes} routes seen (default 20;
 * those the pool holds at bind time first, by name) keep their own {@code route} tag for the
 * binder's life; every later route is counted under {@code route=other}. A client that talks to
 * thousands of hosts therefore adds at most {@code maxRoutes + 1} series per meter.
 *
 * <p>Counters, timers and the age distribution count events from the moment of binding (they
 * listen to the pool, {@link Inspectable#addPoolListener}); gauges and the retries counter read
 * the pool's current {@link PoolView}, at most once per {@link Builder#viewMaxAge} (default
 * 100 ms), so a scrape of many gauges takes one snapshot. Thread-safe; bind one instance to one
 * registry, and {@link #close()} it to remove its meters and its listener.
 */
public final class TetherMetrics implements MeterBinder, AutoCloseable {
    /** The tag value of routes beyond {@link Builder#maxRoutes}. */
    public static final String OTHER_ROUTE = "other";
    private static final String[] STATES = {"idle", "leased", "opening", "waiting"};

    private final Inspectable target;
    private final int maxRoutes;
    private final long viewMaxAgeNanos;
    private final Tags extraTags;

    private final ReentrantLock lock = new ReentrantLock(); // guards binding state and the cached view
    /** Set once, under the lock, before the pool's events can arrive; read by the event meters. */
    private volatile MeterRegistry registry;
    private volatile Tags common;
    private boolean learning; // guarded by lock: whether the target learns idle timeouts (HTTP)
    private final List<Meter> meters = new ArrayList<>(); // guarded by lock
    private Inspectable.ListenerHandle listening; // guarded by lock
    private PoolView view; // guarded by lock
    private long viewAt; // guarded by lock
    /** Route text to its tag value (itself, or OTHER_ROUTE); grows to maxRoutes named routes and no further. */
    private final ConcurrentHashMap<String, String> tagOf = new ConcurrentHashMap<>();
    private int named; // guarded by lock
    /** Event meters per tag value. */
    private final ConcurrentHashMap<String, RouteMeters> byTag = new ConcurrentHashMap<>();
    /** The pool's key objects to their meters, so that an event costs one map lookup; emptied when the pool forgets a key. */
    private final ConcurrentHashMap<Object, RouteMeters> byKey = new ConcurrentHashMap<>();

    private TetherMetrics(Builder b) {
        this.target = b.target;
        this.maxRoutes = b.maxRoutes;
        this.viewMaxAgeNanos = b.viewMaxAge.toNanos();
        this.extraTags = b.tags;
    }

    /**
     * A binder with the defaults (20 routes, views at most 100 ms old, no extra tags).
     *
     * @param target the pool or client to measure
     * @return a binder, not yet bound
     * @throws NullPointerException if {@code target} is null
     */
    public static TetherMetrics of(Inspectable target) {
        return builder(target).build();
    }

    /**
     * A builder for a binder of {@code target}.
     *
     * @param target the pool or client to measure
     * @return a builder with the defaults
     * @throws NullPointerException if {@code target} is null
     */
    public static Builder builder(Inspectable target) {
        return new Builder(Objects.requireNonNull(target, "target"));
    }

    /**
     * Registers the meters and starts listening to the pool.
     *
     * @param registry the registry
     * @throws IllegalStateException if this binder is already bound
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        PoolView v = target.poolView();
        lock.lock();
        try {
            if (this.registry != null) {
                throw new IllegalStateException("this TetherMetrics is already bound to a registry; make one binder per registry");
            }
            this.registry = registry;
            this.common = Tags.of("pool", v.name(), "kind", v.kind()).and(extraTags);
            this.learning = v.kind().equals("http");
            this.view = v;
            this.viewAt = System.nanoTime();
            for (String state : STATES) {
                meters.add(Gauge.builder("tether.pool.all.connections", this, m -> m.total(state))
                        .description("Connections of every route in one state (waiting: callers waiting)")
                        .tags(common).tag("state", state).strongReference(true).register(registry));
            }
            if (!v.kind().equals("pool")) {
                for (RetryOutcome o : RetryOutcome.values()) {
                    meters.add(FunctionCounter.builder("tether.client.retries", this, m -> m.view().retries(o))
                            .description("Requests whose connection failed, by what became of them")
                            .tags(common).tag("outcome", o.label()).register(registry));
                }
            }
        } finally {
            lock.unlock();
        }
        // Routes the pool holds now take their tags first, by name, so that a restart binds the same ones.
        v.keys().stream().map(PoolView.KeyView::route).sorted(Comparator.naturalOrder()).forEach(this::tagFor);
        Inspectable.ListenerHandle handle = target.addPoolListener(new Events());
        lock.lock();
        try {
            listening = handle;
        } finally {
            lock.unlock();
        }
    }

    /** Removes this binder's meters from the registry and stops listening to the pool. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (listening != null) {
                listening.close();
                listening = null;
            }
            if (registry != null) {
                for (Meter m : meters) {
                    registry.remove(m);
                }
            }
            meters.clear();
        } finally {
            lock.unlock();
        }
    }

    // ---- routes and their tags -----------------------------------------------------------------

    /** The tag value of {@code route}, registering its gauges when it is a new named route (or the first "other"). */
    private String tagFor(String route) {
        String tag = tagOf.get(route);
        if (tag != null) {
            return tag;
        }
        lock.lock();
        try {
            tag = tagOf.get(route);
            if (tag == null) {
                if (named < maxRoutes) {
                    tag = route;
                    named++;
                    registerRouteGauges(route, false);
                } else {
                    tag = OTHER_ROUTE;
                    if (!tagOf.containsValue(OTHER_ROUTE)) {
                        registerRouteGauges(OTHER_ROUTE, true);
                    }
                }
                tagOf.put(route, tag);
            }
            return tag;
        } finally {
            lock.unlock();
        }
    }

    private void registerRouteGauges(String tag, boolean other) { // caller holds lock
        if (registry == null) {
            return;
        }
        for (String state : STATES) {
            meters.add(Gauge.builder("tether.pool.connections", this, m -> m.count(tag, other, state))
                    .description("Connections of one route in one state (waiting: callers waiting)")
                    .tags(common).tag("route", tag).tag("state", state).strongReference(true).register(registry));
        }
        if (learning && !other) {
            meters.add(Gauge.builder("tether.pool.idle.timeout.learned", this, m -> m.learnedSeconds(tag))
                    .description("The server's idle timeout as the client learned it (NaN: none known)")
                    .baseUnit("seconds").tags(common).tag("route", tag).strongReference(true).register(registry));
        }
    }

    private RouteMeters metersOf(Object key) {
        RouteMeters m = byKey.get(key);
        if (m == null) {
            String tag = tagFor(String.valueOf(key));
            m = byTag.computeIfAbsent(tag, RouteMeters::new);
            byKey.putIfAbsent(key, m);
        }
        return m;
    }

    // ---- gauge functions, on the cached view ---------------------------------------------------

    private PoolView view() {
        lock.lock();
        try {
            long now = System.nanoTime(); // the binder measures real time: scrapes come in real time
            if (view == null || now - viewAt >= viewMaxAgeNanos) {
                view = target.poolView();
                viewAt = now;
            }
            return view;
        } finally {
            lock.unlock();
        }
    }

    private double total(String state) {
        PoolView v = view();
        return switch (state) {
            case "idle" -> v.idle();
            case "leased" -> v.leased();
            case "opening" -> v.opening();
            default -> v.waiting();
        };
    }

    private double count(String tag, boolean other, String state) {
        double n = 0;
        for (PoolView.KeyView k : view().keys()) {
            String t = tagOf.get(k.route());
            if (other ? OTHER_ROUTE.equals(t) : k.route().equals(tag)) {
                n += switch (state) {
                    case "idle" -> k.idle();
                    case "leased" -> k.leased();
                    case "opening" -> k.opening();
                    default -> k.waiting();
                };
            }
        }
        return n;
    }

    private double learnedSeconds(String route) {
        PoolView.KeyView k = view().key(route);
        Duration d = k == null ? null : k.learnedIdleTimeout();
        return d == null ? Double.NaN : d.toNanos() / 1e9;
    }

    // ---- event meters --------------------------------------------------------------------------

    /** The event meters of one route tag; closes and ages per reason made on first use. */
    private final class RouteMeters {
        final Tags tags;
        final Counter opened;
        final Counter openFailed;
        final Timer open;
        final Timer acquire;
        final Counter timeouts;
        final Counter leaks;
        final Counter[] closed = new Counter[Reason.values().length];
        final DistributionSummary[] age = new DistributionSummary[Reason.values().length];

        RouteMeters(String tag) {
            this.tags = common.and("route", tag);
            this.opened = add(Counter.builder("tether.pool.opened").description("Connections opened").tags(tags).register(registry));
            this.openFailed = add(Counter.builder("tether.pool.open.failed").description("Opens that failed")
                    .tags(tags).register(registry));
            this.open = add(Timer.builder("tether.pool.open").description("Time to open a connection").tags(tags).register(registry));
            this.acquire = add(Timer.builder("tether.pool.acquire")
                    .description("Time callers waited for a connection (0 when one was free)").tags(tags).register(registry));
            this.timeouts = add(Counter.builder("tether.pool.acquire.timeouts")
                    .description("Callers that gave up waiting for a connection").tags(tags).register(registry));
            this.leaks = add(Counter.builder("tether.pool.leaks").description("Leases reported as likely leaks")
                    .tags(tags).register(registry));
        }

        Counter closed(Reason r) {
            Counter c = closed[r.ordinal()];
            if (c == null) {
                c = add(Counter.builder("tether.pool.closed").description("Connections closed, by reason")
                        .tags(tags).tag("reason", label(r)).register(registry));
                closed[r.ordinal()] = c; // a race registers the same meter twice: Micrometer returns the one it has
            }
            return c;
        }

        DistributionSummary age(Reason r) {
            DistributionSummary s = age[r.ordinal()];
            if (s == null) {
                s = add(DistributionSummary.builder("tether.pool.connection.age")
                        .description("Age of connections when they were closed, by reason").baseUnit("seconds")
                        .tags(tags).tag("reason", label(r)).register(registry));
                age[r.ordinal()] = s;
            }
            return s;
        }

        private <M extends Meter> M add(M m) {
            lock.lock();
            try {
                meters.add(m);
            } finally {
                lock.unlock();
            }
            return m;
        }
    }

    private static String label(Reason r) {
        return r.name().toLowerCase(Locale.ROOT);
    }

    private final class Events implements PoolListener<Object, Object> {
        @Override
        public void opened(Object key, Object connection, long tookNanos) {
            RouteMeters m = metersOf(key);
            m.opened.increment();
            m.open.record(tookNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void openFailed(Object key, Throwable cause, long tookNanos) {
            metersOf(key).openFailed.increment();
        }

        @Override
        public void acquired(Object key, Object connection, long waitedNanos) {
            metersOf(key).acquire.record(waitedNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void closed(Object key, Object connection, Reason reason, long ageNanos, int uses) {
            RouteMeters m = metersOf(key);
            m.closed(reason).increment();
            m.age(reason).record(ageNanos / 1e9);
        }

        @Override
        public void timedOut(Object key, long waitedNanos) {
            metersOf(key).timeouts.increment();
        }

        @Override
        public void leakSuspected(Object key, Object connection, long heldNanos, Throwable acquiredAt) {
            metersOf(key).leaks.increment();
        }

        /** The key object goes; its tag (and its meters) stay, so a route that comes back continues its series. */
        @Override
        public void forgotten(Object key) {
            byKey.remove(key);
        }
    }

    /** Options of a {@link TetherMetrics}; not thread-safe, build once. */
    public static final class Builder {
        private final Inspectable target;
        private int maxRoutes = 20;
        private Duration viewMaxAge = Duration.ofMillis(100);
        private Tags tags = Tags.empty();

        private Builder(Inspectable target) {
            this.target = target;
        }

        /**
         * How many routes get their own {@code route} tag (default 20); later ones are {@code route=other}.
         *
         * @param n at least 0 (0: every route is "other")
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder maxRoutes(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxRoutes: " + n + " (expected: >= 0)");
            }
            this.maxRoutes = n;
            return this;
        }

        /**
         * How old a view the gauges may read (default 100 ms): one scrape reads many gauges from one
         * snapshot. {@link Duration#ZERO}: every gauge read takes a fresh one.
         *
         * @param d not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative
         */
        public Builder viewMaxAge(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("viewMaxAge: " + d + " (expected: >= 0)");
            }
            this.viewMaxAge = d;
            return this;
        }

        /**
         * Tags added to every meter (an application name, a region).
         *
         * @param extra the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> extra) {
            this.tags = Tags.of(extra);
            return this;
        }

        /**
         * The binder.
         *
         * @return a binder, not yet bound
         */
        public TetherMetrics build() {
            return new TetherMetrics(this);
        }
    }
}
