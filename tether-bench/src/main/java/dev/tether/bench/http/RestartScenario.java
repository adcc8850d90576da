package dev.tether.bench.http;

import dev.tether.http.HttpClient;
import dev.tether.http.HttpRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What one server restart teaches tether-http: four pooled connections, idle for a while, all reset
 * at the same instant (a restart), then 100 GETs 100 ms apart. Counts the connections the server
 * accepted for those 100 GETs, the failures, and what the route learned. Uses only API that
 * existed before issue 10, so the same source measures the code before and after the fix:
 *
 * <pre>
 * java -cp benchmarks.jar dev.tether.bench.http.RestartScenario
 * javac -cp before.jar -d /tmp/restart RestartScenario.java && java -cp before.jar:/tmp/restart ...
 * </pre>
 */
public final class RestartScenario {
    private RestartScenario() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| idle before the restart | connections for the next 100 GETs | failed | learned idle timeout |");
        System.out.println("| --- | ---: | ---: | --- |");
        for (long idleMillis : new long[] {50, 2_000}) {
            run(idleMillis);
        }
        System.exit(0);
    }

    private static void run(long idleMillis) throws Exception {
        List<Socket> open = new CopyOnWriteArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch hold = new CountDownLatch(1);
        try (ServerSocket ss = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
             HttpClient client = HttpClient.create()) {
            Thread acceptor = new Thread(() -> {
                while (!ss.isClosed()) {
                    try {
                        Socket s = ss.accept();
                        accepted.incrementAndGet();
                        open.add(s);
                        Thread t = new Thread(() -> serve(s, hold));
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            // Four connections at once: the first three requests are held until the fourth is in.
            Thread[] callers = new Thread[4];
            for (int i = 0; i < 4; i++) {
                callers[i] = new Thread(() -> {
                    try {
                        client.send(HttpRequest.get(url + "slow")).string();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                callers[i].start();
            }
            while (accepted.get() < 4) {
                LockSupport.parkNanos(1_000_000L);
            }
            hold.countDown();
            for (Thread t : callers) {
                t.join();
            }
            LockSupport.parkNanos(Duration.ofMillis(idleMillis).toNanos()); // idle before the restart
            for (Socket s : open) {
                s.setSoLinger(true, 0);
                s.close(); // the restart: every connection reset at the same instant
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the server is back
            int before = accepted.get();
            int failed = 0;
            for (int i = 0; i < 100; i++) {
                try {
                    client.send(HttpRequest.get(url)).string();
                } catch (IOException e) {
                    failed++;
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the pacing of the scenario
            }
            System.out.printf(Locale.ROOT, "| %d ms | %d | %d | %s |%n", idleMillis, accepted.get() - before, failed,
                    client.routeStats(url).learnedIdleTimeout());
        }
    }

    private static void serve(Socket s, CountDownLatch hold) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) != -1) {
                    head.write(c);
                    if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        break;
                    }
                }
                if (c == -1) {
                    return;
                }
                if (head.toString(StandardCharsets.ISO_8859_1).startsWith("GET /slow")) {
                    hold.await();
                }
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | InterruptedException gone) {
            // reset by the restart
        }
    }
}
