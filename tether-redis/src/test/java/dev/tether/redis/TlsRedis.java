package dev.tether.redis;

import dev.tether.net.TlsSettings;
import dev.tether.net.testkit.Certs;
import org.junit.jupiter.api.Assumptions;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis speaking TLS, of the test's own: the machine's {@code redis-server} (Redis 6 or
 * later built with TLS; Debian's and Ubuntu's are) started as a child process on a free loopback
 * port with a certificate made by tether-net's {@link Certs}, in a temp directory of its own that
 * {@link #close()} deletes with the process.
 *
 * <ol>
 *   <li>The certificate (for {@code 127.0.0.1} and {@code localhost} unless {@link Builder#san}
 *       says otherwise) and its key go into the directory as PEM, the key PKCS#8 and readable by
 *       its owner only; the certificate is also the server's CA file (Redis wants one even when it
 *       asks clients for none).</li>
 *   <li>A config file holds everything, the caller's settings included, so a {@code requirepass}
 *       never shows on a command line: {@code bind 127.0.0.1}, the TLS port, no plain port unless
 *       asked ({@link Builder#plainPort()}), no persistence, the log on stdout, which goes to a file.</li>
 *   <li>Ready is the server's own "Ready to accept connections" line in that log, polled; a port
 *       taken between choosing it and binding it means another try on other ports (three in all).</li>
 *   <li>A binary without TLS refuses the {@code tls-*} directives: the test is skipped with what to
 *       install, or, in CI ({@code CI=true}), fails, as a missing binary does.</li>
 * </ol>
 *
 * JUnit's {@link Assumptions} is used for the skip, so this helper is for tests only (tether-cli's
 * probe test runs against it through the test-jar).
 */
public final class TlsRedis implements AutoCloseable {
    private static final String INSTALL = "install a Redis 6 or later built with TLS to run these tests"
            + " (apt-get install -y redis-server, which is; from source: make BUILD_TLS=yes)";

    private final Process process;
    private final Path dir;
    private final Certs certs;
    private final Path certificate;
    private final int port;
    private final int plainPort;

    private TlsRedis(Process process, Path dir, Certs certs, Path certificate, int port, int plainPort) {
        this.process = process;
        this.dir = dir;
        this.certs = certs;
        this.certificate = certificate;
        this.port = port;
        this.plainPort = plainPort;
    }

    /** A TLS-only server with a certificate for 127.0.0.1 and localhost, and these config lines. */
    public static TlsRedis start(String... settings) throws Exception {
        Builder b = builder();
        for (String s : settings) {
            b.setting(s);
        }
        return b.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TLS port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * The same server's plain TCP port on 127.0.0.1.
     *
     * @throws IllegalStateException if it was started without one
     */
    public int plainPort() {
        if (plainPort == 0) {
            throw new IllegalStateException("this server listens on TLS only: start it with builder().plainPort()");
        }
        return plainPort;
    }

    /** The server's certificate as PEM: what a user hands a tool as its CA file (tether probe --cacert). */
    public Path certificate() {
        return certificate;
    }

    /** A client context that trusts the server's certificate and nothing else. */
    public SSLContext trusting() {
        return certs.client;
    }

    /** tether's TLS settings that trust the server's certificate (and nothing else), hostname verification on. */
    public TlsSettings tls() {
        return TlsSettings.builder().sslContext(certs.client).build();
    }

    /** What the server logged so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
    @Override
    public void close() throws IOException {
        stop(process);
        deleteTree(dir);
    }

    /**
     * The machine's redis-server: on the PATH, else in /usr/bin or /usr/local/bin. Skips the test
     * when there is none, or fails it in CI.
     */
    public static Path binary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "redis-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        candidates.add(Path.of("/usr/local/bin/redis-server"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        unavailable("redis-server is not installed (not on the PATH, nor in /usr/bin or /usr/local/bin)");
        return null;
    }

    /** Skips the test with {@code why} and what to install; in CI, where the test must run, fails it. */
    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(why + ", and CI=true requires the TLS Redis tests to run; " + INSTALL);
        }
        Assumptions.abort(why + ": " + INSTALL);
    }

    /** Collects the server's certificate name and config lines. Not thread-safe. */
    public static final class Builder {
        private String san = "ip:127.0.0.1,dns:localhost";
        private boolean plain;
        private final List<String> settings = new ArrayList<>();

        private Builder() {
        }

        /** The certificate's subject alternative names, as keytool spells them (default {@code ip:127.0.0.1,dns:localhost}). */
        public Builder san(String names) {
            san = names;
            return this;
        }

        /** Listens on a plain TCP port too (same server, same data), for a test that compares the two. */
        public Builder plainPort() {
            plain = true;
            return this;
        }

        /** One line of redis.conf, such as {@code requirepass secret} or {@code user app on >pw ~* &* +@all}. */
        public Builder setting(String line) {
            if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("setting: one line of redis.conf, without line breaks");
            }
            settings.add(line);
            return this;
        }

        /** Starts the server and returns once it accepts connections; see the class comment. */
        public TlsRedis start() throws Exception {
            Path bin = binary();
            Path dir = Files.createTempDirectory("tether-tls-redis");
            try {
                Certs certs = Certs.forSubject(dir, "tether-tls-redis", san);
                Path cert = certs.writePem(dir.resolve("server.pem"));
                Path key = certs.writeKeyPem(dir.resolve("server.key"));
                ownerOnly(key);
                IllegalStateException last = null;
                for (int attempt = 0; attempt < 3; attempt++) {
                    int port = freePort();
                    int plainPort = plain ? freePort() : 0;
                    Process p = launch(bin, dir, cert, key, port, plainPort);
                    String log = awaitReady(p, dir);
                    if (p.isAlive()) {
                        return new TlsRedis(p, dir, certs, cert, port, plainPort);
                    }
                    String lower = log.toLowerCase(Locale.ROOT);
                    if (lower.contains("tls") && (lower.contains("bad directive") || lower.contains("not built")
                            || lower.contains("not supported") || lower.contains("unknown option"))) {
                        unavailable(bin + " has no TLS (it said: " + lastLines(log) + ")");
                    }
                    last = new IllegalStateException(bin + " did not start: " + lastLines(log));
                    if (!lower.contains("address already in use")) {
                        break;
                    }
                }
                throw last;
            } catch (Throwable t) {
                deleteTree(dir);
                throw t;
            }
        }

        private Process launch(Path bin, Path dir, Path cert, Path key, int port, int plainPort) throws IOException {
            List<String> conf = new ArrayList<>(List.of(
                    "bind 127.0.0.1",
                    "port " + plainPort, // 0: no plain port
                    "tls-port " + port,
                    "tls-cert-file " + cert,
                    "tls-key-file " + key,
                    "tls-ca-cert-file " + cert,
                    "tls-auth-clients no",
                    "save \"\"",
                    "appendonly no",
                    "daemonize no",
                    "dir " + dir,
                    "logfile \"\""));
            conf.addAll(settings);
            Path file = dir.resolve("redis.conf");
            Files.write(file, conf, StandardCharsets.UTF_8);
            ownerOnly(file); // it may hold a password
            return new ProcessBuilder(bin.toString(), file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        }

        /** Polls the log until the server says it is ready or the process ends; returns the log. */
        private static String awaitReady(Process p, Path dir) throws IOException {
            Path log = dir.resolve("redis.log");
            try {
                await("redis-server to accept connections").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                        .until(() -> !p.isAlive() || Files.readString(log, StandardCharsets.UTF_8).contains("Ready to accept connections"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                stop(p);
                throw new IllegalStateException("redis-server did not get ready within 30 s: " + lastLines(Files.readString(log)), e);
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the temp directory is the user's own anyway
        }
    }

    private static String lastLines(String log) {
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
