package dev.tether.http;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx for tests: started as a child process on free loopback ports with its own config
 * file in a temp directory ({@code nginx -p dir -c conf -g 'daemon off;'}), killed on close. In CI
 * (CI=true) a missing nginx fails the test; elsewhere the test is skipped with what to install.
 */
public final class Nginx implements AutoCloseable {
    private final Process process;
    public final Path dir;

    private Nginx(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    public static String binary() {
        for (String candidate : new String[] {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (Files.isExecutable(Path.of(d, "nginx"))) {
                    return Path.of(d, "nginx").toString();
                }
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("nginx is not installed, and CI=true requires the nginx tests to run;"
                    + " .ci/run installs it (apt-get install -y nginx)");
        }
        Assumptions.abort("nginx is not installed: install it to run these tests (apt-get install -y nginx)");
        return null;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts nginx with {@code servers} (server blocks) inside an http block of its own; waits for {@code ports}. */
    public static Nginx start(Path dir, String servers, int... ports) throws Exception {
        String bin = binary();
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = (root ? "user root;\n" : "")
                + "worker_processes 1;\n"
                + "error_log " + dir.resolve("logs/error.log") + " warn;\n"
                + "pid " + dir.resolve("logs/nginx.pid") + ";\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("tmp/body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                + "  default_type application/octet-stream;\n"
                + "  types { text/plain txt; }\n"
                + servers
                + "}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(bin, "-e", dir.resolve("logs/error.log").toString(), "-p", dir.toString(),
                "-c", confFile.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        Nginx n = new Nginx(p, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int port : ports) {
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                    break;
                } catch (IOException notYet) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        n.close();
                        throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("logs/stdout.log"))
                                + (Files.exists(dir.resolve("logs/error.log")) ? Files.readString(dir.resolve("logs/error.log")) : ""));
                    }
                    Thread.onSpinWait();
                    p.waitFor(20, TimeUnit.MILLISECONDS); // wait for nginx to bind, not a timing assumption
                }
            }
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
