package dev.tether.readme;

import dev.tether.chaos.ChaosExtension;
import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import dev.tether.http.Headers;
import dev.tether.http.HttpClient;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.HttpResponse;
import dev.tether.http.RequestBody;
import dev.tether.jdbc.JdbcPool;
import dev.tether.jdbc.JdbcPoolConfig;
import dev.tether.micrometer.TetherMetrics;
import dev.tether.net.Connection;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.Endpoint;
import dev.tether.net.SocketConfig;
import dev.tether.net.TcpConnector;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.Lease;
import dev.tether.pool.Pool;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.PoolDump;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.redis.RedisClient;
import dev.tether.redis.RedisClientConfig;
import dev.tether.redis.RedisConnectionException;
import dev.tether.redis.Replies;
import dev.tether.redis.Subscription;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * The code the README shows, compiled against the real API. {@link ReadmeExamplesTest} checks that
 * each region below and its README block are the same text. Nothing here runs (the file name is
 * not a test's), so the examples may name servers that do not exist.
 */
@SuppressWarnings({"unused", "try"})
final class ReadmeExamples {
    private static final Logger log = LoggerFactory.getLogger(ReadmeExamples.class);

    void http() throws IOException {
        // example: http
        HttpClientConfig config = HttpClientConfig.builder()
                .pool(p -> p.maxPerKey(20).idleTimeout(Duration.ofSeconds(30)))   // per route; below the server's idle timeout
                .socket(s -> s.connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(10)))
                .requestTimeout(Duration.ofSeconds(5))
                .defaultHeaders(Headers.of("Accept", "application/json"))
                .build();
        try (HttpClient client = HttpClient.create(config)) {
            HttpResponse order = client.sendAndRead(HttpRequest.get("http://127.0.0.1:8080/orders/7"));   // body read in the call
            System.out.println(order.status() + " " + order.string());
            HttpRequest pay = HttpRequest.builder("http://127.0.0.1:8080/payments")
                    .POST(RequestBody.of("{\"amount\": 5}"))
                    .header("Idempotency-Key", "pay-7")          // lets tether re-send it after a stale connection
                    .build();
            try (HttpResponse r = client.send(pay)) {
                r.bytes();
            } catch (ConnectionFailure f) {
                boolean maybeApplied = HttpClient.mayHaveBeenApplied(f);   // the message says the same in words
            }
            System.out.println(client.routeStats("http://127.0.0.1:8080/").learnedIdleTimeout());
        }
        // end
    }

    void redis() {
        // example: redis
        RedisClientConfig config = RedisClientConfig.builder("redis://:secret@127.0.0.1:6379/0")
                .pool(p -> p.maxPerKey(16).acquireTimeout(Duration.ofSeconds(1)))   // during an outage, fail within 1 s
                .socket(s -> s.readTimeout(Duration.ofSeconds(2)))
                .clientName("orders")                                   // CLIENT SETNAME on every new connection
                .build();
        try (RedisClient redis = RedisClient.create(config)) {
            redis.set("order:7", "paid");                               // safe to repeat: retried once after a stale connection
            System.out.println(redis.get("order:7"));
            try {
                redis.incr("orders:paid");                              // never re-sent once it may have reached the server
            } catch (RedisConnectionException e) {
                boolean maybeApplied = e.mayHaveBeenApplied();          // the message says the same in words
            }
            Replies r = redis.pipeline().add("INCR", "visits").add("EXPIREAT", "visits", 1_900_000_000).execute();
            List<String> job = redis.blpop(Duration.ofSeconds(5), "jobs");   // reads for 5 s plus a margin, not 2 s
            try (Subscription orders = redis.subscribe((channel, message) -> log.info("{}: {} bytes", channel, message.length), "orders")) {
                redis.publish("orders", "7 paid");                      // resubscribed by itself after a reconnect
            }
        }
        // end
    }

    void jdbc() throws SQLException {
        // example: jdbc
        JdbcPoolConfig config = JdbcPoolConfig.builder()
                .url("jdbc:postgresql://127.0.0.1:5432/orders")
                .user("app").password(System.getenv("DB_PASSWORD"))      // never shown in a message or toString()
                .property("ApplicationName", "orders-service")           // driver properties
                .pool(p -> p.maxPerKey(10).acquireTimeout(Duration.ofSeconds(5)))   // one key, the database: maxPerKey is the size
                .initSql("set statement_timeout = '5s'")                 // run on every new session
                .failFastTimeout(Duration.ofSeconds(10))                 // refuse to start without the database
                .build();
        try (JdbcPool db = JdbcPool.create(config)) {                   // a javax.sql.DataSource
            try (var c = db.getConnection();                             // a lease; close() gives it back
                 var ps = c.prepareStatement("update orders set state = ? where id = ?")) {
                c.setAutoCommit(false);                                  // put back when the lease ends
                ps.setString(1, "paid");
                ps.setLong(2, 7);
                ps.executeUpdate();
                c.commit();                                              // uncommitted work would be rolled back
            }
            System.out.println(db.stats());                              // leased, idle, opened, closed by reason
        }
        // end
    }

    static final class ChaosExample {
        // example: chaos
        @RegisterExtension
        static final ChaosExtension chaos = new ChaosExtension();   // one lab per class, toxics removed after each test

        @Test
        void survivesALoadBalancerThatDropsIdleConnections() throws Exception {
            ChaosProxy api = chaos.proxy("api", "127.0.0.1:8080");
            api.addToxic(Toxic.idleClose(Duration.ofSeconds(2), true));   // RST after 2 s without a byte
            api.addToxic(Toxic.latency(Duration.ofMillis(50)).withStream(Stream.UPSTREAM));
            try (HttpClient client = HttpClient.create()) {
                String url = "http://" + api.listen() + "/orders/7";
                client.send(HttpRequest.get(url)).string();
                await().atMost(Duration.ofSeconds(10))                    // the balancer's RST, seen while idle
                        .until(() -> client.routeStats(url).idleCloses() == 1);
                client.send(HttpRequest.get(url)).string();               // no error: the dead connection was gone
            }
        }
        // end
    }

    void chaosWithoutJUnit() {
        // example: chaos-lab
        try (ChaosLab lab = ChaosLab.create()) {
            ChaosProxy db = lab.createProxy("db", "127.0.0.1:5432");
            db.addToxic(Toxic.resetNow());                                // every live connection, idle ones too
        }
        // end
    }

    void net() throws IOException {
        // example: net
        TcpConnector connector = TcpConnector.builder()
                .socketConfig(SocketConfig.builder().connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)).build())
                .idleCloseListener((c, close) -> log.info("{} closed by the server after {} idle ({})", c, close.idleFor(), close.signal()))
                .build();
        try (KeyedPool<Endpoint, Connection> pool = KeyedPool.builder(connector).ticker(connector.ticker()).build();
             Lease<Connection> lease = pool.acquire(Endpoint.tls("api.example", 443))) {
            Connection c = lease.get();
            c.beginExchange();                 // counts request bytes and notes the first response byte
            c.output().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            int b = c.input().read();          // never waits longer than the read timeout
        }
        // end
    }

    void pool() throws IOException {
        // example: pool
        Connector<String, Socket> connector = new Connector<>() {
            public Socket open(String hostPort, Deadline deadline) throws IOException {
                String[] hp = hostPort.split(":");
                Socket s = new Socket();
                s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), deadline.remainingMillisAtLeast(1));
                return s;
            }
            public boolean isReusable(Socket s, long idleNanos) { return !s.isClosed(); }
            public void close(Socket s, Reason reason) {
                try { s.close(); } catch (IOException ignored) { }
            }
        };

        PoolConfig config = PoolConfig.builder()
                .name("orders")
                .maxPerKey(10)
                .acquireTimeout(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(50))
                .maxLifetime(Duration.ofMinutes(30))
                .lifetimeJitter(Duration.ofMinutes(1))
                .build();

        try (Pool<Socket> pool = Pool.builder("db:5432", connector).config(config).build();
             Lease<Socket> lease = pool.acquire()) {
            use(lease.get());          // close() returns it; lease.retire() discards a broken one
        }
        // end
    }

    void micrometer(MeterRegistry registry) {
        // example: micrometer
        HttpClient client = HttpClient.create(HttpClientConfig.builder()
                .pool(p -> p.name("orders-api").jmx(true))   // jmx: JConsole and `tether top` see it too
                .build());
        TetherMetrics.builder(client)
                .maxRoutes(20)                                // the 21st route and later: route=other
                .tags(Tags.of("app", "checkout"))
                .build()
                .bindTo(registry);

        PoolView view = client.poolView();                   // the same figures, as one snapshot
        System.out.print(PoolDump.render(view));             // one line per connection, like lsof
        // end
    }

    private static void use(Socket s) {
    }
}
