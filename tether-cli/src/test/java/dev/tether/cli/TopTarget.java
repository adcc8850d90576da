package dev.tether.cli;

import dev.tether.http.HttpClient;
import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.HttpResponse;
import dev.tether.pool.Connector;
import dev.tether.pool.Deadline;
import dev.tether.pool.DeadlineSource;
import dev.tether.pool.KeyedPool;
import dev.tether.pool.PoolDump;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolConfig;
import dev.tether.pool.Reason;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM {@link TopTest} looks into: with argument {@code pool}, a pool named "top-target" (JMX on)
 * in a known state: route api:80 with two leased connections and one idle with a Keep-Alive
 * deadline, route db:5432 with one idle connection, and one connection closed as BROKEN; with
 * {@code http}, a real HttpClient at work (see {@link #http()}); with {@code none}, no pool at all. Prints "ready" and waits until its stdin closes.
 */
public final class TopTarget {
    private TopTarget() {
    }

    /**
     * With {@code http}: an HttpClient "orders-api" (JMX on) with connections to two local servers
     * that answer with {@code Keep-Alive: timeout=30}; one response is held open (its connection
     * leased), the others idle with the deadline the header set.
     */
    private static void http() throws Exception {
        ServerSocket a = keepAliveServer();
        ServerSocket b = keepAliveServer();
        HttpClient client = HttpClient.create(HttpClientConfig.builder().pool(p -> p.name("orders-api").jmx(true)).build());
        String ua = "http://127.0.0.1:" + a.getLocalPort() + "/";
        String ub = "http://127.0.0.1:" + b.getLocalPort() + "/";
        HttpResponse held = client.send(HttpRequest.get(ua));
        for (int i = 0; i < 5; i++) {
            client.sendAndRead(HttpRequest.get(ua));
            client.sendAndRead(HttpRequest.get(ub));
        }
        client.sendAndRead(HttpRequest.get(ub));
        System.err.print(PoolDump.render(client.poolView())); // the README's sample dump
        System.out.println("ready " + held.status());
    }

    /** Answers every request with 200 and Keep-Alive: timeout=30, on loopback, until the JVM exits. */
    private static ServerSocket keepAliveServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread c = new Thread(() -> answer(s));
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void answer(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = in.readLine()) != null) {
                while (!line.isEmpty()) {
                    line = in.readLine();
                }
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=30\r\nContent-Length: 2\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | NullPointerException e) {
            // the client went away
        }
    }

    /** A connection that is only a number: no socket, so its port is made up. */
    record Conn(int id) {
        @Override
        public String toString() {
            return "conn#" + id;
        }
    }

    public static void main(String[] args) throws Exception {
        KeyedPool<String, Conn> pool = null;
        if (args.length > 0 && args[0].equals("pool")) {
            AtomicInteger ids = new AtomicInteger();
            Connector<String, Conn> connector = new Connector<>() {
                @Override
                public Conn open(String key, Deadline deadline) {
                    return new Conn(ids.incrementAndGet());
                }

                @Override
                public int localPort(Conn c) {
                    return 50_000 + c.id();
                }

                @Override
                public void close(Conn c, Reason reason) {
                }
            };
            pool = KeyedPool.builder(connector).config(PoolConfig.builder().name("top-target").jmx(true)
                    .idleTimeout(Duration.ofMinutes(10)).build()).build();
            Lease<Conn> a1 = pool.acquire("api:80");
            Lease<Conn> a2 = pool.acquire("api:80");
            Lease<Conn> a3 = pool.acquire("api:80");
            a3.deadlineAt(System.nanoTime() + Duration.ofMinutes(5).toNanos(), DeadlineSource.KEEP_ALIVE);
            a3.close();
            pool.acquire("db:5432").close();
            pool.acquire("db:5432").close(Reason.BROKEN); // the idle one, retired: closed as BROKEN
            pool.acquire("db:5432").close(); // a fresh one, idle
            System.out.println("ready " + a1.get() + " " + a2.get());
        } else if (args.length > 0 && args[0].equals("http")) {
            http();
        } else {
            System.out.println("ready");
        }
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close our stdin
        }
        if (pool != null) {
            pool.close();
        }
    }
}
