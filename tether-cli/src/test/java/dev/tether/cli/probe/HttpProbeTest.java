package dev.tether.cli.probe;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.support.LabServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP probe against servers whose keep-alive behaviour is known. */
class HttpProbeTest {
    private static final Probe.Options OPTIONS = new Probe.Options(Duration.ofSeconds(10), 20, Duration.ofSeconds(5), 4);

    private static HttpProbe.Result probe(int port) throws Exception {
        return new HttpProbe().run(URI.create("http://127.0.0.1:" + port + "/"), OPTIONS, line -> { });
    }

    @Test
    void findsAThreeSecondIdleTimeoutWithinHalfASecond() throws Exception {
        try (LabServer server = LabServer.builder().idleTimeout(Duration.ofSeconds(3)).start()) {
            HttpProbe.Result r = probe(server.port());
            assertThat(r.persistent()).isTrue();
            assertThat(r.keepAliveHeader()).isNull();
            assertThat(r.maxRequests()).isEqualTo(20);
            assertThat(r.maxRequestsIsBound()).isTrue();
            assertThat(r.idleTimeoutMs()).isBetween(2500L, 3500L);
            assertThat(r.idleCloseSignal()).contains("FIN");
            assertThat(r.suggestedMaxIdleTimeMs()).isLessThan(r.idleTimeoutMs());
            assertThat(r.text()).contains("idle timeout (measured)").contains(".maxIdleTime(Duration.ofMillis(");
        }
    }

    @Test
    void reportsAServerWithoutKeepAlive() throws Exception {
        try (LabServer server = LabServer.builder().keepAlive(false).start()) {
            HttpProbe.Result r = probe(server.port());
            assertThat(r.persistent()).isFalse();
            assertThat(r.idleTimeoutMs()).isNull();
            assertThat(r.text()).contains("no: the server closes after each response");
        }
    }

    @Test
    void findsTheIdleTimeoutOfAChaosIdleClose() throws Exception {
        try (LabServer server = LabServer.builder().start(); ChaosLab lab = ChaosLab.create()) {
            ChaosProxy lb = lab.createProxy("lb", "127.0.0.1:" + server.port());
            lb.addToxic(Toxic.idleClose(Duration.ofMillis(1500), true));
            HttpProbe.Result r = probe(lb.port());
            assertThat(r.persistent()).isTrue();
            assertThat(r.idleTimeoutMs()).isBetween(1000L, 2000L);
            assertThat(r.idleCloseSignal()).contains("RST");
        }
    }

    @Test
    void findsNginxKeepaliveTimeoutAndKeepAliveOff(@TempDir Path dir) throws Exception {
        String nginx = findOnPath("nginx", "/usr/sbin/nginx");
        if (nginx == null) {
            assertThat("true".equalsIgnoreCase(System.getenv("CI"))).as("CI=true but nginx is not installed").isFalse();
            Assumptions.abort("nginx is not installed; skipping the nginx probe outside CI");
        }
        for (String timeout : new String[] {"3s", "0"}) {
            int port;
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = ss.getLocalPort();
            }
            Path prefix = Files.createDirectories(dir.resolve("nginx-" + timeout));
            Files.createDirectories(prefix.resolve("logs"));
            Files.writeString(prefix.resolve("nginx.conf"), """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/logs/error.log warn;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                        keepalive_timeout %2$s;
                        server {
                            listen 127.0.0.1:%3$d;
                            location / { return 200 "ok\\n"; }
                        }
                    }
                    """.formatted(prefix, timeout, port));
            Process p = new ProcessBuilder(nginx, "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(), "-e",
                    prefix.resolve("logs/error.log").toString()).redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
            try {
                waitForPort(port, p, prefix);
                HttpProbe.Result r = probe(port);
                if (timeout.equals("0")) {
                    assertThat(r.persistent()).as("keepalive_timeout 0").isFalse();
                } else {
                    assertThat(r.persistent()).isTrue();
                    assertThat(r.idleTimeoutMs()).as("nginx keepalive_timeout 3s").isBetween(2500L, 3500L);
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void waitForPort(int port, Process p, Path prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (java.io.IOException e) {
                if (!p.isAlive()) {
                    throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("logs/stdout.log"))
                            + Files.readString(prefix.resolve("logs/error.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx did not listen on 127.0.0.1:" + port);
    }

    static String findOnPath(String name, String fallback) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return new File(fallback).canExecute() ? fallback : null;
    }
}
