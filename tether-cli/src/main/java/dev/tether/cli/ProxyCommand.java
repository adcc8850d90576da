package dev.tether.cli;

import dev.tether.chaos.ChaosException;
import dev.tether.chaos.ChaosLab;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tether proxy}: the tether-chaos fault proxy as a standalone, Toxiproxy-compatible server. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Runs the tether-chaos fault proxy with Toxiproxy's HTTP control API.",
                "Toxiproxy's clients (toxiproxy-java, toxiproxy-go, toxiproxy-cli) drive it unchanged; it runs until",
                "interrupted (Ctrl-C). The control API listens on loopback and refuses requests from web pages:",
                "whoever reaches it can re-point a proxy's upstream and read the traffic, so a host that other",
                "machines reach needs --allow-remote."},
        footer = {"", "Examples:", "  tether proxy                                   control API on 127.0.0.1:8474",
                "  tether proxy --port 0                          any free port (printed)",
                "  tether proxy --config proxies.json             proxies from a Toxiproxy populate file:",
                "      [{\"name\": \"redis\", \"listen\": \"127.0.0.1:26379\", \"upstream\": \"127.0.0.1:6379\"}]",
                "  tether proxy --host 0.0.0.0 --allow-remote     reachable from other machines (a CI network)",
                "  curl -X POST 127.0.0.1:8474/proxies/redis/toxics -d '{\"type\": \"reset_peer\"}'",
                "", Main.EXIT_CODES})
public final class ProxyCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address of the control API; a loopback one unless --allow-remote (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8474", description = "Port of the control API; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--allow-remote", description = "Let --host be an address other machines reach (such as 0.0.0.0);"
            + " they can then re-point proxies and read their traffic.")
    boolean allowRemote;

    @Option(names = "--config", paramLabel = "FILE", description = "Proxies to create at start: a JSON array in Toxiproxy's populate format.")
    Path config;

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors and the proxy's logs.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            // A wrong command line (exit code 2), as every other bad option value is.
            throw new CommandLine.ParameterException(spec.commandLine(), "--port: " + port + " (expected: 0 to 65535)");
        }
        try {
            ChaosLab.apiAddressFor(host, port, access());
        } catch (ChaosException e) {
            // The lab names the field "host: ..."; on this command line it is the option --host.
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        ChaosLab lab = start();
        printStarted(lab, spec.commandLine().getOut(), spec.commandLine().getErr());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            stopped.countDown();
        }, "tether-proxy-shutdown"));
        stopped.await();
        return 0;
    }

    private ChaosLab.ApiAccess access() {
        return allowRemote ? ChaosLab.ApiAccess.REMOTE : ChaosLab.ApiAccess.LOOPBACK;
    }

    /** Starts the lab and its API as configured; the caller closes it. */
    ChaosLab start() {
        return ChaosLab.serve(host, port, config, access());
    }

    /** What runs, on {@code out}; on {@code err} a warning when the control API is reachable beyond this machine. */
    static void printStarted(ChaosLab lab, PrintWriter out, PrintWriter err) {
        List<String> lines = lab.describe();
        lab.apiAddress().flatMap(ProxyCommand::warning).ifPresent(err::println);
        err.flush();
        out.println("tether proxy (" + ChaosLab.VERSION + "): " + lines.get(0) + "; Ctrl-C stops it");
        for (String proxy : lines.subList(1, lines.size())) {
            out.println("  " + proxy);
        }
        out.flush();
    }

    /** The warning for a control API on {@code address}, if other machines can reach it. */
    static Optional<String> warning(InetSocketAddress address) {
        if (address.getAddress().isLoopbackAddress()) {
            return Optional.empty();
        }
        return Optional.of("tether proxy: WARNING: the control API on " + address.getAddress().getHostAddress() + ":"
                + address.getPort() + " is reachable beyond this machine (--allow-remote): whoever reaches it can re-point a"
                + " proxy's upstream and read the traffic through it, or cut every connection; keep it on a network you trust.");
    }
}
