package dev.tether.cli;

import dev.tether.cli.lab.JsonReport;
import dev.tether.cli.probe.Probe;
import dev.tether.cli.probe.ProbeTarget;
import dev.tether.cli.probe.ProbeTls;
import dev.tether.cli.probe.Probes;
import dev.tether.net.Resolver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code tether probe URL}: a server's keep-alive facts (HTTP, Redis, databases) and the tether settings that fit them. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Measures a server's keep-alive behaviour and prints the tether settings that fit it.",
                "HTTP (http, https): whether connections persist, the advertised Keep-Alive, the requests the",
                "server allows per connection, and its real idle timeout, by holding several idle connections in",
                "parallel for different times and narrowing down. It reads at most 1 MiB of each response (point",
                "it at a short one, such as a health check).",
                "Redis (redis, rediss; redis://[[user]:password@]host[:port][/database]): the version, RESP3,",
                "clients, and the timeout, tcp-keepalive and maxclients settings (CONFIG GET); where CONFIG is",
                "refused (managed services), the idle timeout is measured as for HTTP. It only reads: it changes",
                "no setting.",
                "Databases (postgresql, postgres, mysql, mariadb;",
                "postgresql://[user[:password]@]host[:port][/database], query parameters go to the driver): the",
                "version, the idle settings (PostgreSQL: idle_session_timeout,",
                "idle_in_transaction_session_timeout, tcp_keepalives_idle; MariaDB/MySQL: wait_timeout,",
                "interactive_timeout), max_connections and the sessions in use, as the URL's user sees them (a",
                "per-role setting counts).",
                "The settings that fit are an idle timeout a margin below the server's. The URL's password (and",
                "user name) and query values never appear in its output."},
        footer = {"", "Examples:", "  tether probe http://127.0.0.1:8080/health",
                "  tether probe https://api.example.internal/ --max-idle 70s",
                "  tether probe http://127.0.0.1:8080/ --json",
                "  tether probe https://127.0.0.1:8443/ --cacert server.pem   a self-signed or private-CA server",
                "  tether probe redis://127.0.0.1:6379",
                "  tether probe rediss://:PASSWORD@cache.example.internal:6380/2 --max-idle 10m",
                "  tether probe postgresql://app:PASSWORD@127.0.0.1:5432/orders",
                "  tether probe mysql://root@127.0.0.1:3306", "",
                Main.EXIT_CODES + " 1 includes a server that cannot be reached."})
public final class ProbeCommand implements Callable<Integer> {

    static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    static final Duration MIN_MAX_IDLE = Duration.ofMillis(500);
    static final Duration MAX_MAX_IDLE = Duration.ofHours(24);

    @Parameters(index = "0", paramLabel = "URL",
            description = "What to probe, e.g. http://127.0.0.1:8080/health (GET requests are sent) or redis://127.0.0.1:6379.")
    String target;

    @Option(names = "--max-idle", defaultValue = "120s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Longest idle time tried, 500ms to 24h (default: ${DEFAULT-VALUE}); e.g. 90s, 2m, 1500ms.")
    Duration maxIdle;

    @Option(names = "--max-requests", defaultValue = "100", paramLabel = "N",
            description = "HTTP: most requests sent on one connection to find the server's limit, 2 to 10000 (default: ${DEFAULT-VALUE}).")
    int maxRequests;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Connect and read timeout of each probe connection, 1ms to 1h (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
            description = "Connections held idle at once in each round, 1 to 32 (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = {"-k", "--insecure"}, description = "https, rediss: accept any certificate and host name (self-signed test servers).")
    boolean insecure;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "https, rediss: trust the certificates in FILE (PEM or DER: a private CA or a self-signed server), not the JDK's.")
    Path caCert;

    @Option(names = "--json", description = "Print the findings as JSON (on failure: {\"error\": ..., \"exitCode\": N}).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors.")
    boolean verbose;

    /** How host names are resolved: the system's; tests answer without DNS. */
    Resolver resolver = Resolver.SYSTEM;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() throws IOException {
        ProbeTarget probeTarget;
        Probe probe;
        ProbeTls tls;
        try {
            probeTarget = ProbeTarget.parse(target);
            probe = Probes.forTarget(probeTarget).bind(target);
            checkRange("--timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT);
            checkRange("--max-idle", maxIdle, MIN_MAX_IDLE, MAX_MAX_IDLE);
            checkRange("--max-requests", maxRequests, 2, 10_000);
            checkRange("--parallel", parallel, 1, 32);
            if (insecure && caCert != null) {
                throw new IllegalArgumentException("--insecure and --cacert exclude each other: --cacert checks the certificate, --insecure does not");
            }
            tls = insecure ? ProbeTls.insecure() : caCert != null ? ProbeTls.trusting(caCert) : ProbeTls.DEFAULT;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // The command line's streams (System.out and System.err when run as a command, buffers in tests).
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = parent != null && parent.terminal && !json;
        Probe.ProbeResult r = probe.run(probeTarget, new Probe.Options(maxIdle, maxRequests, timeout, parallel, tls, resolver),
                line -> err.println((terminal ? "  … " : "probe: ") + line));
        out.print(json ? JsonReport.render(r) + System.lineSeparator() : r.text());
        out.flush();
        return 0;
    }

    /** @throws IllegalArgumentException naming the option, the value as typed and the range */
    private void checkRange(String option, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(option + ": " + typed(option, value) + " (expected: from " + DurationConverter.say(min)
                    + " to " + DurationConverter.say(max) + ")");
        }
    }

    private void checkRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: from " + min + " to " + max + ")");
        }
    }

    /** The value as the user typed it, or as a duration when it was a default. */
    private String typed(String option, Duration value) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        CommandLine.Model.OptionSpec o = parsed == null ? null : parsed.matchedOption(option);
        return o != null && !o.originalStringValues().isEmpty() ? o.originalStringValues().get(0) : DurationConverter.say(value);
    }

    /**
     * 120s, 2m, 1500ms, 1h, a bare number of seconds, or ISO-8601 (PT2M). Exact: a value too large
     * for a {@link Duration} of milliseconds is refused, never wrapped or saturated.
     */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHAPE = Pattern.compile("([-+]?[0-9.]+(?:e[-+]?[0-9]+)?)(ms|s|m|h)?");

        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.startsWith("pt")) {
                    return Duration.parse(s.toUpperCase(Locale.ROOT));
                }
                Matcher m = SHAPE.matcher(s);
                if (!m.matches()) {
                    throw new NumberFormatException(s);
                }
                long unitMs = m.group(2) == null ? 1000 : switch (m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1000;
                    case "m" -> 60_000;
                    default -> 3_600_000;
                };
                BigDecimal ms = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMs))
                        .setScale(0, RoundingMode.HALF_UP);
                return Duration.ofMillis(ms.longValueExact());
            } catch (ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is too long a duration (expected e.g. 90s, 2m, 1500ms)");
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration (expected e.g. 90s, 2m, 1500ms)");
            }
        }

        /** A duration as the options take it: "1ms", "500ms", "90s", "1h". */
        static String say(Duration d) {
            long ms = d.toMillis();
            if (ms != 0 && ms % 3_600_000 == 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms != 0 && ms % 1000 == 0) {
                return ms / 1000 + "s";
            }
            return ms + "ms";
        }
    }
}
