package dev.tether.pool.internal;

import dev.tether.pool.Inspectable;
import dev.tether.pool.PoolDump;
import dev.tether.pool.PoolMXBean;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@link PoolMXBean} of one pool: every attribute reads a fresh view from {@code views}, so it
 * keeps no state. {@link #register} publishes it on the platform MBean server under a name unique
 * in the JVM; the engine unregisters it when the pool closes.
 */
final class PoolBean implements PoolMXBean {
    static final String DOMAIN = "dev.tether";

    private final Supplier<PoolView> views;
    private final Inspectable target;

    PoolBean(Supplier<PoolView> views, Inspectable target) {
        this.views = views;
        this.target = target;
    }

    /**
     * Registers the bean as {@code dev.tether:type=Pool,kind=KIND,name=NAME}; a name already taken
     * (two pools of one name) gets {@code NAME-2}, {@code NAME-3}... Returns the name used, or null
     * when JMX refused (logged: seeing inside must never stop a pool from starting).
     */
    ObjectName register(String kind, String name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int n = 1; n < 1_000; n++) {
            try {
                ObjectName on = objectName(kind, n == 1 ? name : name + "-" + n);
                server.registerMBean(this, on);
                return on;
            } catch (InstanceAlreadyExistsException taken) {
                // try the next suffix
            } catch (JMException | RuntimeException e) {
                Engine.LOG.warn("pool \"{}\": could not register its JMX bean: {}", name, e.toString());
                return null;
            }
        }
        Engine.LOG.warn("pool \"{}\": could not register its JMX bean: 999 pools of that name are registered", name);
        return null;
    }

    static ObjectName objectName(String kind, String name) throws JMException {
        return new ObjectName(DOMAIN + ":type=Pool,kind=" + value(kind) + ",name=" + value(name));
    }

    /** A key property's value: as it is when JMX allows it (what JConsole shows), else quoted. */
    private static String value(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (",=:\"*?\\\n ".indexOf(s.charAt(i)) >= 0) {
                return ObjectName.quote(s);
            }
        }
        return s;
    }

    static void unregister(ObjectName on) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(on);
        } catch (InstanceNotFoundException gone) {
            // someone unregistered it already: nothing to do
        } catch (JMException | RuntimeException e) {
            Engine.LOG.warn("could not unregister JMX bean {}: {}", on, e.toString());
        }
    }

    @Override public String getName() { return views.get().name(); }
    @Override public String getKind() { return views.get().kind(); }
    @Override public int getIdle() { return views.get().idle(); }
    @Override public int getLeased() { return views.get().leased(); }
    @Override public int getOpening() { return views.get().opening(); }
    @Override public int getWaiting() { return views.get().waiting(); }
    @Override public int getMaxTotal() { return views.get().maxTotal(); }
    @Override public long getOpened() { return views.get().opened(); }
    @Override public long getClosed() { return views.get().closed(); }

    @Override
    public Map<String, Long> getClosedByReason() {
        Map<String, Long> m = new TreeMap<>();
        for (Map.Entry<Reason, Long> e : views.get().closedByReason().entrySet()) {
            m.put(e.getKey().name(), e.getValue());
        }
        return m;
    }

    @Override
    public String[] getRoutes() {
        return views.get().keys().stream().map(PoolView.KeyView::route).sorted().toArray(String[]::new);
    }

    @Override
    public Map<String, Long> getLearnedIdleTimeoutMillis() {
        Map<String, Long> m = new TreeMap<>();
        for (PoolView.KeyView k : views.get().keys()) {
            if (k.learnedIdleTimeout() != null) {
                m.put(k.route(), k.learnedIdleTimeout().toMillis());
            }
        }
        return m;
    }

    @Override
    public Map<String, Long> getRetries() {
        Map<String, Long> m = new TreeMap<>();
        for (Map.Entry<RetryOutcome, Long> e : views.get().retries().entrySet()) {
            m.put(e.getKey().label(), e.getValue());
        }
        return m;
    }

    @Override
    public int evictIdle() {
        return target.evictIdle();
    }

    @Override
    public String dump() {
        return PoolDump.render(views.get());
    }

    @Override
    public String viewJson() {
        return ViewJson.of(views.get());
    }
}
