package dev.tether.chaos.internal;

import dev.tether.chaos.ChaosException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parsing and printing of the {@code host:port} strings of the control API. */
public final class Addresses {

    private Addresses() {
    }

    /** Splits {@code host:port}, {@code [v6]:port} or {@code :port}; the host may be empty. */
    public static InetSocketAddress parse(String field, String value, int minPort) {
        if (value == null) {
            throw ChaosException.badRequest(field + ": null (expected: host:port)");
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw ChaosException.badRequest(field + ": " + value + " (expected: host:port)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ChaosException.badRequest(field + ": " + value + " (expected: host:port with a numeric port)");
        }
        if (port < minPort || port > 65535) {
            throw ChaosException.badRequest(field + ": " + value + " (expected: a port from " + minPort + " to 65535)");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * Resolves a listen address. An empty or wildcard host means loopback: the lab never
     * listens beyond this machine. Any other host must resolve to a loopback address.
     */
    public static InetSocketAddress listenAddress(String value) {
        InetSocketAddress parsed = parse("listen", value, 0);
        String host = parsed.getHostString();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("localhost")) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), parsed.getPort());
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!address.isLoopbackAddress()) {
                throw ChaosException.badRequest("listen: " + value
                        + " (expected: a loopback address such as 127.0.0.1 or [::1]; the lab never listens beyond this machine)");
            }
            return new InetSocketAddress(address, parsed.getPort());
        } catch (UnknownHostException e) {
            throw ChaosException.badRequest("listen: " + value + " (expected: a resolvable host): " + e.getMessage());
        }
    }

    public static String format(InetAddress address, int port) {
        if (address instanceof Inet6Address) {
            return "[" + address.getHostAddress() + "]:" + port;
        }
        return address.getHostAddress() + ":" + port;
    }
}
