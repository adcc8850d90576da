package dev.tether.chaos.internal;

import dev.tether.chaos.ChaosException;
import dev.tether.chaos.Toxic;
import dev.tether.chaos.ToxicType;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named proxy: a loopback listener, its live connections and its toxics.
 *
 * <ol>
 *   <li>{@link #start()} binds the listen address (port 0 picks one; the real address replaces
 *       it) and starts an accept thread for this start, identified by a generation number.</li>
 *   <li>The accept thread hands each client to the lab's dial pool, which connects upstream with
 *       the lab's dial timeout; a dead or slow upstream only costs that client (reset), never
 *       the accepts of others.</li>
 *   <li>refuse resets a new client at once; stall_accept swaps the listener for one with a
 *       backlog of 1 that nobody accepts from, so the kernel queues two connects and drops the
 *       SYN of the next: its connect times out. When stall_accept goes, the queued clients are
 *       accepted and served and the normal listener comes back on the same port.</li>
 *   <li>{@link #stop} closes the listener and every live connection (FIN), as Toxiproxy does for
 *       {@code enabled: false}; toxics stay.</li>
 *   <li>Toxic changes go to {@link ToxicChain} and then to every live connection, which applies
 *       its connection-level part (timers, half_close, reset_now).</li>
 * </ol>
 *
 * <p>Locking: {@link #stateLock} serialises start, stop, update and the listener swaps; the
 * data path never takes it. Fields marked volatile are read without it.
 */
public final class ProxyRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);
    private static final int BACKLOG = 128;
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();

    private final String name;
    private final Workers workers;
    private final ToxicChain chain = new ToxicChain();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantLock stateLock = new ReentrantLock();
    private volatile String listen;
    private volatile String upstream;
    private volatile boolean enabled;
    private volatile int generation;
    /** The socket the accept thread takes clients from; null while stopped or stalled. */
    private volatile ServerSocket acceptFrom;
    private ServerSocket listener; // guarded by stateLock
    /** The thread accepting for the current generation. Guarded by stateLock. */
    private Thread acceptThread;
    private ServerSocket stalled; // guarded by stateLock
    private InetSocketAddress bound; // guarded by stateLock

    public ProxyRuntime(String name, String listen, String upstream, Workers workers) {
        this.name = name;
        this.listen = Addresses.format(Addresses.listenAddress(listen).getAddress(),
                Addresses.listenAddress(listen).getPort());
        Addresses.parse("upstream", upstream, 1);
        this.upstream = upstream;
        this.workers = workers;
    }

    public String name() {
        return name;
    }

    public String listen() {
        return listen;
    }

    public String upstream() {
        return upstream;
    }

    public boolean enabled() {
        return enabled;
    }

    public ToxicChain chain() {
        return chain;
    }

    Workers workers() {
        return workers;
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Starts listening; does nothing if already started. */
    public void start() {
        stateLock.lock();
        try {
            if (enabled) {
                return;
            }
            InetSocketAddress address = Addresses.listenAddress(listen);
            listener = bind(address, BACKLOG);
            bound = (InetSocketAddress) listener.getLocalSocketAddress();
            listen = Addresses.format(bound.getAddress(), bound.getPort());
            enabled = true;
            acceptFrom = listener;
            int gen = ++generation;
            acceptThread = Workers.start("tether-chaos-" + name + "-accept", () -> acceptLoop(gen));
            applyAcceptState();
            LOG.debug("proxy {} listening on {} for {}", name, listen, upstream);
        } finally {
            stateLock.unlock();
        }
    }

    /** Closes the listener and every live connection; toxics stay. */
    public void stop(String reason) {
        List<Connection> live;
        Thread acceptor;
        stateLock.lock();
        try {
            enabled = false;
            generation++;
            acceptFrom = null;
            Sockets.close(listener, "proxy " + name + ": " + reason);
            Sockets.close(stalled, "proxy " + name + ": " + reason);
            listener = null;
            stalled = null;
            acceptor = acceptThread;
            acceptThread = null;
            live = new ArrayList<>(connections);
        } finally {
            stateLock.unlock();
        }
        chain.wakeAll(); // lets a stalled accept thread see the new generation
        // The JDK releases a listener's descriptor only when the thread blocked in its accept()
        // has left it; until then the kernel still queues connects. Wait for that thread, so that
        // when stop() returns new connects are refused and the port can be bound again.
        if (acceptor != null && acceptor != Thread.currentThread()) {
            try {
                acceptor.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection c : live) {
            c.close(Sockets.Close.FIN, "proxy " + reason);
        }
    }

    /**
     * Toxiproxy's update: a new listen address or upstream restarts the proxy (live connections
     * are closed); otherwise only {@code enabled} is applied.
     */
    public void update(String newListen, String newUpstream, boolean newEnabled) {
        InetSocketAddress address = Addresses.listenAddress(newListen);
        Addresses.parse("upstream", newUpstream, 1);
        String normalized = Addresses.format(address.getAddress(), address.getPort());
        stateLock.lock();
        try {
            if (!normalized.equals(listen) || !newUpstream.equals(upstream)) {
                stop("restarting for listen " + normalized + ", upstream " + newUpstream);
                listen = normalized;
                upstream = newUpstream;
                if (newEnabled) {
                    start();
                }
            } else if (newEnabled && !enabled) {
                start();
            } else if (!newEnabled && enabled) {
                stop("disabled");
            }
        } finally {
            stateLock.unlock();
        }
    }

    public ToxicSlot addToxic(Toxic toxic) {
        ToxicSlot slot = chain.add(toxic);
        changed(slot);
        return slot;
    }

    public ToxicSlot updateToxic(Toxic toxic) {
        ToxicSlot slot = chain.update(toxic);
        changed(slot);
        return slot;
    }

    public void removeToxic(String toxicName) {
        ToxicSlot slot = chain.remove(toxicName);
        for (Connection c : connections) {
            c.onToxicRemoved(slot);
        }
        if (slot.toxic().type() == ToxicType.STALL_ACCEPT) {
            withStateLock(this::applyAcceptState);
        }
    }

    public void removeAllToxics() {
        for (ToxicSlot slot : chain.all()) {
            try {
                removeToxic(slot.toxic().name());
            } catch (ChaosException e) {
                // Removed concurrently: the goal is reached all the same.
            }
        }
    }

    /** Resets (RST) every live connection, idle ones included. */
    public void resetConnections(String reason) {
        for (Connection c : new ArrayList<>(connections)) {
            c.close(Sockets.Close.RST, reason);
        }
    }

    private void changed(ToxicSlot slot) {
        for (Connection c : new ArrayList<>(connections)) {
            c.onToxic(slot, true);
        }
        if (slot.toxic().type() == ToxicType.STALL_ACCEPT) {
            withStateLock(this::applyAcceptState);
        }
    }

    private void withStateLock(Runnable r) {
        stateLock.lock();
        try {
            r.run();
        } finally {
            stateLock.unlock();
        }
    }

    // guarded by stateLock
    private void applyAcceptState() {
        if (!enabled) {
            return;
        }
        boolean stall = chain.has(ToxicType.STALL_ACCEPT);
        try {
            if (stall && stalled == null) {
                acceptFrom = null;
                Sockets.close(listener, "proxy " + name + ": stall_accept swaps in a listener nobody accepts from");
                listener = null;
                stalled = bind(bound, 1);
            } else if (!stall && stalled != null) {
                // Serve the clients queued while stalled, then bring the normal backlog back.
                stalled.setSoTimeout(1);
                while (true) {
                    try {
                        handle(stalled.accept(), generation);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                }
                Sockets.close(stalled, "proxy " + name + ": stall_accept removed");
                stalled = null;
                listener = bind(bound, BACKLOG);
                acceptFrom = listener;
            }
        } catch (IOException e) {
            throw new ChaosException(500, "proxy " + name + " could not rebind " + listen + ": " + e.getMessage(), e);
        } finally {
            chain.wakeAll();
        }
    }

    private static ServerSocket bind(InetSocketAddress address, int backlog) {
        // The JDK closes a listener's descriptor only once the thread blocked in its accept()
        // has left it, so rebinding the port we just closed can fail for a moment: retry briefly.
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            ServerSocket socket = null;
            try {
                // The channel's adaptor: the sockets it accepts have channels, which the pipes
                // move bytes through with direct buffers (see Pipe).
                socket = ServerSocketChannel.open().socket();
                socket.setReuseAddress(true);
                socket.bind(address, backlog);
                return socket;
            } catch (IOException e) {
                Sockets.close(socket, "bind failed");
                if (!(e instanceof BindException) || address.getPort() == 0 || System.nanoTime() - giveUp > 0) {
                    throw new ChaosException(500, "listen " + Addresses.format(address.getAddress(), address.getPort())
                            + ": " + e.getMessage(), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    private void acceptLoop(int gen) {
        while (generation == gen) {
            long seen = chain.version();
            ServerSocket from = acceptFrom;
            if (from == null) {
                try {
                    chain.awaitChange(seen, 1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            try {
                handle(from.accept(), gen);
            } catch (IOException e) {
                if (!from.isClosed()) {
                    LOG.warn("proxy {}: accept failed", name, e);
                }
            }
        }
    }

    private void handle(Socket client, int gen) {
        for (ToxicSlot slot : chain.all()) {
            Toxic t = slot.toxic();
            if (t.type() == ToxicType.REFUSE && ThreadLocalRandom.current().nextDouble() < t.toxicity()) {
                Sockets.close(client, Sockets.Close.RST, "proxy " + name + ": refuse toxic " + t.name());
                return;
            }
        }
        try {
            workers.dialer().execute(() -> dial(client, gen));
        } catch (RejectedExecutionException e) {
            Sockets.close(client, Sockets.Close.RST, "proxy " + name + ": lab closed");
        }
    }

    private void dial(Socket client, int gen) {
        String target = upstream;
        Socket server = null;
        try {
            server = SocketChannel.open().socket(); // with a channel, as the accepted side (see Pipe)
            InetSocketAddress parsed = Addresses.parse("upstream", target, 1);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(new InetSocketAddress(parsed.getHostString(), parsed.getPort()),
                    (int) workers.dialTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            Sockets.close(server, Sockets.Close.FIN, "dial failed");
            Sockets.close(client, Sockets.Close.RST, "proxy " + name + ": upstream " + target + " unreachable: " + e);
            return;
        }
        Connection c = new Connection(CONNECTION_IDS.incrementAndGet(), this, client, server);
        connections.add(c);
        // stop() bumps the generation before it closes the live connections: one of the two
        // sees the other, so no connection outlives its proxy.
        if (generation != gen) {
            c.close(Sockets.Close.FIN, "proxy stopped while dialling");
            return;
        }
        c.start();
    }

    void removed(Connection c) {
        connections.remove(c);
    }
}
