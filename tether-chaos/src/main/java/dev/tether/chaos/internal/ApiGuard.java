package dev.tether.chaos.internal;

import dev.tether.chaos.ChaosException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Who may drive the control API: programs and scripts, never a web page. Anything that reaches the
 * API can re-point a proxy's upstream and read the traffic, and a page in the user's browser can
 * reach a loopback port. A request is refused (403) when, checked in this order:
 *
 * <ol>
 *   <li>its {@code Host} is not an address of the API: a loopback IP, {@code localhost}, the host
 *       the API was started with, or (remote access only) any IP literal. A page that points its
 *       own name at this machine (DNS rebinding) sends its name, and is refused. (A missing or
 *       repeated {@code Host} is a bad request, 400.)</li>
 *   <li>it has an {@code Origin} that is not on loopback: a script of a web page elsewhere.</li>
 *   <li>its {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site}, or its
 *       {@code Sec-Fetch-Mode} is a navigation: a browser sends these and scripts cannot forge
 *       them.</li>
 *   <li>its {@code User-Agent} starts with {@code Mozilla/}: a browser.</li>
 * </ol>
 *
 * The port of {@code Host} is not compared: it adds nothing against DNS rebinding (the name is what
 * gives it away), and a remote API is often reached through a mapped port.
 */
final class ApiGuard {

    private static final Set<String> CROSS_SITE = Set.of("cross-site", "same-site");
    private static final Set<String> NAVIGATION = Set.of("navigate", "nested-navigate");

    private final String startedHost;
    private final boolean remote;

    /**
     * @param startedHost the host the API was started with, as given
     * @param remote      whether the API may be reached from other machines
     */
    ApiGuard(String startedHost, boolean remote) {
        this.startedHost = normalize(startedHost == null ? "" : startedHost);
        this.remote = remote;
    }

    /** @throws ChaosException 403 (400 for a missing or repeated Host) saying which rule the request broke */
    void check(HttpListener.Request r) {
        if (r.count("Host") != 1) {
            throw ChaosException.badRequest("Host: " + (r.count("Host") == 0 ? "missing" : "repeated")
                    + " (expected: one Host header, the API's address)");
        }
        String host = r.header("Host");
        if (!isApiHost(hostPart(host))) {
            boolean named = !startedHost.isEmpty() && !startedHost.equals("localhost") && Addresses.literal(startedHost) == null;
            throw forbidden("Host: " + Names.quote(host) + " refused: the control API answers only requests addressed to"
                    + " it by " + (remote ? "an IP address" : "a loopback address") + (named ? ", localhost or " + startedHost
                    : " or localhost") + " (a name of another site pointing at this machine is DNS rebinding)");
        }
        String origin = r.header("Origin");
        if (origin != null && !isLoopbackOrigin(origin)) {
            throw forbidden("Origin: " + Names.quote(origin) + " refused: the control API takes no requests from web pages"
                    + " (expected: no Origin, or one on loopback)");
        }
        String site = lower(r.header("Sec-Fetch-Site"));
        if (CROSS_SITE.contains(site)) {
            throw forbidden("Sec-Fetch-Site: " + site + " refused: the control API takes no requests from web pages of other sites");
        }
        String mode = lower(r.header("Sec-Fetch-Mode"));
        if (NAVIGATION.contains(mode)) {
            throw forbidden("Sec-Fetch-Mode: " + mode + " refused: the control API takes no browser navigations"
                    + " (a link, a form or the address bar)");
        }
        String agent = r.header("User-Agent");
        if (agent != null && agent.startsWith("Mozilla/")) {
            throw forbidden("user agent not allowed: the control API refuses browsers");
        }
    }

    private boolean isApiHost(String host) {
        if (host.equals("localhost") || !startedHost.isEmpty() && host.equals(startedHost)) {
            return true;
        }
        InetAddress literal = Addresses.literal(host);
        return literal != null && (remote || literal.isLoopbackAddress());
    }

    private static boolean isLoopbackOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            String host = uri.getHost() == null ? "" : normalize(uri.getHost());
            InetAddress literal = Addresses.literal(host);
            return host.equals("localhost") || literal != null && literal.isLoopbackAddress();
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed page, a file) or garbage: not loopback either way
        }
    }

    /** The host of a {@code Host} value: {@code [::1]:8474} -> {@code [::1]}, {@code Example.com.:80} -> {@code example.com}. */
    private static String hostPart(String value) {
        String v = value.strip();
        int end = v.startsWith("[") ? v.indexOf(']') + 1 : v.lastIndexOf(':');
        return normalize(end > 0 ? v.substring(0, end) : v);
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static String lower(String value) {
        return value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    }

    private static ChaosException forbidden(String message) {
        return new ChaosException(403, message);
    }
}
