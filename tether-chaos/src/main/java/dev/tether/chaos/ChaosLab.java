package dev.tether.chaos;

import dev.tether.chaos.internal.Addresses;
import dev.tether.chaos.internal.ApiServer;
import dev.tether.chaos.internal.HttpListener;
import dev.tether.chaos.internal.Populate;
import dev.tether.chaos.internal.ProxyRuntime;
import dev.tether.chaos.internal.Workers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fault lab: a set of named TCP proxies on loopback, driven in-process through this class
 * or over HTTP with Toxiproxy's API ({@link #startApi}). Closing it closes every proxy, every
 * connection, the API server and every thread it started.
 *
 * <pre>{@code
 * try (ChaosLab lab = ChaosLab.create()) {
 *     ChaosProxy db = lab.createProxy("db", "127.0.0.1:5432");
 *     db.addToxic(Toxic.latency(Duration.ofMillis(200)));
 *     connectTo(db.listenAddress());
 * }
 * }</pre>
 *
 * <p>Standalone, as Toxiproxy's drop-in ({@code tether proxy}): {@link #serve} starts a lab with
 * its control API and the proxies of a populate file, and {@link #describe} says what runs.
 *
 * <p>Locking: one lock over the name-to-proxy map makes create, populate, delete and reset
 * atomic with respect to each other; a proxy's own traffic never takes it. Every method is
 * thread-safe.
 */
public final class ChaosLab implements AutoCloseable {

    /**
     * Who may reach the control API. Whoever reaches it can re-point a proxy's upstream and read
     * the traffic through it, so it listens on loopback unless the caller opts in.
     */
    public enum ApiAccess {
        /** Only a loopback host is accepted (127.0.0.1, ::1, localhost). The default. */
        LOOPBACK,
        /**
         * Any host, such as 0.0.0.0: other machines can drive the lab (a Toxiproxy container on a
         * CI network). A warning is logged. Requests must still address the API by an IP address,
         * localhost or the host it was started with, and never come from a browser.
         */
        REMOTE
    }

    /** What {@code GET /version} reports: this lab, not a Toxiproxy release. */
    public static final String VERSION = "tether-chaos-0.1.0";

    private final Workers workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, ChaosProxy> proxies = new TreeMap<>(); // guarded by lock
    private ApiServer api; // guarded by lock
    private boolean closed; // guarded by lock

    private ChaosLab(Builder b) {
        this.workers = new Workers(b.dialTimeout);
    }

    /**
     * A lab with the defaults: upstream dial timeout 10 s.
     *
     * @return the lab; close it to stop everything
     */
    public static ChaosLab create() {
        return builder().build();
    }

    /**
     * Starts a lab from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A lab with the defaults, its control API on {@code host:port} (loopback only) and the proxies
     * of a populate file: what {@code tether proxy --host HOST --port PORT --config FILE} runs.
     * Close it to stop everything.
     *
     * @param host the control API's host: a loopback address or {@code localhost}
     * @param port 0 picks a free port; Toxiproxy's is 8474
     * @param populateFile a JSON array in Toxiproxy's populate format ({@link #populate(Path)}),
     *     or null for a lab without proxies
     * @throws ChaosException naming the file and the proxy when the file cannot be read or breaks
     *     the format, when the host is not loopback, and when a proxy or the API cannot listen;
     *     nothing is left running
     * @return the running lab
     */
    public static ChaosLab serve(String host, int port, Path populateFile) {
        return serve(host, port, populateFile, ApiAccess.LOOPBACK);
    }

    /**
     * {@link #serve(String, int, Path)}, with {@link ApiAccess#REMOTE} to listen beyond loopback.
     *
     * @param host the control API's host
     * @param port 0 picks a free port
     * @param populateFile a populate file, or null
     * @param access who may reach the API
     * @return the running lab
     * @throws ChaosException as {@link #serve(String, int, Path)}; with REMOTE any host is accepted
     */
    public static ChaosLab serve(String host, int port, Path populateFile, ApiAccess access) {
        // Checked and read before anything listens: a bad host or a broken file starts nothing.
        apiAddressFor(host, port, access);
        List<ProxyConfig> proxies = populateFile == null ? List.of() : Populate.read(populateFile);
        ChaosLab lab = create();
        try {
            lab.populate(proxies);
            lab.startApi(host, port, access);
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /**
     * Creates and starts a proxy on a free loopback port.
     *
     * @param name a unique name, 1 to 128 characters without {@code /}
     * @param upstream {@code host:port} to forward to
     * @return the proxy, listening
     * @throws ChaosException 409 if the name is taken, 400 for a bad address, 500 if no port can be bound
     * @throws IllegalStateException if the lab is closed
     */
    public ChaosProxy createProxy(String name, String upstream) {
        return createProxy(ProxyConfig.of(name, upstream));
    }

    /**
     * Creates and starts a proxy on a given address.
     *
     * @param name a unique name, 1 to 128 characters without {@code /}
     * @param listen {@code host:port} to listen on; port 0 picks a free one
     * @param upstream {@code host:port} to forward to
     * @return the proxy, listening
     * @throws ChaosException 409 if the name is taken, 400 for a bad address, 500 if the address cannot be bound
     * @throws IllegalStateException if the lab is closed
     */
    public ChaosProxy createProxy(String name, String listen, String upstream) {
        return createProxy(new ProxyConfig(name, listen, upstream, true));
    }

    /**
     * Creates a proxy, started if the config says enabled.
     *
     * @throws ChaosException 409 if the name is taken, 400 for a bad address, 500 if the listen
     *     address cannot be bound
     * @throws IllegalStateException if the lab is closed
     * @param config the proxy's name, addresses and whether it is enabled
     * @return the proxy
     */
    public ChaosProxy createProxy(ProxyConfig config) {
        lock.lock();
        try {
            ensureOpen();
            if (proxies.containsKey(config.name())) {
                throw ChaosException.conflict("proxy already exists: " + config.name());
            }
            ChaosProxy proxy = newProxy(config);
            proxies.put(config.name(), proxy);
            return proxy;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Toxiproxy's populate for one proxy: an existing proxy of that name with the same listen
     * address and upstream is kept as it is (toxics included); a different one is replaced.
     *
     * @param config the proxy's name, addresses and whether it is enabled
     * @return the proxy kept or created
     * @throws ChaosException 400 for a bad address, 500 if the listen address cannot be bound
     * @throws IllegalStateException if the lab is closed
     */
    public ChaosProxy populate(ProxyConfig config) {
        lock.lock();
        try {
            ensureOpen();
            ChaosProxy existing = proxies.get(config.name());
            if (existing != null) {
                ProxyRuntime probe = new ProxyRuntime(config.name(), config.listen(), config.upstream(), workers);
                if (probe.listen().equals(existing.listen()) && probe.upstream().equals(existing.upstream())) {
                    return existing;
                }
                existing.runtime().stop("replaced by populate");
                proxies.remove(config.name());
            }
            ChaosProxy proxy = newProxy(config);
            proxies.put(config.name(), proxy);
            return proxy;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #populate(ProxyConfig)} for each, in order; stops at the first failure.
     *
     * @param configs the proxies
     * @return the proxies kept or created, in order
     * @throws ChaosException as {@link #populate(ProxyConfig)}
     */
    public List<ChaosProxy> populate(List<ProxyConfig> configs) {
        List<ChaosProxy> result = new ArrayList<>();
        for (ProxyConfig config : configs) {
            result.add(populate(config));
        }
        return result;
    }

    /**
     * {@link #populate(List)} with the proxies of a file in Toxiproxy's populate format: a JSON
     * array of {@code {name, upstream, listen, enabled}}, read as strictly as the control API's
     * {@code POST /populate} reads its body (unknown fields are ignored).
     *
     * @throws ChaosException 400 naming the file, and the proxy by its index from 1, when the file
     *     cannot be read or breaks the format (then no proxy of it is created)
     * @param file the populate file
     * @return the proxies kept or created, in the file's order
     */
    public List<ChaosProxy> populate(Path file) {
        return populate(Populate.read(file));
    }

    // guarded by lock
    private ChaosProxy newProxy(ProxyConfig config) {
        ProxyRuntime runtime = new ProxyRuntime(config.name(), config.listen(), config.upstream(), workers);
        if (config.enabled()) {
            runtime.start();
        }
        return new ChaosProxy(this, runtime);
    }

    /**
     * The proxy of a name.
     *
     * @param name the proxy's name
     * @return the proxy
     * @throws ChaosException 404 if there is no proxy of that name
     */
    public ChaosProxy proxy(String name) {
        return findProxy(name).orElseThrow(() -> ChaosException.notFound("proxy not found: " + name));
    }

    /**
     * The proxy of a name, if there is one.
     *
     * @param name the proxy's name
     * @return the proxy, or empty
     */
    public Optional<ChaosProxy> findProxy(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(proxies.get(name));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every proxy, sorted by name.
     *
     * @return a snapshot
     */
    public List<ChaosProxy> proxies() {
        lock.lock();
        try {
            return List.copyOf(proxies.values());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes a proxy: it stops listening and its connections are closed.
     *
     * @param name the proxy's name
     * @throws ChaosException 404 if there is no proxy of that name
     */
    public void deleteProxy(String name) {
        ChaosProxy removed;
        lock.lock();
        try {
            removed = proxies.remove(name);
        } finally {
            lock.unlock();
        }
        if (removed == null) {
            throw ChaosException.notFound("proxy not found: " + name);
        }
        removed.runtime().stop("deleted");
    }

    void deleteIfSame(ChaosProxy proxy) {
        lock.lock();
        try {
            if (proxies.get(proxy.name()) == proxy) {
                proxies.remove(proxy.name());
            }
        } finally {
            lock.unlock();
        }
        proxy.runtime().stop("deleted");
    }

    /** Toxiproxy's reset: every proxy enabled, every toxic removed. Live connections stay. */
    public void reset() {
        for (ChaosProxy proxy : proxies()) {
            proxy.removeAllToxics();
            proxy.enable();
        }
    }

    /**
     * Starts the Toxiproxy-compatible HTTP API on a loopback host ({@code 127.0.0.1}, {@code ::1}
     * or {@code localhost}): anything that reaches the API can cut your connections, re-point a
     * proxy's upstream and read the traffic. It refuses requests a web page could send (see the
     * README's tether-chaos section), and no slow client holds up another.
     *
     * @param host a loopback address or {@code localhost}
     * @param port 0 picks a free port; Toxiproxy's is 8474
     * @return the address the API listens on
     * @throws ChaosException 400 if the host is not loopback, 500 if the address cannot be bound
     * @throws IllegalStateException if the lab is closed or the API already runs
     */
    public InetSocketAddress startApi(String host, int port) {
        return startApi(host, port, ApiAccess.LOOPBACK);
    }

    /**
     * {@link #startApi(String, int)}, with {@link ApiAccess#REMOTE} to accept any host.
     *
     * @param host the API's host
     * @param port 0 picks a free port
     * @param access who may reach the API
     * @return the address the API listens on
     * @throws ChaosException 400 if the host breaks the access rule, 500 if the address cannot be bound
     * @throws IllegalStateException if the lab is closed or the API already runs
     */
    public InetSocketAddress startApi(String host, int port, ApiAccess access) {
        InetSocketAddress address = apiAddressFor(host, port, access);
        lock.lock();
        try {
            ensureOpen();
            if (api != null) {
                throw new IllegalStateException("the API is already running on " + api.address());
            }
            api = ApiServer.start(this, address, host, access == ApiAccess.REMOTE, HttpListener.Limits.DEFAULT);
            return api.address();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The address {@link #startApi(String, int, ApiAccess)} would listen on, checked as it checks
     * it, without listening: for a command line that wants to refuse a bad host before it starts
     * anything.
     *
     * @throws ChaosException 400 naming the host and the rule when it does not resolve, or is not
     *     loopback and {@code access} is {@link ApiAccess#LOOPBACK}
     * @param host   the API's host
     * @param port   the API's port; 0 picks a free one
     * @param access who may reach the API
     * @return the address to listen on
     */
    public static InetSocketAddress apiAddressFor(String host, int port, ApiAccess access) {
        return Addresses.apiAddress(host, port, Objects.requireNonNull(access, "access") == ApiAccess.REMOTE);
    }

    /**
     * The API's address, if started.
     *
     * @return the address, or empty
     */
    public Optional<InetSocketAddress> apiAddress() {
        lock.lock();
        try {
            return Optional.ofNullable(api).map(ApiServer::address);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What runs, as {@code tether proxy} prints it when it starts: a first line with the control
     * API's address (or that it does not run) and the number of proxies, then one line per proxy,
     * {@code name: listen -> upstream}, marked {@code (disabled)} when it is.
     *
     * @return the lines, without line ends
     */
    public List<String> describe() {
        List<ChaosProxy> all = proxies();
        List<String> lines = new ArrayList<>();
        String api = apiAddress().map(a -> "control API on " + Addresses.format(a.getAddress(), a.getPort()))
                .orElse("no control API");
        lines.add(api + ", " + all.size() + (all.size() == 1 ? " proxy" : " proxies"));
        for (ChaosProxy p : all) {
            lines.add(p.name() + ": " + p.listen() + " -> " + p.upstream() + (p.isEnabled() ? "" : " (disabled)"));
        }
        return lines;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the lab is closed");
        }
    }

    /** Stops the API, every proxy and connection, and the lab's threads. Idempotent. */
    @Override
    public void close() {
        List<ChaosProxy> all;
        ApiServer server;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(proxies.values());
            proxies.clear();
            server = api;
            api = null;
        } finally {
            lock.unlock();
        }
        if (server != null) {
            server.close();
        }
        for (ChaosProxy p : all) {
            p.runtime().stop("lab closed");
        }
        workers.close();
    }

    /**
     * Collects a lab's settings. Not thread-safe.
     */
    public static final class Builder {
        private Duration dialTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * How long a proxy waits for the upstream to accept before it resets the client.
         *
         * @param dialTimeout positive, at most {@link Integer#MAX_VALUE} ms (default 10 s)
         * @return this builder
         * @throws NullPointerException if {@code dialTimeout} is null
         * @throws IllegalArgumentException if it is not positive or too long
         */
        public Builder dialTimeout(Duration dialTimeout) {
            Objects.requireNonNull(dialTimeout, "dialTimeout");
            if (dialTimeout.isNegative() || dialTimeout.isZero() || dialTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("dialTimeout: " + dialTimeout
                        + " (expected: > 0 and at most " + Integer.MAX_VALUE + " ms)");
            }
            this.dialTimeout = dialTimeout;
            return this;
        }

        /**
         * Builds the lab; it starts no proxy and no API until asked.
         *
         * @return the lab; close it to stop everything
         */
        public ChaosLab build() {
            return new ChaosLab(this);
        }
    }
}
