package dev.tether.chaos.internal;

import dev.tether.chaos.ChaosException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

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

    /**
     * The address the control API listens on: {@code host} resolved, and refused unless it is
     * loopback or {@code remote} says the caller knows what it opens.
     */
    public static InetSocketAddress apiAddress(String host, int port, boolean remote) {
        if (port < 0 || port > 65535) {
            throw ChaosException.badRequest("port: " + port + " (expected: 0 to 65535)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw ChaosException.badRequest("host: " + host + " does not resolve (expected: a loopback address such as 127.0.0.1)");
        }
        if (!remote && !address.isLoopbackAddress()) {
            throw ChaosException.badRequest("host: " + host + " is not a loopback address (expected: 127.0.0.1, ::1 or localhost,"
                    + " unless remote access is opted into with ChaosLab.ApiAccess.REMOTE or tether proxy --allow-remote):"
                    + " whoever reaches the control API can re-point a proxy's upstream and read the traffic through it");
        }
        return new InetSocketAddress(address, port);
    }

    /**
     * {@code host} as an IP address if it is an IPv4 or IPv6 literal (brackets allowed), else null.
     * Never asks a resolver.
     */
    public static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Each octet checked here: the JDK would look "999.1.1.1" up as a name.
        boolean v4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                && Stream.of(h.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        boolean v6 = h.contains(":") && h.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public static String format(InetAddress address, int port) {
        if (address instanceof Inet6Address) {
            return "[" + address.getHostAddress() + "]:" + port;
        }
        return address.getHostAddress() + ":" + port;
    }
}
