package dev.tether.net.internal;

import dev.tether.net.ConnectionFailure.Kind;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Turns an exception and the phase it happened in into a {@link Kind}, without reading message
 * text (the JDK fills it from {@code strerror}, whose language follows the locale).
 *
 * <ol>
 *   <li>Walk the cause chain (at most 8 deep) for a type that says it all:
 *       {@link UnknownHostException}, {@link SocketTimeoutException}, {@link NoRouteToHostException}
 *       / {@link PortUnreachableException}, the JDK's reset report (see {@link #isReset}),
 *       {@link EOFException}.</li>
 *   <li>Otherwise decide by phase: during the handshake anything is TLS_HANDSHAKE; during connect a
 *       {@link ConnectException} is REFUSED (the JDK maps ECONNREFUSED there, and ETIMEDOUT, which
 *       only appears after the kernel's ~2 minutes of SYN retries, longer than any connect timeout
 *       tether allows to run that far unnoticed) and any other error is UNREACHABLE; during a write
 *       the peer is gone: BROKEN_PIPE; during a read an untyped error is what the kernel reports
 *       after unanswered keepalive probes or retransmissions (ETIMEDOUT) or ICMP unreachable:
 *       UNREACHABLE.</li>
 * </ol>
 *
 * Limit, stated honestly: on Linux the first write into a connection the peer has reset fails
 * with ECONNRESET as an untyped {@code IOException}; without reading its text this is classified
 * BROKEN_PIPE. Both mean the peer was gone before the request was fully written, and the retry
 * facts (bytes written, response started) are the same.
 */
public final class Classifier {

    private static final String JDK_RESET = "sun.net.ConnectionResetException";
    /** A constant in the JDK's source (SocketChannelImpl, NioSocketImpl), never localised. */
    private static final String JDK_RESET_TEXT = "Connection reset";

    private Classifier() {
    }

    public static Kind classify(Phase phase, Throwable t) {
        Kind typed = byType(phase, t);
        if (typed != null) {
            return typed;
        }
        switch (phase) {
            case RESOLVE:
                return Kind.UNKNOWN_HOST;
            case HANDSHAKE:
                return Kind.TLS_HANDSHAKE;
            case CONNECT:
                if (has(t, ConnectException.class)) {
                    return Kind.REFUSED;
                }
                // The handshake completed and the peer reset the connection at once (a server or a
                // proxy shedding it): the JDK reports ECONNRESET from pollConnect as a plain
                // SocketException carrying strerror's text, so only the C library's untranslated
                // English "Connection reset by peer" can be told from "Network is unreachable"; in
                // another locale this stays UNREACHABLE (same retry facts: nothing was sent).
                return resetDuringConnect(t) ? Kind.RESET : Kind.UNREACHABLE;
            case WRITE:
                return Kind.BROKEN_PIPE;
            case READ:
            default:
                return has(t, SSLException.class) ? Kind.PROTOCOL : Kind.UNREACHABLE;
        }
    }

    /**
     * Whether {@code t} (or a cause) is the JDK's own report of a reset. The JDK's socket code
     * turns ECONNRESET into {@code sun.net.ConnectionResetException} and, in the NIO socket
     * channel and the socket implementation, rethrows it as {@code SocketException} created by
     * {@code throwConnectionReset} with the fixed text "Connection reset" (a string in the JDK's
     * source, not a translated {@code strerror}). Any of the three marks counts.
     */
    public static boolean isReset(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
                if (k.getName().equals(JDK_RESET)) {
                    return true;
                }
            }
            if (c instanceof SocketException) {
                StackTraceElement[] st = c.getStackTrace();
                if (st.length > 0 && st[0].getMethodName().equals("throwConnectionReset")) {
                    return true;
                }
                if (JDK_RESET_TEXT.equals(c.getMessage())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean resetDuringConnect(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketException && c.getMessage() != null && c.getMessage().startsWith(JDK_RESET_TEXT)) {
                return true;
            }
        }
        return false;
    }

    private static Kind byType(Phase phase, Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 8; c = c.getCause(), depth++) {
            if (c instanceof UnknownHostException) {
                return Kind.UNKNOWN_HOST;
            }
            if (c instanceof SocketTimeoutException) {
                return phase == Phase.CONNECT || phase == Phase.HANDSHAKE || phase == Phase.RESOLVE
                        ? Kind.CONNECT_TIMEOUT : Kind.READ_TIMEOUT;
            }
            if (c instanceof NoRouteToHostException || c instanceof PortUnreachableException) {
                return Kind.UNREACHABLE;
            }
            if (phase != Phase.HANDSHAKE && isReset(c)) {
                return Kind.RESET;
            }
            if (c instanceof EOFException && phase == Phase.READ) {
                return Kind.PEER_CLOSED;
            }
            if (c instanceof SSLException && phase == Phase.HANDSHAKE) {
                return Kind.TLS_HANDSHAKE;
            }
        }
        return null;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
