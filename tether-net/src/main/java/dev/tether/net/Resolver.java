package dev.tether.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a host name into the addresses to try, in order. Pluggable so that tests and service
 * discovery can answer without DNS; tether tries every address in turn within the connect timeout.
 * Called from many threads at once (each open resolves): an implementation must be thread-safe.
 */
@FunctionalInterface
public interface Resolver {

    /** The JDK's resolver ({@link InetAddress#getAllByName}); IP literals resolve without a lookup. */
    Resolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));

    /**
     * The addresses of a host. It may block (DNS), and counts against the connect timeout.
     *
     * @param host a host name or an IP literal
     * @return the addresses to try in order, never empty
     * @throws UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
