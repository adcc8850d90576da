package dev.tether.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a host name into the addresses to try, in order. Pluggable so that tests and service
 * discovery can answer without DNS; tether tries every address in turn within the connect timeout.
 */
@FunctionalInterface
public interface Resolver {

    /** The JDK's resolver ({@link InetAddress#getAllByName}); IP literals resolve without a lookup. */
    Resolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));

    /** The addresses of {@code host}, never empty: an unknown name throws {@link UnknownHostException}. */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
