package dev.tether.micrometer;

import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosProxy;
import dev.tether.http.HttpClient;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.pool.Backoff;
import dev.tether.pool.RetryOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What tether logs, captured line by line ({@link CapturedLogs}): nothing at INFO while all is
 * well; a bounded number of lines however many connections a storm kills or however many opens
 * fail; each event a stable name with key=value fields.
 */
class LogsTest {
    @RegisterExtension
    static final ChaosExtension chaos = new ChaosExtension();

    private TinyHttpServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TinyHttpServer();
        CapturedLogs.clear();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private String send(String url) {
        try {
            return client.sendAndRead(HttpRequest.get(url)).string();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void aSteadyStateLogsNothingAtInfo() throws Exception {
        ChaosProxy p = chaos.proxy("steady", server.port());
        client = HttpClient.create(HttpClientConfig.builder().pool(b -> b.name("logs-steady").maxPerKey(4)).build());
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100; i++) {
                    assertThat(send("http://127.0.0.1:" + p.port() + "/")).isEqualTo("GET ok");
                }
            }));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        client.evictIdle(); // an operator's action is worth a line: clear it, then look at the rest
        CapturedLogs.clear();
        for (int i = 0; i < 50; i++) {
            send("http://127.0.0.1:" + p.port() + "/");
        }
        client.close();

        assertThat(CapturedLogs.tether(Level.INFO)).isEmpty();
        // DEBUG tells the whole story, one event per line with its fields.
        assertThat(CapturedLogs.lines()).anySatisfy(l -> assertThat(l.message())
                .matches("event=connection\\.opened pool=logs-steady route=tcp://127\\.0\\.0\\.1:\\d+ connection=.* took_ms=\\d+"));
        assertThat(CapturedLogs.lines()).anySatisfy(l -> assertThat(l.message())
                .matches("event=connection\\.closed pool=logs-steady route=tcp://127\\.0\\.0\\.1:\\d+ connection=.* reason=POOL_CLOSED age_ms=\\d+ uses=\\d+"));
    }

    /** Eight GETs of /slow held by the server at once. */
    private final class InFlight {
        final List<CompletableFuture<String>> calls = new ArrayList<>();

        void release() throws Exception {
            server.release();
            for (CompletableFuture<String> c : calls) {
                assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("GET ok");
            }
        }
    }

    private InFlight inFlight(String url) {
        server.hold(8);
        int before = server.slowArrived.get();
        InFlight f = new InFlight();
        for (int i = 0; i < 8; i++) {
            f.calls.add(CompletableFuture.supplyAsync(() -> send(url)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.slowArrived.get() == before + 8);
        return f;
    }

    @Test
    void aKillStormLogsABoundedNumberOfLines() throws Exception {
        ChaosProxy p = chaos.proxy("storm", server.port());
        String url = "http://127.0.0.1:" + p.port() + "/slow";
        // A short open backoff: the outage below fails fifty opens in well under a second.
        client = HttpClient.create(HttpClientConfig.builder().pool(b -> b.name("logs-storm").maxPerKey(8)
                .openBackoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5)))).build());
        int killed = 0;
        for (int round = 0; round < 5; round++) {
            inFlight(url).release(); // eight pooled connections, idle
            List<CompletableFuture<String>> calls = inFlight(url).calls; // on those eight, reused
            p.resetConnections(); // every connection in flight dies at once
            server.release();
            for (CompletableFuture<String> c : calls) {
                assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("GET ok"); // each one retried on a fresh connection
            }
            killed += 8;
        }
        // Then the server goes away: every open fails.
        p.disable(); // nothing listens: every connect is refused
        for (int i = 0; i < 50; i++) {
            assertThat(send("http://127.0.0.1:" + p.port() + "/")).contains("refused");
        }

        assertThat(client.poolView().retries(RetryOutcome.SUCCEEDED)).isEqualTo(killed);
        List<CapturedLogs.Line> lines = CapturedLogs.tether(Level.INFO);
        // 40 connections broken, 40 retries, 50 failed opens: about one line per kind of storm (a slow
        // machine may see a pause of 10 s inside one and start another), not one per event.
        assertThat(lines).hasSizeLessThanOrEqualTo(8);
        assertThat(lines).anySatisfy(l -> assertThat(l.message()).startsWith("event=request.retried client=logs-storm route=tcp://127.0.0.1:"));
        assertThat(lines).anySatisfy(l -> assertThat(l.message()).startsWith("event=open.failed pool=logs-storm"));
        client.close();
        // Closing says how many of each storm were left out, so no count is lost.
        assertThat(CapturedLogs.tether(Level.INFO)).anySatisfy(l -> assertThat(l.message())
                .matches("event=request\\.retried\\.suppressed kind=tcp://127\\.0\\.0\\.1:\\d+ count=\\d+"));
    }
}
