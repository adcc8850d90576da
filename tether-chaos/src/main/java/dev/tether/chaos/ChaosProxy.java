package dev.tether.chaos;

import dev.tether.chaos.internal.Addresses;
import dev.tether.chaos.internal.ProxyRuntime;
import dev.tether.chaos.internal.ToxicSlot;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A proxy of a {@link ChaosLab}: connect to {@link #listenAddress()} instead of the upstream and
 * every fault added here happens on your connections. Closing it deletes the proxy. Thread-safe:
 * toxics may be added and removed while traffic flows.
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

    /**
     * The proxy's name, unique in its lab.
     *
     * @return the name
     */
    public String name() {
        return runtime.name();
    }

    /**
     * The address listened on, as {@code host:port}, with the real port once started.
     *
     * @return {@code host:port}
     */
    public String listen() {
        return runtime.listen();
    }

    /**
     * The address to connect to instead of the upstream.
     *
     * @return the address, with the real port once started
     */
    public InetSocketAddress listenAddress() {
        return Addresses.listenAddress(runtime.listen());
    }

    /**
     * The real port (0 while a proxy created with port 0 has never been enabled).
     *
     * @return the port
     */
    public int port() {
        return listenAddress().getPort();
    }

    /**
     * Where connections are forwarded.
     *
     * @return {@code host:port}
     */
    public String upstream() {
        return runtime.upstream();
    }

    /**
     * Whether the proxy listens and forwards.
     *
     * @return true when enabled
     */
    public boolean isEnabled() {
        return runtime.enabled();
    }

    /**
     * Live connections through this proxy.
     *
     * @return the count
     */
    public int connectionCount() {
        return runtime.connectionCount();
    }

    /**
     * Starts listening again on the same address; live connections were closed by {@link #disable()}.
     *
     * @return this proxy
     * @throws ChaosException 500 if the address cannot be bound again
     */
    public ChaosProxy enable() {
        runtime.update(listen(), upstream(), true);
        return this;
    }

    /**
     * Closes the listener (new connects are refused) and every live connection.
     *
     * @return this proxy
     */
    public ChaosProxy disable() {
        runtime.update(listen(), upstream(), false);
        return this;
    }

    /**
     * Changes listen address, upstream or enabled state, as the control API's update does: a
     * new listen address or upstream restarts the proxy and closes its live connections.
     */
    /**
     * Changes listen address, upstream or enabled state, as the control API's update does: a
     * new listen address or upstream restarts the proxy and closes its live connections.
     *
     * @param listen {@code host:port} to listen on
     * @param upstream {@code host:port} to forward to
     * @param enabled whether it listens and forwards
     * @return this proxy
     * @throws ChaosException 400 for a bad address, 500 if the address cannot be bound
     */
    public ChaosProxy update(String listen, String upstream, boolean enabled) {
        runtime.update(listen, upstream, enabled);
        return this;
    }

    /**
     * Adds a toxic; it applies to live connections from their next byte and to new ones.
     *
     * @param toxic the fault
     * @return the toxic as added
     * @throws ChaosException 409 if a toxic of that name exists
     */
    public Toxic addToxic(Toxic toxic) {
        return runtime.addToxic(toxic).toxic();
    }

    /**
     * Replaces the toxicity and attributes of the toxic with {@code toxic}'s name; its type and
     * stream stay as they were. Live connections see the change at once.
     *
     * @param toxic names the toxic and carries its new toxicity and attributes
     * @return the toxic as it now is
     * @throws ChaosException 404 if there is no toxic of that name
     */
    public Toxic updateToxic(Toxic toxic) {
        return runtime.updateToxic(toxic).toxic();
    }

    /**
     * The toxic of a name.
     *
     * @param name the toxic's name
     * @return the toxic
     * @throws ChaosException 404 if there is no toxic of that name
     */
    public Toxic toxic(String name) {
        ToxicSlot slot = runtime.chain().get(name);
        if (slot == null) {
            throw ChaosException.notFound("toxic not found: " + name);
        }
        return slot.toxic();
    }

    /**
     * Upstream toxics first, then downstream, each in the order added.
     *
     * @return a snapshot
     */
    public List<Toxic> toxics() {
        return runtime.chain().all().stream().map(ToxicSlot::toxic).toList();
    }

    /**
     * Removes a toxic. Held data goes on its way; a removed {@code timeout} closes the
     * connections it dropped data of, since their streams have a gap.
     *
     * @param name the toxic's name
     * @throws ChaosException 404 if there is no toxic of that name
     */
    public void removeToxic(String name) {
        runtime.removeToxic(name);
    }

    /**
     * Removes every toxic, as {@link #removeToxic} does one by one.
     */
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
