package dev.tether.cli.lab.support;

import dev.tether.http.HttpClient;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.HttpResponse;
import dev.tether.http.RequestBody;
import dev.tether.http.RouteStats;
import dev.tether.pool.PoolStats;

import java.io.IOException;
import java.net.URI;

/** tether-http's {@link HttpClient}, as an application would call it. */
public final class TetherClient implements LabClient {
    private final HttpClient client;
    private final String base;

    public TetherClient(int port, HttpClientConfig config) {
        this.client = HttpClient.create(config);
        this.base = "http://127.0.0.1:" + port;
    }

    @Override
    public Outcome send(Request r) {
        HttpRequest.Builder b = HttpRequest.builder(base + r.path()).header("X-Request-Id", r.id());
        if (r.method().equals("POST")) {
            b.POST(RequestBody.of("order " + r.id()));
        }
        try (HttpResponse resp = client.send(b.build())) {
            resp.bytes();
            return Outcome.ok(resp.status());
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(e.getMessage());
        }
    }

    @Override
    public int idle() {
        PoolStats s = client.poolStats();
        return s.idle();
    }

    @Override
    public int leased() {
        return client.poolStats().leased();
    }

    @Override
    public String detail() {
        RouteStats rs = client.routeStats(URI.create(base + "/"));
        StringBuilder sb = new StringBuilder();
        sb.append(rs.retries()).append(rs.retries() == 1 ? " transparent retry" : " transparent retries");
        if (rs.learnedIdleTimeout() != null) {
            sb.append(", learned idle timeout ").append(rs.learnedIdleTimeout().toMillis()).append(" ms");
        }
        if (rs.advertisedIdleTimeout() != null) {
            sb.append(", advertised ").append(rs.advertisedIdleTimeout().toSeconds()).append(" s");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
