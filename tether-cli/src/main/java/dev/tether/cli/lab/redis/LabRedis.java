package dev.tether.cli.lab.redis;

import dev.tether.cli.probe.RedisUrl;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the lab's Redis comes from, decided once per run:
 *
 * <ol>
 *   <li>By default, its own: the {@code redis-server} binary that the embedded-redis jar ships
 *       (extracted once per run to a temporary file, deleted when the JVM exits) started on a free
 *       loopback port, one server per trial, stopped when the trial ends. Each trial has a server
 *       of its own, so a restart or a {@code CONFIG SET timeout} touches nobody else, and the
 *       connections the server accepted are that trial's.</li>
 *   <li>With {@code --redis URL}, the user's server. The lab never changes it: it kills only the
 *       connections its own clients named, uses keys under {@code tether-lab:} that it deletes
 *       afterwards, and skips the scenarios that restart a server or change its settings
 *       ({@link RedisScenario#ownServerOnly()}).</li>
 * </ol>
 * {@link #unavailable()} says, before any Redis scenario runs, why Redis cannot be had (then they
 * are skipped with that line).
 */
public final class LabRedis {
    /** How long the lab waits for a server it talks to as an administrator. */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    private final RedisUrl server;
    private final ExecutableProvider provider;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    // A lock, not a monitor: it is held while a server starts (I/O).
    private final ReentrantLock lock = new ReentrantLock();
    private File executable;     // guarded by lock
    private boolean checked;     // guarded by lock
    private String unavailable;  // guarded by lock

    private LabRedis(RedisUrl server, ExecutableProvider provider) {
        this.server = server;
        this.provider = provider;
    }

    /**
     * The lab's own redis-server, from the binary in the embedded-redis jar for this OS and
     * architecture (looked up when first needed: where there is none, the Redis scenarios are skipped).
     */
    public static LabRedis embedded() {
        return new LabRedis(null, () -> ExecutableProvider.newJarResourceProvider().get());
    }

    /** The lab's own redis-server, from {@code provider} (tests give one that fails). */
    public static LabRedis embedded(ExecutableProvider provider) {
        return new LabRedis(null, provider);
    }

    /**
     * The user's server ({@code --redis}).
     *
     * @throws IllegalArgumentException for a URL that is not a plain {@code redis://} one (a wrong command line)
     */
    public static LabRedis server(String url) {
        RedisUrl u = RedisUrl.parse(url);
        if (u.target().tls()) {
            throw new IllegalArgumentException("--redis: " + u + ": the lab's naive clients speak plain RESP, not TLS (expected:"
                    + " redis://HOST:PORT; tether probe takes rediss:// URLs)");
        }
        return new LabRedis(u, null);
    }

    /** Whether the lab starts its own servers (and may restart them and change their settings). */
    public boolean own() {
        return server == null;
    }

    /**
     * This lab run's id, in the name of every connection its clients open (tether-lab-RUN-...) and
     * every key they write (tether-lab:RUN-...): on a shared server, what is the run's is known.
     */
    public String run() {
        return run;
    }

    /** The server as output names it: the URL without its userinfo, or the lab's own. */
    public String shown() {
        return server == null ? "the lab's own redis-server" : server.toString();
    }

    /**
     * Null when Redis can be had, else one line that says why not and how to run the Redis
     * scenarios. Checked once (the first call starts and stops the lab's own server, or connects to
     * the user's), so that it is known before any Redis scenario starts.
     */
    public String unavailable() {
        lock.lock();
        try {
            if (!checked) {
                checked = true;
                unavailable = server == null ? checkOwn() : checkUser();
            }
            return unavailable;
        } finally {
            lock.unlock();
        }
    }

    private String checkOwn() {
        try {
            RedisTarget probe = startOwn();
            probe.close();
            return null;
        } catch (IOException | RuntimeException e) {
            return "the lab could not start its own redis-server from the embedded-redis jar (" + message(e) + "); run them"
                    + " against a Redis of yours with tether lab --redis redis://HOST:PORT";
        }
    }

    private String checkUser() {
        try (RespSocket s = RespSocket.open(server.target().host(), server.target().port(), ADMIN_TIMEOUT, server.setup(null))) {
            Object pong = s.call(List.of("PING"));
            if (!"PONG".equals(pong)) {
                return "no Redis answered PING at " + server + " (it said " + server.mask(String.valueOf(pong)) + "); run them"
                        + " with --redis naming a Redis server, or without --redis to let the lab start its own";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "the lab could not use the Redis at " + server + " (" + server.mask(message(e)) + "); start it or fix the"
                    + " URL, or run without --redis to let the lab start its own";
        }
    }

    /** Starts a redis-server of the lab's own, for one trial. */
    public RedisTarget startOwn() throws IOException {
        File binary = executable();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            // Loopback only, nothing written to disk, SIGKILL at stop (nothing to save: it stops in ms, not at its next cron tick).
            RedisServer s = RedisServer.newRedisServer().executableProvider(() -> binary).port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").onShutdownForceStop(true).build();
            try {
                s.start();
                return RedisTarget.own(s, port);
            } catch (IOException e) {
                last = e; // the free port was taken between the check and the start: another one
            }
        }
        throw last;
    }

    /** A target on the user's server whose clients connect to {@code clientPort} (a proxy of the trial's in front of it). */
    public RedisTarget onUserServer(int clientPort) {
        return RedisTarget.user(server, clientPort);
    }

    /** The user's server as a proxy's upstream, {@code host:port}. */
    public String upstream() {
        String h = server.target().host();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + server.target().port();
    }

    private File executable() throws IOException {
        lock.lock();
        try {
            if (executable == null) {
                executable = provider.get();
            }
            return executable;
        } finally {
            lock.unlock();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * An exception as one line, its causes' messages after it (embedded-redis's "Failed to start"
     * carries the process's output in its cause), at most about 300 characters.
     */
    public static String message(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e; c != null && sb.length() < 300; c = c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().strip().replaceAll("\\s+", " ");
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        String s = sb.toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
