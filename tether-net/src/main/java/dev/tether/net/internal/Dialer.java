package dev.tether.net.internal;

import dev.tether.net.ConnectionFacts;
import dev.tether.net.ConnectionFailure;
import dev.tether.net.ConnectionFailure.Kind;
import dev.tether.net.Endpoint;
import dev.tether.net.Resolver;
import dev.tether.net.SettingNames;
import dev.tether.net.SocketConfig;
import dev.tether.net.TlsSettings;
import dev.tether.pool.Deadline;
import dev.tether.pool.Ticker;
import jdk.net.ExtendedSocketOptions;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens one connection within one budget.
 *
 * <ol>
 *   <li>The budget is the earlier of the caller's deadline and {@link SocketConfig#connectTimeout()}.</li>
 *   <li>Resolve the host with the {@link Resolver}; a failure or an empty answer is UNKNOWN_HOST.</li>
 *   <li>Try each address in turn. Every attempt but the last gets an equal share of what is left,
 *       so a black-holed first address cannot eat the whole budget; the last gets all of it.
 *       Socket options (buffers, TCP_NODELAY, keepalive and its timers) are set before connecting.</li>
 *   <li>When every address failed, the failure names each one and its outcome, and its kind is
 *       that of the last attempt (REFUSED, CONNECT_TIMEOUT or UNREACHABLE).</li>
 *   <li>For TLS: layer an {@link SSLSocket} over the channel's socket with SNI and HTTPS hostname
 *       verification, and finish the handshake within what is left of the budget.</li>
 * </ol>
 */
public final class Dialer {

    /** What a successful dial produced. {@code ssl} is null for plain TCP. */
    public record Dialed(SocketChannel channel, SSLSocket ssl, InetSocketAddress remote) {
    }

    private final SocketConfig config;
    private final Resolver resolver;
    private final Ticker ticker;
    private final SettingNames names;
    /** The last address dialled (any thread may dial: a racy cache of one entry is enough). */
    private volatile InetSocketAddress lastTarget;

    public Dialer(SocketConfig config, Resolver resolver, Ticker ticker, SettingNames names) {
        this.config = config;
        this.resolver = resolver;
        this.ticker = ticker;
        this.names = names;
    }

    /**
     * @param deadline the caller's deadline ({@link Deadline#none()}: only the connect timeout bounds it)
     */
    public Dialed dial(Endpoint endpoint, Deadline deadline, long id) throws ConnectionFailure {
        ConnectionFacts facts = ConnectionFacts.notOpened(endpoint, id);
        long start = ticker.nanoTime();
        long budgetEnd = start + config.connectTimeout().toNanos();
        // Compared as a remainder, never as absolute times: "no deadline" must not wrap around.
        boolean callerBound = deadline.remainingNanos() < budgetEnd - start;
        long end = callerBound ? start + Math.max(0, deadline.remainingNanos()) : budgetEnd;
        Duration budget = Duration.ofNanos(Math.max(0, end - start));
        String budgetName = callerBound ? "the caller's deadline" : "connectTimeout";

        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(endpoint.host());
            if (addresses == null || addresses.isEmpty()) {
                throw new java.net.UnknownHostException(endpoint.host() + ": the resolver returned no address");
            }
        } catch (IOException | RuntimeException e) {
            throw new ConnectionFailure(Kind.UNKNOWN_HOST, Messages.describe(Kind.UNKNOWN_HOST, facts, null, null, names), facts, e);
        }

