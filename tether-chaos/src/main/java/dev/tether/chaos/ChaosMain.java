package dev.tether.chaos;

import dev.tether.chaos.internal.Populate;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The lab as a standalone server, Toxiproxy's drop-in: {@code --host} and {@code --port} of the
 * control API (default 127.0.0.1:8474) and {@code --config}, a JSON file in Toxiproxy's populate
 * format. {@code tether proxy} calls {@link #serve} with the same three values.
 */
public final class ChaosMain {

    /** Parsed command line. */
    public record Options(String host, int port, Path config, boolean help) {
    }

    static final String USAGE = """
            usage: tether-chaos [--host HOST] [--port PORT] [--config FILE]
              --host    address of the control API (default 127.0.0.1)
              --port    port of the control API (default 8474; 0 picks a free one)
              --config  proxies to create at start, as a JSON array in Toxiproxy's populate format
            """;

    private ChaosMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        ChaosLab lab;
        try {
            lab = serve(options.host(), options.port(), options.config());
        } catch (RuntimeException e) {
            System.err.println("tether-chaos: " + e.getMessage());
            System.exit(1);
            return;
        }
        printStarted(lab, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            stopped.countDown();
        }, "tether-chaos-shutdown"));
        stopped.await();
    }

    static void printStarted(ChaosLab lab, PrintStream out) {
        InetSocketAddress api = lab.apiAddress().orElseThrow();
        out.println("tether-chaos " + ChaosLab.VERSION + ": control API on http://"
                + api.getHostString() + ":" + api.getPort() + ", " + lab.proxies().size() + " proxies");
        for (ChaosProxy p : lab.proxies()) {
            out.println("  " + p.name() + ": " + p.listen() + " -> " + p.upstream()
                    + (p.isEnabled() ? "" : " (disabled)"));
        }
    }

    /**
     * Starts a lab with its control API on {@code host:port} and, if {@code config} is not null,
     * the proxies of that populate file. The caller closes the returned lab to stop everything.
     *
     * @throws ChaosException if the file cannot be read or a proxy cannot be created
     */
    public static ChaosLab serve(String host, int port, Path config) {
        List<ProxyConfig> proxies = config == null ? List.of() : readConfig(config);
        ChaosLab lab = ChaosLab.create();
        try {
            lab.populate(proxies);
            lab.startApi(host, port);
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /**
     * Reads a populate file: a JSON array of {name, listen, upstream, enabled}, parsed as strictly
     * as the control API's {@code POST /populate}.
     */
    public static List<ProxyConfig> readConfig(Path file) {
        return Populate.read(file);
    }

    /** Parses the command line; unknown arguments and bad values are errors that name them. */
    public static Options parse(String[] args) {
        String host = "127.0.0.1";
        int port = 8474;
        Path config = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--host", "-host" -> host = value != null ? value : next(args, ++i, arg);
                case "--port", "-port" -> {
                    String p = value != null ? value : next(args, ++i, arg);
                    try {
                        port = Integer.parseInt(p);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port: " + p + " (expected: a number from 0 to 65535)");
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port: " + p + " (expected: a number from 0 to 65535)");
                    }
                }
                case "--config", "-config" -> config = Path.of(value != null ? value : next(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return new Options(host, port, config, help);
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + ": missing value");
        }
        return args[i];
    }
}
