package dev.tether.cli.probe;

import dev.tether.net.Resolver;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures one kind of server's connection behaviour (keep-alive, idle timeout, limits) and says
 * which tether settings fit. One implementation per scheme, listed in {@link Probes}: HTTP and
 * Redis, databases (PostgreSQL, MariaDB/MySQL).
 */
public interface Probe {

    /** The URI schemes this probe measures, lower case. */
    List<String> schemes();

    /**
     * This probe for {@code url} (the command line's text, of one of {@link #schemes()}): itself, or
     * one that holds what the URL says beyond {@link ProbeTarget} (Redis: the user, password and
     * database). Called before anything connects.
     *
     * @throws IllegalArgumentException what is wrong with the URL for this probe (a wrong command line), the URL redacted
     */
    default Probe bind(String url) {
        return this;
    }

    /**
     * Runs the probe; {@code progress} receives a line per phase.
     *
     * @throws IOException a {@link dev.tether.net.ConnectionFailure} when the server cannot be reached
     *     or breaks the protocol, a {@link ProbeFailure} when it answers in a way the probe cannot measure
     */
    ProbeResult run(ProbeTarget target, Options options, Consumer<String> progress) throws IOException;

    /**
     * @param maxIdle     the longest idle time tried; a server that keeps connections longer is reported as "at least"
     * @param maxRequests the most requests sent on one connection to find the server's limit
     * @param timeout     connect and read timeout of each probe connection
     * @param parallel    connections held idle at once in each round of the idle-timeout search
     * @param tls         how a TLS server's certificate is checked
     * @param resolver    how the host name is resolved (the system's; tests answer without DNS)
     */
    record Options(Duration maxIdle, int maxRequests, Duration timeout, int parallel, ProbeTls tls, Resolver resolver) {
        public static final Options DEFAULT = new Options(Duration.ofSeconds(120), 100, Duration.ofSeconds(10), 4);

        /** With the JDK's default certificate checks and resolver. */
        public Options(Duration maxIdle, int maxRequests, Duration timeout, int parallel) {
            this(maxIdle, maxRequests, timeout, parallel, ProbeTls.DEFAULT);
        }

        /** With the system resolver. */
        public Options(Duration maxIdle, int maxRequests, Duration timeout, int parallel, ProbeTls tls) {
            this(maxIdle, maxRequests, timeout, parallel, tls, Resolver.SYSTEM);
        }
    }

    /** What a probe found: printed as text, or serialized as JSON (its record components). */
    interface ProbeResult {
        String text();
    }
}
