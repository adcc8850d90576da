package dev.tether.micrometer;

import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosProxy;
import dev.tether.http.HttpClient;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.RequestBody;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The binder on a real HttpClient doing work through tether-chaos's proxy and failing: an idle
 * connection reset (closed as PEER_CLOSED, costs nothing), a GET in flight reset (retried, SUCCEEDED),
 * a POST in flight reset (NOT_RETRIED, the caller sees it). Every meter must be there with the value
 * the client's own view gives.
 */
class HttpMetricsTest {
    @RegisterExtension
    static final ChaosExtension chaos = new ChaosExtension();

    private TinyHttpServer server;
    private HttpClient client;
    private TetherMetrics metrics;
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        server = new TinyHttpServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (metrics != null) {
            metrics.close();
        }
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private String send(HttpRequest r) {
        try {
            return client.sendAndRead(r).string();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * Holds a request to /slow in flight on a reused connection (a GET first makes one idle),
     * resets every connection, and returns what the caller got.
     */
    private String resetInFlight(ChaosProxy p, String base, HttpRequest r) throws Exception {
        assertThat(send(HttpRequest.get(base + "/"))).isEqualTo("GET ok");
        server.hold(1);
        int before = server.slowArrived.get();
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> send(r));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.slowArrived.get() == before + 1);
        p.resetConnections();
        server.release();
        return call.get(20, TimeUnit.SECONDS);
    }

    @Test
    void everyMeterIsThereWithTheValueTheClientSees() throws Exception {
        ChaosProxy p = chaos.proxy("http", server.port());
        String base = "http://127.0.0.1:" + p.port();
        String route = "tcp://127.0.0.1:" + p.port();
        client = HttpClient.create(HttpClientConfig.builder().pool(b -> b.name("metrics-http")).build());
        metrics = TetherMetrics.builder(client).viewMaxAge(Duration.ZERO).build();
        metrics.bindTo(registry);

        for (int i = 0; i < 5; i++) {
            assertThat(send(HttpRequest.get(base + "/"))).isEqualTo("GET ok");
        }
        p.resetConnections(); // while idle: the watcher closes it, nobody pays
        await().atMost(Duration.ofSeconds(10)).until(() -> client.poolView().closed(Reason.PEER_CLOSED) == 1);
        assertThat(resetInFlight(p, base, HttpRequest.get(base + "/slow"))).isEqualTo("GET ok"); // retried: SUCCEEDED
        assertThat(resetInFlight(p, base, HttpRequest.post(base + "/slow", RequestBody.of("x")))) // NOT_RETRIED
                .contains("the request may have been applied");
        assertThat(send(HttpRequest.get(base + "/"))).isEqualTo("GET ok");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.poolView().idle() == 1);

        PoolView v = client.poolView();
        assertThat(v.opened()).isEqualTo(4); // the first, then one after each kill (a retry's is outside the pool)
        assertThat(v.closed(Reason.BROKEN)).isEqualTo(2);
        assertThat(v.retries(RetryOutcome.SUCCEEDED)).isEqualTo(1);
        assertThat(v.retries(RetryOutcome.NOT_RETRIED)).isEqualTo(1);

