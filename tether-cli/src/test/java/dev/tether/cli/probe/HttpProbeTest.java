package dev.tether.cli.probe;

import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.Toxic;
import dev.tether.cli.lab.support.LabServer;
import dev.tether.http.Nginx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP probe against servers whose keep-alive behaviour is known. */
class HttpProbeTest {
    private static final Probe.Options OPTIONS = new Probe.Options(Duration.ofSeconds(10), 20, Duration.ofSeconds(5), 4);

    private static HttpProbe.Result probe(int port) throws Exception {
        return new HttpProbe().run(ProbeTarget.parse("http://127.0.0.1:" + port + "/"), OPTIONS, line -> { });
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
            assertThat(r.suggestedIdleTimeoutMs()).isLessThan(r.idleTimeoutMs());
            assertThat(r.text()).contains("idle timeout (measured)").contains(".pool(p -> p.idleTimeout(Duration.ofMillis(");
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
        // tether-http's test nginx: a missing nginx fails under CI=true, and skips with a message elsewhere.
        for (String timeout : new String[] {"3s", "0"}) {
            int port = Nginx.freePort();
            String server = """
                    keepalive_timeout %s;
                    server {
                        listen 127.0.0.1:%d;
                        location / { return 200 "ok\\n"; }
                    }
                    """.formatted(timeout, port);
            try (Nginx nginx = Nginx.start(dir.resolve("nginx-" + timeout), server, port)) {
                HttpProbe.Result r = probe(port);
                if (timeout.equals("0")) {
                    assertThat(r.persistent()).as("keepalive_timeout 0").isFalse();
                } else {
                    assertThat(r.persistent()).isTrue();
                    assertThat(r.idleTimeoutMs()).as("nginx keepalive_timeout 3s").isBetween(2500L, 3500L);
                }
            }
        }
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
