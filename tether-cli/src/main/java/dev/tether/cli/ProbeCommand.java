package dev.tether.cli;

import dev.tether.cli.lab.JsonReport;
import dev.tether.cli.probe.Probe;
import dev.tether.cli.probe.ProbeTls;
import dev.tether.cli.probe.Probes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tether probe URL}: a server's keep-alive facts and the tether settings that fit them. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Measures how a server treats connections: whether they persist, the advertised Keep-Alive, the",
                "requests it allows per connection, and its real idle timeout, found by holding several idle",
                "connections in parallel for different times and narrowing down. Then prints the tether settings",
                "that fit (an idle timeout a margin below the server's). Schemes: http, https."},
        footer = {"", "Examples:", "  tether probe http://127.0.0.1:8080/health",
                "  tether probe https://api.example.internal/ --max-idle 70s",
                "  tether probe http://127.0.0.1:8080/ --json",
                "  tether probe https://127.0.0.1:8443/ --cacert server.pem   a self-signed or private-CA server", "",
                Main.EXIT_CODES + " 1 includes a server that cannot be reached."})
public final class ProbeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "What to probe, e.g. http://127.0.0.1:8080/health (GET requests are sent).")
    String target;

    @Option(names = "--max-idle", defaultValue = "120s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Longest idle time tried (default: ${DEFAULT-VALUE}); e.g. 90s, 2m, 1500ms.")
    Duration maxIdle;

    @Option(names = "--max-requests", defaultValue = "100", paramLabel = "N",
            description = "Most requests sent on one connection to find the server's limit (default: ${DEFAULT-VALUE}).")
    int maxRequests;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Connect and read timeout of each probe connection (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
            description = "Connections held idle at once in each round (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = {"-k", "--insecure"}, description = "https: accept any certificate and host name (self-signed test servers).")
    boolean insecure;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "https: trust the certificates in FILE (PEM or DER: a private CA or a self-signed server), not the JDK's.")
    Path caCert;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() throws IOException {
        URI uri;
        Probe probe;
        ProbeTls tls;
        try {
            uri = new URI(target);
            probe = Probes.forTarget(uri);
            if (maxRequests < 2 || parallel < 1 || parallel > 32 || maxIdle.toMillis() < 500) {
                throw new IllegalArgumentException("--max-requests >= 2, --parallel 1..32 and --max-idle >= 500ms expected");
            }
            if (insecure && caCert != null) {
                throw new IllegalArgumentException("--insecure and --cacert exclude each other: --cacert checks the certificate, --insecure does not");
            }
            tls = insecure ? ProbeTls.insecure() : caCert != null ? ProbeTls.trusting(caCert) : ProbeTls.DEFAULT;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // The command line's streams (System.out and System.err when run as a command, buffers in tests).
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        boolean terminal = parent != null && parent.terminal && !json;
        Probe.ProbeResult r = probe.run(uri, new Probe.Options(maxIdle, maxRequests, timeout, parallel, tls),
                line -> err.println((terminal ? "  … " : "probe: ") + line));
        out.print(json ? JsonReport.render(r) + System.lineSeparator() : r.text());
        out.flush();
        return 0;
    }

    /** 120s, 2m, 1500ms, 1h, a bare number of seconds, or ISO-8601 (PT2M). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.startsWith("pt")) {
                    return Duration.parse(s.toUpperCase(Locale.ROOT));
                }
                if (s.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                }
                if (s.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
                }
                if (s.endsWith("m")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
                }
                if (s.endsWith("h")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 3_600_000));
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration (expected e.g. 90s, 2m, 1500ms)");
            }
        }
    }
}
