package dev.tether.cli;

import dev.tether.chaos.ChaosLab;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tether proxy}: the tether-chaos fault proxy as a standalone, Toxiproxy-compatible server. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Runs the tether-chaos fault proxy with Toxiproxy's HTTP control API, so Toxiproxy clients",
                "(toxiproxy-java, toxiproxy-go, toxiproxy-cli) drive it unchanged. Runs until interrupted (Ctrl-C)."},
        footer = {"", "Examples:", "  tether proxy                                   control API on 127.0.0.1:8474",
                "  tether proxy --port 0                          any free port (printed)",
                "  tether proxy --config proxies.json             proxies from a Toxiproxy populate file:",
                "      [{\"name\": \"redis\", \"listen\": \"127.0.0.1:26379\", \"upstream\": \"127.0.0.1:6379\"}]",
                "  curl -X POST 127.0.0.1:8474/proxies/redis/toxics -d '{\"type\": \"reset_peer\", \"attributes\": {\"timeout\": 0}}'",
                "", Main.EXIT_CODES})
public final class ProxyCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address of the control API (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8474", description = "Port of the control API; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

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
        ChaosLab lab = start();
        printStarted(lab, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            stopped.countDown();
        }, "tether-proxy-shutdown"));
        stopped.await();
        return 0;
    }

    /** Starts the lab and its API as configured; the caller closes it. */
    ChaosLab start() {
        return ChaosLab.serve(host, port, config);
    }

    static void printStarted(ChaosLab lab, PrintStream out) {
        List<String> lines = lab.describe();
        out.println("tether proxy (" + ChaosLab.VERSION + "): " + lines.get(0) + "; Ctrl-C stops it");
        for (String proxy : lines.subList(1, lines.size())) {
            out.println("  " + proxy);
        }
        out.flush();
    }
}
