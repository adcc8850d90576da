package dev.tether.chaos.internal;

import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One proxied connection: the client's socket, the upstream socket, and a {@link Pipe} each way.
 *
 * <ol>
 *   <li>{@link #start()} starts both pipes, then applies the connection-level toxics already
 *       installed (timeout timers, half_close, idle_close).</li>
 *   <li>Whether a toxic applies to this connection is drawn once per toxic version from its
 *       toxicity ({@link #applies}), as Toxiproxy draws it per link.</li>
 *   <li>Each FIN is passed on as a half-close; when both directions have ended, the sockets are
 *       closed.</li>
 *   <li>{@link #close} is the only way the sockets of a connection are closed, exactly once,
 *       with FIN or RST and a reason; it then wakes the pipe threads so they end.</li>
 * </ol>
 */
public final class Connection {

    private record Roll(long version, boolean applies) {
    }

    private final long id;
    private final ProxyRuntime proxy;
    private final Socket client;
    private final Socket server;
    private final Pipe upstream;
    private final Pipe downstream;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger ended = new AtomicInteger();
    private final ConcurrentHashMap<ToxicSlot, Roll> rolls = new ConcurrentHashMap<>();
    private volatile long lastActivityNanos = System.nanoTime();

    Connection(long id, ProxyRuntime proxy, Socket client, Socket server) {
        this.id = id;
        this.proxy = proxy;
        this.client = client;
        this.server = server;
        this.upstream = new Pipe(this, Stream.UPSTREAM, client, server, proxy.chain());
        this.downstream = new Pipe(this, Stream.DOWNSTREAM, server, client, proxy.chain());
    }

    void start() {
        try {
            upstream.start();
            downstream.start();
        } catch (IOException e) {
            close(Sockets.Close.RST, "could not start: " + e.getMessage());
            return;
        }
        for (ToxicSlot slot : proxy.chain().all()) {
            onToxic(slot, false);
        }
    }

    String threadName(Stream stream, String role) {
        return "tether-chaos-" + proxy.name() + "-" + id + "-" + stream.jsonName() + "-" + role;
    }

    boolean isClosed() {
        return closed.get();
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Whether the toxic applies to this connection: drawn from its toxicity once per version. */
    boolean applies(ToxicSlot slot) {
        Roll roll = rolls.compute(slot, (s, r) -> {
            long v = s.version();
            if (r != null && r.version == v) {
                return r;
            }
            double toxicity = s.toxic().toxicity();
            return new Roll(v, toxicity >= 1.0 || ThreadLocalRandom.current().nextDouble() < toxicity);
        });
        return roll.applies;
    }

    /**
     * Applies the connection-level part of a toxic: at start for the toxics already there
     * ({@code changed} false), or when a toxic is added or updated ({@code changed} true).
     */
    void onToxic(ToxicSlot slot, boolean changed) {
        if (isClosed() || !applies(slot)) {
            return;
        }
        Toxic toxic = slot.toxic();
        long version = slot.version();
        switch (toxic.type()) {
            case TIMEOUT -> {
                long timeout = toxic.longAttribute("timeout");
                if (timeout > 0) {
                    proxy.workers().timer().schedule(() -> {
                        if (!slot.removed() && slot.version() == version) {
                            close(Sockets.Close.FIN, "timeout toxic " + toxic.name() + " after " + timeout + " ms");
                        }
                    }, timeout, TimeUnit.MILLISECONDS);
                }
            }
            case HALF_CLOSE -> {
                pipe(toxic.stream()).endOutput("half_close toxic " + toxic.name());
                pipe(toxic.stream().opposite()).resetOnNextRead();
            }
            case IDLE_CLOSE -> scheduleIdleCheck(slot, version);
            case RESET_NOW -> {
                // Only what is live when the toxic arrives: new connections are not affected.
                if (changed) {
                    close(Sockets.Close.RST, "reset_now toxic " + toxic.name());
                }
            }
            default -> {
                // The others act on the data, in Pipe, or on accepts, in ProxyRuntime.
            }
        }
    }

    /** A removed timeout toxic ends the connection: the data it dropped left a gap in the stream. */
    void onToxicRemoved(ToxicSlot slot) {
        Roll roll = rolls.get(slot);
        if (slot.toxic().type() == dev.tether.chaos.ToxicType.TIMEOUT && roll != null && roll.applies) {
            close(Sockets.Close.FIN, "timeout toxic " + slot.toxic().name() + " removed after dropping data");
        }
    }

    private void scheduleIdleCheck(ToxicSlot slot, long version) {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(slot.toxic().longAttribute("timeout"));
        long idle = System.nanoTime() - lastActivityNanos;
        long delay = Math.max(0, timeoutNanos - idle);
        proxy.workers().timer().schedule(() -> {
            if (isClosed() || slot.removed() || slot.version() != version) {
                return;
            }
            long idleNow = System.nanoTime() - lastActivityNanos;
            if (idleNow >= timeoutNanos) {
                boolean rst = "rst".equals(slot.toxic().stringAttribute("mode"));
                close(rst ? Sockets.Close.RST : Sockets.Close.FIN, "idle_close toxic " + slot.toxic().name()
                        + ": no byte for " + TimeUnit.NANOSECONDS.toMillis(idleNow) + " ms");
            } else {
                scheduleIdleCheck(slot, version);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private Pipe pipe(Stream stream) {
        return stream == Stream.UPSTREAM ? upstream : downstream;
    }

    /** A direction passed its FIN on; when both have, the connection is done. */
    void directionEnded(Stream stream) {
        if (ended.incrementAndGet() == 2) {
            close(Sockets.Close.FIN, "both sides closed");
        }
    }

    /** Closes both sockets, once; {@code how} decides whether the peers see FIN or RST. */
    public void close(Sockets.Close how, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String why = "connection " + id + " of proxy " + proxy.name() + ": " + reason;
        Sockets.close(client, how, why);
        Sockets.close(server, how, why);
        upstream.stop();
        downstream.stop();
        proxy.removed(this);
    }
}
