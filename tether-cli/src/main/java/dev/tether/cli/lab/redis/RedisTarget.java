package dev.tether.cli.lab.redis;

import dev.tether.cli.probe.RedisUrl;
import dev.tether.cli.wire.MiniResp;
import dev.tether.redis.RedisClientConfig;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One trial's Redis, and the lab's hands on it as its administrator: a redis-server of the trial's
 * own (which it may stop, start and reconfigure), or the user's server, which its clients reach
 * through a proxy of the trial's (so that the sockets the lab counts are that client's only).
 *
 * <p>The administrator speaks over a connection of its own ({@link RespSocket}, reopened when the
 * server restarted), straight to the server: it finds the trial's connections by the name they
 * gave themselves (CLIENT SETNAME) and kills them by id, never anyone else's. The connections it
 * opens itself are counted, so that {@link #accepted()} on an own server is the clients' alone.
 * Used from the trial's script thread and, at the end, from the runner: one lock around the
 * connection (a lock, not a monitor: it is held across I/O).
 */
public final class RedisTarget implements AutoCloseable {
    private static final String ADMIN_NAME = "tether-lab-admin";

    private final RedisServer own;
    private final RedisUrl user;
    private final String host;
    private final int serverPort;
    private final int clientPort;
    private final ReentrantLock lock = new ReentrantLock();
    private RespSocket admin;            // guarded by lock
    private int adminOpens;              // guarded by lock: this incarnation's, counted in its total_connections_received
    private long acceptedBefore;         // guarded by lock: clients' connections accepted by earlier incarnations
    private volatile boolean running = true;

    private RedisTarget(RedisServer own, RedisUrl user, String host, int serverPort, int clientPort) {
        this.own = own;
        this.user = user;
        this.host = host;
        this.serverPort = serverPort;
        this.clientPort = clientPort;
    }

    static RedisTarget own(RedisServer server, int port) {
        return new RedisTarget(server, null, "127.0.0.1", port, port);
    }

    static RedisTarget user(RedisUrl url, int clientPort) {
        return new RedisTarget(null, url, url.target().host(), url.target().port(), clientPort);
    }

    /** Whether this is a server of the lab's own (one it may stop, start and reconfigure). */
    public boolean own() {
        return own != null;
    }

    /** Where the trial's clients connect, on 127.0.0.1: the own server, or the proxy in front of the user's. */
    public int port() {
        return clientPort;
    }

    /** What a new connection sends first: AUTH and SELECT of the user's server, and CLIENT SETNAME {@code clientName}. */
    public List<List<String>> setup(String clientName) {
        return user == null ? List.of(List.of("CLIENT", "SETNAME", clientName)) : user.setup(clientName);
    }

    /** {@code b} pointed at this target through 127.0.0.1:{@code port}, with the server's credentials and {@code clientName}. */
    public RedisClientConfig.Builder configure(RedisClientConfig.Builder b, int port, String clientName) {
        b.host("127.0.0.1").port(port).clientName(clientName);
        if (user != null) {
            b.user(user.user()).password(user.password()).database(user.database());
        }
        return b;
    }

    /** Kills every connection named {@code clientName} (CLIENT KILL ID each); returns how many. */
    public int kill(String clientName) throws IOException {
        int killed = 0;
        for (long id : idsNamed(clientName)) {
            Object r = admin(List.of("CLIENT", "KILL", "ID", Long.toString(id)));
            if (r instanceof MiniResp.Err e && !e.text().contains("No such client")) { // that one: it closed by itself meanwhile
                throw new IOException("CLIENT KILL refused: " + e.text() + " (the lab kills its own connections: its user needs"
                        + " CLIENT KILL and CLIENT LIST)");
            }
            killed += r instanceof Long n ? n.intValue() : 0;
        }
        return killed;
    }

    /** How many connections named {@code clientName} the server holds now. */
    public int connectionsNamed(String clientName) throws IOException {
        return named(clientName).size();
    }

    /**
     * Waits until the server has run {@code command} on a connection named {@code clientName} (the
     * last command CLIENT LIST shows for it), at most {@code timeoutMs}; returns whether it did.
     * It polls every 5 ms: the lab's pacing, on the admin connection, which no proxy slows down.
     */
    public boolean awaitCommand(String clientName, String command, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        String cmd = "cmd=" + command.toLowerCase(Locale.ROOT);
        while (System.nanoTime() < deadline) {
            for (List<String> fields : named(clientName)) {
                if (fields.contains(cmd)) {
                    return true;
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    private List<Long> idsNamed(String name) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (List<String> fields : named(name)) {
            for (String field : fields) {
                if (field.startsWith("id=")) {
                    ids.add(Long.parseLong(field.substring(3)));
                }
            }
        }
        return ids;
    }

    /** The fields ({@code id=7}, {@code cmd=get}, ...) of each connection named {@code name}, from CLIENT LIST. */
    private List<List<String>> named(String name) throws IOException {
        Object list = admin(List.of("CLIENT", "LIST"));
        if (!(list instanceof String text)) {
            throw new IOException("CLIENT LIST refused: " + list + " (the lab finds its own connections with it)");
        }
        List<List<String>> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            List<String> fields = List.of(line.trim().split(" "));
            if (fields.contains("name=" + name)) {
                found.add(fields);
            }
        }
        return found;
    }

    /** Changes a setting of the trial's own server. */
    public void configSet(String name, String value) throws IOException {
        requireOwn("change its " + name);
        Object r = admin(List.of("CONFIG", "SET", name, value));
        if (r instanceof MiniResp.Err e) {
            throw new IOException("CONFIG SET " + name + " refused: " + e.text());
        }
    }

    /** Stops the trial's own server (its connections close with it); {@link #start()} brings it back on the same port. */
    public void stop() throws IOException {
        requireOwn("stop it");
        lock.lock();
        try {
            acceptedBefore += clientsAccepted();
            closeAdmin();
            adminOpens = 0;
            running = false;
            own.stop();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the trial's own server again on its port. A start can fail while the machine is busy:
     * the port is briefly held (a client reconnecting in the meantime can even connect to itself
     * on it, since the port came from the ephemeral range) and redis-server exits at once. So it is
     * tried again for a few seconds before the trial fails.
     */
    public void start() throws IOException {
        requireOwn("start it");
        IOException last = null;
        for (int attempt = 1; attempt <= 6; attempt++) {
            try {
                own.start();
                running = true;
                return;
            } catch (IOException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
                pause(Duration.ofMillis(250L * attempt));
            }
        }
        throw last;
    }

    private static void pause(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to start redis-server again");
        }
    }

    /** The integer value of {@code key}, 0 when it does not exist. */
    public long counter(String key) throws IOException {
        Object v = admin(List.of("GET", key));
        return v == null ? 0 : Long.parseLong(v.toString());
    }

    /**
     * Connections the server accepted from the trial's clients (its own connections left out), or
     * -1 on the user's server, where other clients connect too and the count is not the trial's.
     */
    public int accepted() {
        if (own == null) {
            return -1;
        }
        lock.lock();
        try {
            return (int) (acceptedBefore + (running ? clientsAccepted() : 0));
        } catch (IOException e) {
            return -1;
        } finally {
            lock.unlock();
        }
    }

    private long clientsAccepted() throws IOException {
        String total = MiniResp.info(admin(List.of("INFO", "stats")), "total_connections_received");
        if (total == null) {
            throw new IOException("INFO stats has no total_connections_received");
        }
        return Long.parseLong(total) - adminOpens;
    }

    /** On the user's server: deletes {@code keys}, the ones the trial wrote. */
    public void forget(Collection<String> keys) {
        if (own == null && !keys.isEmpty()) {
            try {
                List<String> del = new ArrayList<>(List.of("DEL"));
                del.addAll(keys);
                admin(del);
            } catch (IOException e) {
                // the user's server is gone: nothing left to tidy that the lab can reach
            }
        }
    }

    /** One command as the administrator, on a connection reopened once if the last one died (a restart). */
    private Object admin(List<String> command) throws IOException {
        lock.lock();
        try {
            for (int attempt = 0; ; attempt++) {
                if (admin == null) {
                    admin = RespSocket.open(host, serverPort, LabRedis.ADMIN_TIMEOUT,
                            user == null ? List.of(List.of("CLIENT", "SETNAME", ADMIN_NAME)) : user.setup(ADMIN_NAME));
                    adminOpens++;
                }
                try {
                    return admin.call(command);
                } catch (IOException e) {
                    closeAdmin();
                    if (attempt > 0) {
                        throw e;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    private void requireOwn(String what) {
        if (own == null) {
            throw new IllegalStateException("the lab does not " + what + ": " + user + " is not a server the lab started");
        }
    }

    /** Stops the own server; closes the admin connection. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeAdmin();
            if (own != null) {
                running = false;
                own.stop();
            }
        } catch (IOException e) {
            // the process is gone or going; embedded-redis's shutdown hook tries again at exit
        } finally {
            lock.unlock();
        }
    }
}