        String[] common = {"pool", "metrics-http", "kind", "http"};
        assertThat(registry.get("tether.pool.opened").tags(common).tag("route", route).counter().count()).isEqualTo(4);
        assertThat(registry.get("tether.pool.open").tag("route", route).timer().count()).isEqualTo(4);
        assertThat(registry.get("tether.pool.open.failed").tag("route", route).counter().count()).isZero();
        assertThat(registry.get("tether.pool.acquire").tag("route", route).timer().count()).isEqualTo(5 + 2 + 2 + 1);
        assertThat(registry.get("tether.pool.acquire.timeouts").tag("route", route).counter().count()).isZero();
        assertThat(registry.get("tether.pool.leaks").tag("route", route).counter().count()).isZero();
        assertThat(registry.get("tether.pool.closed").tag("route", route).tag("reason", "peer_closed").counter().count()).isEqualTo(1);
        assertThat(registry.get("tether.pool.closed").tag("route", route).tag("reason", "broken").counter().count()).isEqualTo(2);
        assertThat(registry.get("tether.pool.connection.age").tag("reason", "broken").summary().count()).isEqualTo(2);
        assertThat(registry.get("tether.pool.connection.age").tag("reason", "peer_closed").summary().totalAmount()).isPositive();
        assertThat(registry.get("tether.pool.connections").tag("route", route).tag("state", "idle").gauge().value()).isEqualTo(1);
        assertThat(registry.get("tether.pool.connections").tag("route", route).tag("state", "leased").gauge().value()).isZero();
        assertThat(registry.get("tether.pool.connections").tag("route", route).tag("state", "opening").gauge().value()).isZero();
        assertThat(registry.get("tether.pool.connections").tag("route", route).tag("state", "waiting").gauge().value()).isZero();
        assertThat(registry.get("tether.pool.all.connections").tag("state", "idle").gauge().value()).isEqualTo(1);
        assertThat(registry.get("tether.pool.idle.timeout.learned").tag("route", route).gauge().value()).isNaN();
        assertThat(registry.get("tether.client.retries").tag("outcome", "succeeded").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("tether.client.retries").tag("outcome", "not_retried").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("tether.client.retries").tag("outcome", "failed").functionCounter().count()).isZero();

        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void aLearnedIdleTimeoutIsAGaugeInSeconds() throws Exception {
        ChaosProxy p = chaos.proxy("http", server.port());
        p.addToxic(dev.tether.chaos.Toxic.idleClose(Duration.ofMillis(400), false)); // a load balancer's idle cut
        String base = "http://127.0.0.1:" + p.port();
        client = HttpClient.create(HttpClientConfig.builder().pool(b -> b.name("metrics-learn")).build());
        metrics = TetherMetrics.builder(client).viewMaxAge(Duration.ZERO).build();
        metrics.bindTo(registry);

        // Two closes seen at the same idle age teach it. On a loaded machine the watcher may see one
        // late, and two ages disagree: then one more connection, up to ten, until two agree.
        for (int i = 1; i <= 10 && !(learnedGauge() > 0); i++) {
            send(HttpRequest.get(base + "/"));
            long closes = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> client.poolView().closed(Reason.PEER_CLOSED) == closes);
        }

        double learned = learnedGauge();
        assertThat(learned).isBetween(0.35, 2.5);
        assertThat(learned).isEqualTo(client.poolView().keys().get(0).learnedIdleTimeout().toNanos() / 1e9);
        // The change is worth one INFO line, with the value it learned.
        assertThat(CapturedLogs.tether(Level.INFO)).anySatisfy(l -> assertThat(l.message())
                .isEqualTo("event=idle_timeout.learned route=tcp://127.0.0.1:" + p.port() + " timeout_ms="
                        + client.poolView().keys().get(0).learnedIdleTimeout().toMillis() + " was_ms=none"));
    }

    /** The learned-timeout gauge's value; NaN before its route was first seen. */
    private double learnedGauge() {
        io.micrometer.core.instrument.Gauge g = registry.find("tether.pool.idle.timeout.learned").gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void routesBeyondTheLimitAreCountedAsOther() throws Exception {
        client = HttpClient.create(HttpClientConfig.builder().pool(b -> b.name("metrics-routes")).build());
        metrics = TetherMetrics.builder(client).maxRoutes(2).viewMaxAge(Duration.ZERO).build();
        metrics.bindTo(registry);
        List<ChaosProxy> proxies = List.of(chaos.proxy("a", server.port()), chaos.proxy("b", server.port()),
                chaos.proxy("c", server.port()), chaos.proxy("d", server.port()));
        for (ChaosProxy p : proxies) {
            assertThat(send(HttpRequest.get("http://127.0.0.1:" + p.port() + "/"))).isEqualTo("GET ok");
        }

        List<String> routes = registry.find("tether.pool.opened").counters().stream()
                .map(c -> c.getId().getTag("route")).sorted().toList();
        assertThat(routes).hasSize(3).contains("other");
        assertThat(registry.get("tether.pool.opened").tag("route", "other").counter().count()).isEqualTo(2);
        assertThat(registry.get("tether.pool.connections").tag("route", "other").tag("state", "idle").gauge().value()).isEqualTo(2);
        assertThat(registry.find("tether.pool.connections").tag("state", "idle").gauges().stream().mapToDouble(g -> g.value()).sum())
                .isEqualTo(4);
        assertThat(registry.getMeters().stream().map(Meter::getId).filter(id -> id.getTag("route") != null)
                .map(id -> id.getTag("route")).distinct().count()).isEqualTo(3);
    }
}
