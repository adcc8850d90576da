package dev.tether.chaos;

import dev.tether.chaos.internal.Addresses;
import dev.tether.chaos.internal.ProxyRuntime;
import dev.tether.chaos.internal.ToxicSlot;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A proxy of a {@link ChaosLab}: connect to {@link #listenAddress()} instead of the upstream and
 * every fault added here happens on your connections. Closing it deletes the proxy.
 */
public final class ChaosProxy implements AutoCloseable {

    private final ChaosLab lab;
    private final ProxyRuntime runtime;

    ChaosProxy(ChaosLab lab, ProxyRuntime runtime) {
        this.lab = lab;
        this.runtime = runtime;
    }

    ProxyRuntime runtime() {
        return runtime;
    }

    public String name() {
        return runtime.name();
    }

    /** The address listened on, as {@code host:port}, with the real port once started. */
    public String listen() {
        return runtime.listen();
    }

    public InetSocketAddress listenAddress() {
        return Addresses.listenAddress(runtime.listen());
    }

    /** The real port (0 while a proxy created with port 0 has never been enabled). */
    public int port() {
        return listenAddress().getPort();
    }

    public String upstream() {
        return runtime.upstream();
    }

    public boolean isEnabled() {
        return runtime.enabled();
    }

    /** Live connections through this proxy. */
    public int connectionCount() {
        return runtime.connectionCount();
    }

    /** Starts listening again on the same address; live connections were closed by {@link #disable()}. */
    public ChaosProxy enable() {
        runtime.update(listen(), upstream(), true);
        return this;
    }

    /** Closes the listener (new connects are refused) and every live connection. */
    public ChaosProxy disable() {
        runtime.update(listen(), upstream(), false);
        return this;
    }

    /**
     * Changes listen address, upstream or enabled state, as the control API's update does: a
     * new listen address or upstream restarts the proxy and closes its live connections.
     */
    public ChaosProxy update(String listen, String upstream, boolean enabled) {
        runtime.update(listen, upstream, enabled);
        return this;
    }

    /**
     * Adds a toxic; it applies to live connections from their next byte and to new ones.
     *
     * @throws ChaosException 409 if a toxic of that name exists
     */
    public Toxic addToxic(Toxic toxic) {
        return runtime.addToxic(toxic).toxic();
    }

    /**
     * Replaces the toxicity and attributes of the toxic with {@code toxic}'s name; its type and
     * stream stay as they were. Live connections see the change at once.
     *
     * @throws ChaosException 404 if there is no toxic of that name
     */
    public Toxic updateToxic(Toxic toxic) {
        return runtime.updateToxic(toxic).toxic();
    }

    /** @throws ChaosException 404 if there is no toxic of that name */
    public Toxic toxic(String name) {
        ToxicSlot slot = runtime.chain().get(name);
        if (slot == null) {
            throw ChaosException.notFound("toxic not found: " + name);
        }
        return slot.toxic();
    }

    /** Upstream toxics first, then downstream, each in the order added. */
    public List<Toxic> toxics() {
        return runtime.chain().all().stream().map(ToxicSlot::toxic).toList();
    }

    /**
     * Removes a toxic. Held data goes on its way; a removed {@code timeout} closes the
     * connections it dropped data of, since their streams have a gap.
     *
     * @throws ChaosException 404 if there is no toxic of that name
     */
    public void removeToxic(String name) {
        runtime.removeToxic(name);
    }

    public void removeAllToxics() {
        runtime.removeAllToxics();
    }

    /** Resets (RST) every live connection now, idle ones included; the same as adding {@code reset_now}. */
    public void resetConnections() {
        runtime.resetConnections("reset requested through the Java API");
    }

    /** Deletes the proxy from its lab: listener and live connections are closed. */
    @Override
    public void close() {
        lab.deleteIfSame(this);
    }

    @Override
    public String toString() {
        return "ChaosProxy{" + name() + ", listen=" + listen() + ", upstream=" + upstream()
                + ", enabled=" + isEnabled() + "}";
    }
}
