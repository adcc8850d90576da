package dev.tether.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * The {@code tether} command. Exit codes, for every subcommand: 0 done; 1 the command ran and
 * failed (a scenario could not run, the probe could not reach its target, the proxy could not
 * start); 2 the command line was wrong (no command at all included). Errors are one line on
 * stderr; {@code --verbose} adds the stack trace and the library's logs; with {@code --json} the
 * error is also a JSON object on stdout, {@code {"command", "error", "exitCode"}}, so a script
 * that reads stdout gets an answer either way.
 */
@Command(name = "tether", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {LabCommand.class, ProbeCommand.class, ProxyCommand.class, TopCommand.class, CommandLine.HelpCommand.class},
        description = {"Connections that stay healthy: reproduce what breaks pooled connections, measure your servers,",
                "run the fault proxy, and see inside a running JVM's pools."},
        footer = {"", "Examples:", "  tether lab                      run every scenario (about 2 min) and print the table",
                "  tether lab --quick --report lab.html", "  tether probe http://127.0.0.1:8080/health",
                "  tether proxy --port 8474 --config proxies.json", "  tether top 12345", "", Main.EXIT_CODES})
public final class Main implements Callable<Integer> {
    static final String EXIT_CODES = "Exit codes: 0 done; 1 the command failed (message on stderr); 2 wrong command line.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether the output is a terminal: live progress redrawn in place, or plain lines. Decided once, by the caller. */
    final boolean terminal;

    Main(boolean terminal) {
        this.terminal = terminal;
    }

    /** No command: a wrong command line. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("tether: a command is required (lab, probe, proxy or top)");
        spec.commandLine().usage(err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns its exit code (the process exits with it in {@link #main}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.console() != null);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, saying whether the output is a terminal. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        return run(commandLine(terminal), args, out, err);
    }

    /**
     * Runs {@code args} on a command line made by {@link #commandLine()}, which a test may have
     * prepared (a probe's resolver, for example).
     */
    static int run(CommandLine cl, String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
        boolean json = Arrays.asList(args).contains("--json");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String name = commandLine.getCommandSpec().qualifiedName();
            commandLine.getErr().println(name + ": " + message(e));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("(run with --verbose for the stack trace)");
            }
            return jsonError(json, commandLine, message(e), 1);
        });
        cl.setParameterExceptionHandler((e, argv) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("tether: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return jsonError(json, c, e.getMessage(), 2);
        });
        return cl.execute(args);
    }

    /** With --json, the error as a JSON object on stdout too; returns the exit code. */
    private static int jsonError(boolean json, CommandLine c, String message, int exitCode) {
        if (json) {
            ObjectNode error = JSON.createObjectNode();
            error.put("command", c.getCommandSpec().qualifiedName());
            error.put("error", message);
            error.put("exitCode", exitCode);
            c.getOut().println(error.toPrettyString());
            c.getOut().flush();
        }
        return exitCode;
    }

    /** The command line with every subcommand, for running and for tests that parse into the command objects. */
    public static CommandLine commandLine() {
        return commandLine(false);
    }

    static CommandLine commandLine(boolean terminal) {
        CommandLine cl = new CommandLine(new Main(terminal));
        cl.setUsageHelpWidth(100);
        return cl;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tether " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