        List<String> outcomes = new ArrayList<>();
        IOException last = null;
        Kind lastKind = Kind.CONNECT_TIMEOUT;
        for (int i = 0; i < addresses.size(); i++) {
            long left = end - ticker.nanoTime();
            if (left <= 0) {
                outcomes.add(addresses.get(i).getHostAddress() + " not tried");
                lastKind = Kind.CONNECT_TIMEOUT;
                continue;
            }
            long share = i == addresses.size() - 1 ? left : left / (addresses.size() - i);
            InetSocketAddress target = target(addresses.get(i), endpoint.port());
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                configure(ch, config);
                if (endpoint.tls() == null) {
                    connectNonBlocking(ch, target, share);
                    return new Dialed(ch, null, target);
                }
                ch.socket().connect(target, (int) Math.max(1, Math.min(Integer.MAX_VALUE, share / 1_000_000)));
                return handshake(endpoint, ch, target, end, facts, budget, budgetName);
            } catch (ConnectionFailure f) {
                closeQuietly(ch);
                throw f;
            } catch (IOException | RuntimeException e) {
                closeQuietly(ch);
                last = e instanceof IOException ? (IOException) e : new IOException(e);
                lastKind = Classifier.classify(Phase.CONNECT, e);
                outcomes.add(describe(target) + " " + outcome(lastKind));
            }
        }
        String detail = "tried " + String.join(", ", outcomes);
        Duration timeout = lastKind == Kind.CONNECT_TIMEOUT ? budget : null;
        String message = Messages.describe(lastKind, facts, detail + (timeout != null ? ", " + budgetName : ""), timeout, names);
        throw new ConnectionFailure(lastKind, message, facts, last);
    }

    /**
     * Connects a plain TCP channel in the non-blocking mode it keeps for good (see
     * {@code Connection}), waiting at most {@code nanos} of real time, as the socket adaptor's
     * timed connect did, but without making the adaptor: a socket object an idle connection would
     * carry for nothing. Throws what the adaptor threw: ConnectException when refused,
     * SocketTimeoutException when the time is up.
     */
    private static void connectNonBlocking(SocketChannel ch, InetSocketAddress target, long nanos) throws IOException {
        ch.configureBlocking(false);
        if (ch.connect(target)) {
            return;
        }
        long start = Waiter.CLOCK.nanoTime();
        try (Selector s = Selector.open()) {
            ch.register(s, SelectionKey.OP_CONNECT);
            while (!ch.finishConnect()) {
                long left = nanos - (Waiter.CLOCK.nanoTime() - start);
                if (left <= 0) {
                    throw new SocketTimeoutException("Connect timed out");
                }
                s.select(Math.max(1, (left + 999_999) / 1_000_000));
            }
        }
    }

    /**
     * The address to connect to, the same object as the last dial's when it is equal: every
     * connection keeps its remote address (and so does its channel), and a pool of thousands of
     * connections to one server need not hold thousands of copies of it.
     */
    private InetSocketAddress target(InetAddress address, int port) {
        InetSocketAddress last = lastTarget;
        // IPv6 only when the very same object: equal bytes may differ in scope (link-local).
        if (last != null && last.getPort() == port
                && (last.getAddress() == address || (address instanceof Inet4Address && address.equals(last.getAddress())))) {
            return last;
        }
        InetSocketAddress t = new InetSocketAddress(address, port);
        lastTarget = t;
        return t;
    }

    private static void configure(SocketChannel ch, SocketConfig c) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, c.tcpNoDelay());
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, c.keepAlive());
        if (c.keepAlive()) {
            // Without these the kernel's defaults apply: first probe after 7,200 s.
            if (ch.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                ch.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) c.keepAliveIdle().getSeconds());
                ch.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) c.keepAliveInterval().getSeconds());
                ch.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, c.keepAliveCount());
            }
        }
        if (c.sendBufferSize() > 0) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, c.sendBufferSize());
        }
        if (c.receiveBufferSize() > 0) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, c.receiveBufferSize());
        }
    }

    private Dialed handshake(Endpoint endpoint, SocketChannel ch, InetSocketAddress target,
                             long end, ConnectionFacts facts, Duration budget, String budgetName) throws IOException {
        TlsSettings tls = endpoint.tls();
        int readTimeout = (int) config.readTimeout().toMillis();
        String name = tls.serverName() != null ? tls.serverName() : endpoint.host();
        SSLSocket ssl = null;
        try {
            ssl = (SSLSocket) tls.effectiveContext().getSocketFactory().createSocket(ch.socket(), name, endpoint.port(), true);
            SSLParameters p = ssl.getSSLParameters();
            if (tls.verifyHostname()) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!isIpLiteral(name)) {
                p.setServerNames(List.of(new SNIHostName(name)));
            }
            if (!tls.protocols().isEmpty()) {
                p.setProtocols(tls.protocols().toArray(String[]::new));
            }
            if (!tls.cipherSuites().isEmpty()) {
                p.setCipherSuites(tls.cipherSuites().toArray(String[]::new));
            }
            ssl.setSSLParameters(p);
            long left = end - ticker.nanoTime();
            ssl.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            ssl.startHandshake();
            ssl.setSoTimeout(readTimeout);
            return new Dialed(ch, ssl, target);
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            closeQuietly(ch);
            Kind kind = Classifier.classify(Phase.HANDSHAKE, e);
            String detail = "TLS with " + describe(target) + " as " + name + ": " + e;
            String message = Messages.describe(kind, facts, kind == Kind.CONNECT_TIMEOUT ? detail + ", " + budgetName : detail,
                    kind == Kind.CONNECT_TIMEOUT ? budget : null, names);
            throw new ConnectionFailure(kind, message, facts, e);
        }
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static String describe(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private static String outcome(Kind kind) {
        switch (kind) {
            case REFUSED: return "refused";
            case CONNECT_TIMEOUT: return "timed out";
            case UNREACHABLE: return "unreachable";
            default: return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // an attempt that failed has nothing left worth reporting
            }
        }
    }
}
