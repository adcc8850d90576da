package dev.tether.cli.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code tether probe} advises for an HTTP server, from what it measured. Each case gets the
 * advice that fits it and nothing else:
 *
 * <ol>
 *   <li>A non-2xx first response: the numbers are those of an error path, said first.</li>
 *   <li>No keep-alive: no pool setting helps; HTTP/1.0 is told to speak HTTP/1.1, a TLS server
 *       pays a handshake too, and nginx's knob is named only for nginx.</li>
 *   <li>Idle connections kept past {@code --max-idle}: tether's defaults fit.</li>
 *   <li>An idle timeout the probe saw (a FIN or an RST while idle): the setting, and how tether
 *       learns it without one (its idle watcher sees such closes).</li>
 *   <li>Connections that died silently (no FIN, no RST): the setting, and that tether learns
 *       nothing of such a drop, so the setting and TCP keepalive are what protect it.</li>
 * </ol>
 *
 * @param idleTimeoutMs the suggested {@code idleTimeout}, or null
 * @param code          the Java that sets it, several lines, or null
 * @param sentences     whole sentences, in the order they are read
 */
record HttpAdvice(Long idleTimeoutMs, String code, List<String> sentences) {

    /** What the advice depends on. Durations in ms; null where unknown; {@code advertisedS} -1 when none. */
    record Facts(int status, String httpVersion, String server, boolean tls, boolean persistent, Long idleMs, Long silentHighMs,
                 boolean aboveMax, long advertisedS, long maxIdleMs, long precisionMs) {
    }

    static HttpAdvice of(Facts f) {
        List<String> out = new ArrayList<>();
        if (f.status() / 100 != 2) {
            out.add("These numbers were measured on a " + f.status() + " response, not on a successful one: an error may be"
                    + " answered by another part of the server, or by a proxy in front, with other keep-alive rules; probe a URL"
                    + " that answers 2xx, such as a health check.");
        }
        String handshake = f.tls() ? " and a TLS handshake" : "";
        if (!f.persistent()) {
            if (f.httpVersion().equals("HTTP/1.0")) {
                out.add("The server answers in HTTP/1.0 without keep-alive, so every request pays a connect" + handshake
                        + " and no pool setting can change that; a server that speaks HTTP/1.1 keeps connections open by default.");
            } else {
                boolean nginx = f.server() != null && f.server().toLowerCase(Locale.ROOT).contains("nginx");
                out.add("The server closes every connection after one response, so every request pays a connect" + handshake
                        + " and no pool setting can change that; turn keep-alive on at the server if you can"
                        + (nginx ? " (nginx: keepalive_timeout above 0)." : "."));
            }
            return new HttpAdvice(null, null, out);
        }
        Long basis = f.idleMs() != null ? f.idleMs() : f.silentHighMs();
        if (basis == null) {
            out.add("The server kept idle connections open for more than " + IdleSearch.seconds(f.maxIdleMs())
                    + ", so tether's defaults fit: the pool's idleTimeout, 50 s, is below the 60 s of common load balancers.");
            if (f.advertisedS() >= 0) {
                out.add("tether honours the advertised Keep-Alive: timeout=" + f.advertisedS() + " by itself.");
            }
            return new HttpAdvice(null, null, out);
        }
        long suggested = IdleSearch.below(basis, 250);
        String code = String.join(System.lineSeparator(), "HttpClientConfig.builder()",
                String.format(Locale.ROOT, "    .pool(p -> p.idleTimeout(Duration.ofMillis(%d)))   // a margin below the server's %s",
                        suggested, IdleSearch.seconds(basis)),
                "    .build();");
        boolean advertisedLonger = f.advertisedS() >= 0 && f.advertisedS() * 1000 > basis + f.precisionMs();
        if (f.idleMs() != null) {
            if (advertisedLonger) {
                out.add("The server advertises Keep-Alive: timeout=" + f.advertisedS() + " but closed idle connections sooner:"
                        + " something in between (a load balancer or a proxy) has the shorter timeout; tether learns it from"
                        + " the closes its idle watcher sees, once two agree.");
            } else if (f.advertisedS() >= 0) {
                out.add("tether also honours the advertised Keep-Alive: timeout=" + f.advertisedS() + " by itself.");
            } else {
                out.add("Without this setting tether learns the timeout once two idle closes agree (an idle close costs no"
                        + " request).");
            }
        } else {
            out.add("The idle connections died without a FIN or an RST (a firewall, NAT or load balancer that drops idle"
                    + " connections silently): tether's idle watcher cannot see such a drop and learns nothing from it, so set"
                    + " this idle timeout, and keep TCP keepalive on (SocketConfig keepAlive, the default) to find a dropped"
                    + " connection that is still in the pool.");
            if (advertisedLonger) {
                out.add("The server advertises Keep-Alive: timeout=" + f.advertisedS() + ", but its connections died sooner:"
                        + " something in between drops them.");
            }
        }
        return new HttpAdvice(suggested, code, out);
    }
}
