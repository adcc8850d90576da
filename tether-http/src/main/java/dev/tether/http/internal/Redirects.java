package dev.tether.http.internal;

import dev.tether.http.HttpClientConfig;
import dev.tether.http.HttpRequest;
import dev.tether.http.HttpResponse;
import dev.tether.http.Route;

import java.net.URI;
import java.util.Locale;

/**
 * Which request follows a redirect, if any.
 *
 * <ol>
 *   <li>Only 301, 302, 303, 307 and 308 with a {@code Location} that resolves to an http or https
 *       URI, and only while redirects are on.</li>
 *   <li>GET and HEAD are sent again to the new location. Any other method is never re-sent by a
 *       redirect (the caller sees the 3xx), except after a 303, which asks for a GET.</li>
 *   <li>Credentials the caller put on the request (Authorization, Cookie, Proxy-Authorization)
 *       stay with the first origin.</li>
 * </ol>
 */
public final class Redirects {
    private final HttpClientConfig config;

    public Redirects(HttpClientConfig config) {
        this.config = config;
    }

    /** Whether another hop may follow {@code hops} redirects already taken. */
    public boolean mayFollow(int hops) {
        return config.followRedirects() && hops < config.maxRedirects();
    }

    /** The request to send after {@code r}, or null to return {@code r} to the caller. */
    public HttpRequest followUp(HttpRequest req, HttpResponse r) {
        int s = r.status();
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
            return null;
        }
        String location = r.header("Location");
        if (location == null) {
            return null;
        }
        String m = req.method();
        boolean safe = m.equals("GET") || m.equals("HEAD");
        if (!safe && s != 303) {
            return null; // never turn a POST into a repeated POST: the caller sees the redirect
        }
        URI next;
        try {
            next = req.uri().resolve(location);
        } catch (IllegalArgumentException bad) {
            return null;
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
            return null;
        }
        HttpRequest.Builder b = req.toBuilder().uri(next);
        if (!safe) {
            b.method("GET", null).removeHeader("Content-Type");
        }
        if (!Route.of(next).equals(Route.of(req.uri()))) {
            // Credentials were meant for the first origin only.
            b.removeHeader("Authorization").removeHeader("Cookie").removeHeader("Proxy-Authorization");
        }
        return b.build();
    }
}
