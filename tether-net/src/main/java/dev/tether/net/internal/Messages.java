package dev.tether.net.internal;

import dev.tether.net.ConnectionFacts;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.SettingNames;

import java.time.Duration;
import java.util.Locale;

/**
 * The text of every {@code ConnectionFailure}: "connection #id to host:port" + what happened +
 * the connection's history + a colon + the most likely cause and what to change. Message text is
 * API (tools grep it), so each kind has one fixed shape. Advice names settings as the user
 * spells them ({@link SettingNames}, supplied by the protocol client that built the connector).
 */
public final class Messages {

    private Messages() {
    }

    /**
     * @param detail what the caller knows beyond the facts (addresses tried, a protocol's complaint,
     *               the TLS library's reason); may be null
     * @param timeout the timeout that ran out, for the two timeout kinds; may be null
     * @param names   how the reader spells the settings the advice names
     */
    public static String describe(Kind kind, ConnectionFacts f, String detail, Duration timeout, SettingNames names) {
        String conn = "connection #" + f.connectionId() + " to " + f.endpoint().authority();
        String d = detail == null || detail.isBlank() ? "" : " (" + detail + ")";
        switch (kind) {
            case REFUSED:
                return conn + " was refused" + d + ": nothing listens on that port, or a firewall rejects it;"
                        + " check the host and port and that the server is running";
            case CONNECT_TIMEOUT:
                return conn + " could not be opened within " + millis(timeout) + d
                        + ": the host did not answer (it is down, a firewall drops the packets, or its accept queue is full);"
                        + " check that it is reachable, or raise " + names.socket("connectTimeout");
            case UNKNOWN_HOST:
                return conn + " could not be opened: the name " + f.endpoint().host() + " did not resolve" + d
                        + "; check the host name and the resolver (DNS, /etc/hosts)";
            case UNREACHABLE:
                if (!f.opened()) {
                    return conn + " could not be opened: the host or its network is unreachable" + d
                            + "; check the address, routing and firewalls";
                }
                return conn + " lost its peer " + history(f) + d
                        + ": nothing answered any more (keepalive probes or retransmissions timed out, or no route);"
                        + " the host or a middlebox vanished; check the server, and keep " + names.socket("keepAlive") + " on";
            case RESET:
                if (!f.opened()) {
                    return conn + " could not be opened: the peer accepted it and reset it at once" + d
                            + " (a server or proxy shedding connections, or a proxy whose upstream is down);"
                            + " nothing was sent; check the server's logs and its connection limits";
                }
                return conn + " was reset by the peer " + history(f) + d + ": " + closeAdvice(f, "aborted", names);
            case PEER_CLOSED:
                return conn + " was closed by the peer " + history(f) + d + ": " + closeAdvice(f, "closed", names);
            case BROKEN_PIPE:
                return conn + " was already gone when the request was written " + history(f) + d + ": "
                        + closeAdvice(f, "closed", names);
            case READ_TIMEOUT:
                return conn + " received no " + (f.responseStarted() ? "further response byte" : "response byte")
                        + " within the read timeout of " + millis(timeout) + " " + history(f) + d
                        + ": the server is slow or stalled; if it is known to be slow, raise " + names.socket("readTimeout")
                        + " (or the read timeout of this call); otherwise check the server";
            case WRITE_TIMEOUT:
                return conn + " could not write for " + millis(timeout) + " " + history(f) + d
                        + ": the peer stopped reading (it is overloaded or stalled, or does not read a body it rejects);"
                        + " if it is known to read slowly, raise " + names.socket("writeTimeout") + "; otherwise check the server";
            case TLS_HANDSHAKE:
                return conn + " failed its TLS handshake" + d + ": " + tlsAdvice(detail, names);
            case PROTOCOL:
            default:
                return conn + " broke the protocol " + history(f) + d
                        + ": check that the server speaks the expected protocol on this port";
        }
    }

    /**
     * What to change after a failed handshake, read from the TLS library's reason where it tells
     * the cases apart (a certificate for another name, one not trusted, one expired); the general
     * advice otherwise.
     */
    private static String tlsAdvice(String detail, SettingNames names) {
        String why = detail == null ? "" : detail.toLowerCase(Locale.ROOT);
        if (why.contains("no subject alternative") || why.contains("no name matching")) {
            // The JDK checks the name after the chain: a certificate refused for its name was trusted.
            return "the server's certificate is trusted but not for the host name checked; connect by a name the"
                    + " certificate holds, or set the name to check with TlsSettings.serverName(...)";
        }
        if (why.contains("certificate expired") || why.contains("notafter") || why.contains("not yet valid")) {
            return "the server's certificate is outside its validity dates (expired, or this machine's clock is wrong);"
                    + " renew the certificate or fix the clock";
        }
        if (why.contains("unable to find valid certification path") || why.contains("pkix path building failed")) {
            return "the server's certificate is not trusted by " + names.tls() + "; add the certificate of its CA (or the"
                    + " self-signed certificate itself) to the trust store of that SSLContext, and check that it matches the"
                    + " host name";
        }
        return "check that the server's certificate matches the host name and is trusted by " + names.tls() + ","
                + " and that the server speaks TLS on this port";
    }

    /** "after 61.2 s idle (its 12th use, 120 request bytes written, no response byte yet)". */
    static String history(ConnectionFacts f) {
        String when = f.reused()
                ? "after " + seconds(f.idleBeforeUse()) + " idle"
                : "on its first use, " + seconds(f.age()) + " after it was opened";
        return when + " (its " + ordinal(Math.max(f.useCount(), 1)) + " use, "
                + f.requestBytesWritten() + " request bytes written, "
                + (f.responseStarted() ? "response started" : "no response byte yet") + ")";
    }

    private static String closeAdvice(ConnectionFacts f, String verb, SettingNames names) {
        if (f.reused() && !f.responseStarted() && f.idleBeforeUse().compareTo(Duration.ofSeconds(1)) >= 0) {
            return "the server or a load balancer likely closes idle connections at about "
                    + seconds(f.idleBeforeUse()) + "; set " + names.pool("idleTimeout") + " below that";
        }
        if (f.responseStarted()) {
            return "the server " + verb + " it in the middle of the response; check the server's logs and limits";
        }
        return "the server " + verb + " it before answering (it crashed, restarted, or limits requests per connection);"
                + " check the server's logs and keep-alive limits";
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String millis(Duration d) {
        return d == null ? "the timeout" : d.toMillis() + " ms";
    }

    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th"
                : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
        return n + suffix;
    }
}
