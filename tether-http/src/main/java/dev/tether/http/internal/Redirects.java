package dev.tether.http.internal;

import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.HttpResponse;
import dev.tether.http.RedirectException;
import dev.tether.http.Route;
import dev.tether.pool.Redact;

import java.net.URI;
import java.util.Locale;

/**
 * Which request follows a redirect, if any.
 *
 * <ol>
 *   <li>Only 301, 302, 303, 307 and 308 with a {@code Location}, and only while redirects are on.</li>
 *   <li>GET and HEAD are sent again to the new location. Any other method is never re-sent by a
 *       redirect (the caller sees the 3xx), except after a 303, which asks for a GET.</li>
 *   <li>A {@code Location} that is not a URI tether can send to (bad port, user info, another
 *       scheme) is refused with a {@link RedirectException}, as is a move from https to plain
 *       http unless {@code HttpClientConfig.allowInsecureRedirects} is on.</li>
 *   <li>Credentials never cross an origin (scheme, host, port) and never go from https to http:
 *       the request's sensitive headers (Authorization, Proxy-Authorization, Cookie, names marked
 *       in {@code HttpClientConfig.sensitiveHeaders} and those {@link Redact} masks) are removed,
 *       and the client's default ones are added only on the first origin.</li>
 * </ol>
 */
public final class Redirects {
    private final HttpClientConfig config;
    private final RequestBridge bridge;

    public Redirects(HttpClientConfig config, RequestBridge bridge) {
        this.config = config;
        this.bridge = bridge;
    }

    /** Whether another hop may follow {@code hops} redirects already taken. */
    public boolean mayFollow(int hops) {
        return config.followRedirects() && hops < config.maxRedirects();
    }

    /** Whether {@code r} is a redirect this client will try to follow for {@code req} (its body is then not worth reading). */
    public boolean wouldFollow(HttpRequest req, HttpResponse r) {
        int s = r.status();
        if ((s != 301 && s != 302 && s != 303 && s != 307 && s != 308) || r.header("Location") == null) {
            return false;
        }
        // Never turn a POST into a repeated POST: the caller sees the redirect (a 303 asks for a GET).
        return s == 303 || req.method().equals("GET") || req.method().equals("HEAD");
    }

    /**
     * The request to send after {@code r}, or null to return {@code r} to the caller.
     *
     * @throws RedirectException if it is a redirect that must not be followed
     */
    public HttpRequest followUp(HttpRequest req, HttpResponse r) throws RedirectException {
        if (!wouldFollow(req, r)) {
            return null;
        }
        int s = r.status();
        String location = r.header("Location");
        boolean safe = req.method().equals("GET") || req.method().equals("HEAD");
        String from = Redact.uri(req.uri());
        URI next;
        try {
            next = req.uri().resolve(location.trim());
        } catch (IllegalArgumentException bad) {
            throw new RedirectException(s + " redirect from " + from + " refused: its Location " + Redact.uri(location)
                    + " is not a valid URI");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (req.uri().getScheme().equalsIgnoreCase("https") && scheme.equals("http") && !config.allowInsecureRedirects()) {
            throw new RedirectException(s + " redirect from " + from + " to " + Redact.uri(next) + " refused: it would"
                    + " send the request in clear text; set HttpClientConfig.allowInsecureRedirects(true) to follow such"
                    + " redirects (credentials are never sent over them)");
        }
        HttpRequest.Builder b = req.toBuilder().uri(next);
        if (!safe) {
            b.method("GET", null).removeHeader("Content-Type");
        }
        Route origin;
        try {
            origin = Route.of(next);
        } catch (IllegalArgumentException bad) {
            throw new RedirectException(s + " redirect from " + from + " refused: " + bad.getMessage(), bad);
        }
        if (!origin.equals(Route.of(req.uri()))) {
            // Credentials were meant for the first origin only.
            for (int i = 0; i < req.headers().size(); i++) {
                String name = req.headers().name(i);
                if (bridge.isSensitive(name)) {
                    b.removeHeader(name);
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException bad) {
            throw new RedirectException(s + " redirect from " + from + " refused: " + bad.getMessage(), bad);
        }
    }
}
