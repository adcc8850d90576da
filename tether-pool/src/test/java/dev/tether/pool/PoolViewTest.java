package dev.tether.pool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool seen from outside: the view, the dump and the JMX bean, on a pool whose state the test
 * set up with a fake ticker, so every age, idle time and deadline in the dump is known exactly.
 */
class PoolViewTest {
    private final FakeTicker ticker = new FakeTicker();
    private final TestConnector connector = new TestConnector();
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private KeyedPool<String, FakeConnection> pool(String name) {
        KeyedPool<String, FakeConnection> p = KeyedPool.builder(connector)
                .config(PoolConfig.builder().name(name).maxPerKey(4).maxTotal(10).idleTimeout(Duration.ofSeconds(50))
                        .maxLifetime(Duration.ofMinutes(30)).lifetimeJitter(Duration.ZERO).jmx(true).build())
                .ticker(ticker).housekeeping(Housekeeping.manual()).backgroundExecutor(Runnable::run)
                .random(new Random(7)).build();
        toClose.add(p);
        return p;
    }

    /**
     * At t=0 two connections to api:80 and one to db:5432 open; at 5 s the second to api:80 comes
     * back with a Keep-Alive deadline 10 s later; at 6 s the one to db:5432 comes back plain; at 8 s
     * the view is taken. Leases held by the test keep the rest leased.
     */
    private KeyedPool<String, FakeConnection> knownState(String name) {
        KeyedPool<String, FakeConnection> p = pool(name);
        Lease<FakeConnection> a1 = p.acquire("api:80");
        Lease<FakeConnection> a2 = p.acquire("api:80");
        Lease<FakeConnection> d1 = p.acquire("db:5432");
        ticker.advance(Duration.ofSeconds(5));
        a2.deadlineAt(ticker.now() + Duration.ofSeconds(10).toNanos(), DeadlineSource.KEEP_ALIVE);
        a2.close();
        ticker.advance(Duration.ofSeconds(1));
        d1.close();
        ticker.advance(Duration.ofSeconds(2));
        assertThat(a1.get().id).isEqualTo(1);
        return p;
    }

    @Test
    void theViewHoldsEveryConnectionWithItsDeadlineAndWhatSetIt() {
        KeyedPool<String, FakeConnection> p = knownState("view-rows");

        PoolView v = p.poolView();

        assertThat(v.kind()).isEqualTo("pool");
        assertThat(v.leased()).isEqualTo(1);
        assertThat(v.idle()).isEqualTo(2);
        assertThat(v.opened()).isEqualTo(3);
        assertThat(v.key("api:80").opened()).isEqualTo(2);
        assertThat(v.connections()).hasSize(3);
        PoolView.ConnectionView keepAlive = v.connections().stream().filter(c -> c.localPort() == 40_002).findFirst().orElseThrow();
        assertThat(keepAlive.state()).isEqualTo(PoolView.State.IDLE);
        assertThat(keepAlive.ageNanos()).isEqualTo(Duration.ofSeconds(8).toNanos());
        assertThat(keepAlive.idleNanos()).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(keepAlive.closesInNanos()).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(keepAlive.closeSetBy()).isEqualTo(DeadlineSource.KEEP_ALIVE);
    }

    @Test
    void theDumpHasOneLinePerConnectionLikeLsof() {
        KeyedPool<String, FakeConnection> p = knownState("view-dump");

        String dump = PoolDump.render(p.poolView());

        assertThat(dump.lines().toList()).containsExactly(
                "pool \"view-dump\" (pool): 1 leased, 2 idle, 0 opening, 0 waiting; opened 3, closed 0",
                "ROUTE    LPORT  STATE   AGE   IDLE  USES  CLOSES-IN  SET-BY",
                "api:80   40001  LEASED  8.0s     -     1  1792.0s    lifetime",
                "api:80   40002  IDLE    8.0s  3.0s     1  7.0s       keep-alive",
                "db:5432  40003  IDLE    8.0s  2.0s     1  48.0s      idle-timeout");
    }

    @Test
    void theBeanShowsTheSameFiguresAndEvictsAndDumpsOverJmx() throws Exception {
        KeyedPool<String, FakeConnection> p = knownState("view-jmx");
        ObjectName name = new ObjectName("dev.tether:type=Pool,kind=pool,name=view-jmx");

        assertThat(server.isRegistered(name)).isTrue();
        assertThat(server.getAttribute(name, "Leased")).isEqualTo(1);
        assertThat(server.getAttribute(name, "Idle")).isEqualTo(2);
        assertThat((String[]) server.getAttribute(name, "Routes")).containsExactly("api:80", "db:5432");
        assertThat(server.invoke(name, "dump", null, null)).isEqualTo(PoolDump.render(p.poolView()));
        assertThat((String) server.invoke(name, "viewJson", null, null))
                .contains("\"name\":\"view-jmx\"", "\"localPort\":40002", "\"closeSetBy\":\"keep-alive\"");

        assertThat(server.invoke(name, "evictIdle", null, null)).isEqualTo(2);

        assertThat(server.getAttribute(name, "Idle")).isEqualTo(0);
        TabularData closed = (TabularData) server.getAttribute(name, "ClosedByReason");
        assertThat(closed.get(new Object[] {"EVICTED"}).get("value")).isEqualTo(2L);
        p.close();
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void aSecondPoolOfTheSameNameGetsASuffixAndNoBeanWithoutOptIn() throws Exception {
        pool("twin");
        pool("twin");
        assertThat(server.isRegistered(new ObjectName("dev.tether:type=Pool,kind=pool,name=twin"))).isTrue();
        assertThat(server.isRegistered(new ObjectName("dev.tether:type=Pool,kind=pool,name=twin-2"))).isTrue();
        Pool<FakeConnection> quiet = Pool.builder("x", connector).config(PoolConfig.builder().name("quiet").build()).build();
        toClose.add(quiet);
        assertThat(server.queryNames(new ObjectName("dev.tether:name=quiet,*"), null)).isEmpty();
    }

    @Test
    void aSubscribedListenerHearsAgeAndUsesAtCloseUntilItUnsubscribes() {
        KeyedPool<String, FakeConnection> p = pool("view-listen");
        List<String> heard = new ArrayList<>();
        Inspectable.ListenerHandle s = p.addPoolListener(new PoolListener<>() {
            @Override
            public void closed(Object key, Object connection, Reason reason, long ageNanos, int uses) {
                heard.add(key + " " + reason + " " + Duration.ofNanos(ageNanos).toSeconds() + "s " + uses);
            }
        });
        Lease<FakeConnection> l = p.acquire("api:80");
        l.close();
        p.acquire("api:80").close();
        ticker.advance(Duration.ofSeconds(4));
        p.acquire("api:80").close(Reason.BROKEN);
        s.close();
        p.acquire("api:80").close(Reason.BROKEN);

        assertThat(heard).containsExactly("api:80 BROKEN 4s 3");
    }

    @Test
    void waitsAndOpensAreTimedPerKey() {
        KeyedPool<String, FakeConnection> p = pool("view-timing");
        p.acquire("api:80").close();
        p.acquire("api:80").close();

        PoolView.KeyView k = p.poolView().key("api:80");
        assertThat(k.opened()).isEqualTo(1);
        assertThat(k.waits()).isZero(); // neither acquire had to wait: nothing counted on the hot path
        assertThat(k.openNanos()).isZero(); // the fake ticker did not move while opening
    }
}
