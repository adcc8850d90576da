package dev.tether.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code tether top PID}: the tether pools inside a running JVM, live.
 *
 * <ol>
 *   <li>Attach to the JVM with the JDK's attach API and start its local JMX agent (what JConsole
 *       does); only a JVM of the same user on this machine can be attached.</li>
 *   <li>Find the beans {@code dev.tether:type=Pool,*} (pools built with {@code PoolConfig.jmx(true)}).</li>
 *   <li>Every interval, read each bean's {@code viewJson()} and show per pool its routes, counts,
 *       closes by reason in the last interval (the difference from the previous reading) and the
 *       dump, one line per connection; until interrupted. {@code --once} takes two readings one
 *       interval apart and prints once; {@code --json} prints JSON instead of the screen.</li>
 * </ol>
 * A JVM that cannot be attached, or that holds no tether pool visible over JMX, gets one line on
 * stderr and exit code 1.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Shows the tether pools inside a running JVM on this machine, live.",
                "Routes, counts, each connection (the pool's dump) and closes by reason in the last interval,",
                "refreshed until interrupted. It attaches with the JDK's attach API and starts the JVM's local JMX",
                "agent, as JConsole does; only pools built with PoolConfig.jmx(true) are visible."},
        footer = {"", "Examples:", "  tether top 12345", "  tether top 12345 --once --json     one snapshot for scripts", "",
                Main.EXIT_CODES})
public final class TopCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLEAR = "\033[H\033[2J";
    /** Numbers right-aligned: the routes' counts, and the connections' port, age, idle time and uses (as in PoolDump). */
    private static final boolean[] ROUTE_RIGHT = {false, true, true, true, true, true, true, true, false};
    private static final boolean[] CONNECTION_RIGHT = {false, true, false, true, true, true, false, false};

    @Parameters(index = "0", paramLabel = "PID", description = "The process id of the JVM (see jps).")
    long pid;

    @Option(names = "--once", description = "Print one snapshot (two readings one interval apart) and exit.")
    boolean once;

    @Option(names = "--json", description = "Print JSON: {pid, intervalMillis, pools: [...]}, each pool as its bean's viewJson()"
            + " with closedInInterval added, for the pool and each route.")
    boolean json;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between readings (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() throws Exception {
        if (pid <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "PID: " + pid + " (expected: a process id > 0)");
        }
        if (!(intervalSeconds >= 0.1 && intervalSeconds <= 3600)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval: " + intervalSeconds
                    + " (expected: 0.1 to 3600 seconds)");
        }
        long intervalMillis = Math.round(intervalSeconds * 1000);
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = parent != null && parent.terminal && !json;
        String notJvm = notAJvm(pid);
        if (notJvm != null) {
            return fail("cannot attach to JVM " + pid + ": " + notJvm, null);
        }
        JMXConnector connector;
        try {
            connector = connect(pid);
        } catch (AttachNotSupportedException | IOException | RuntimeException e) {
            return fail("cannot attach to JVM " + pid + ": " + Main.message(e)
                    + " (is it a running JVM of this user on this machine?)", e);
        }
        try (connector) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Map<ObjectName, ObjectNode> previous = read(server);
            if (previous.isEmpty()) {
                return fail("JVM " + pid + " holds no tether pool visible over JMX (build its pools with PoolConfig.jmx(true),"
                        + " for a client: config.pool(p -> p.jmx(true)))", null);
            }
            while (true) {
                Thread.sleep(intervalMillis);
                Map<ObjectName, ObjectNode> now = read(server);
                List<ObjectNode> pools = new ArrayList<>();
                for (Map.Entry<ObjectName, ObjectNode> e : now.entrySet()) {
                    pools.add(withInterval(e.getValue(), previous.get(e.getKey())));
                }
                if (json) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("pid", pid);
                    o.put("intervalMillis", intervalMillis);
                    ArrayNode a = o.putArray("pools");
                    pools.forEach(a::add);
                    out.println(o.toPrettyString());
                } else {
                    out.print((terminal && !once ? CLEAR : "") + screen(pid, intervalMillis, pools));
                }
                out.flush();
                if (once) {
                    return 0;
                }
                previous = now;
            }
        } catch (IOException | JMException e) {
            return fail("lost JVM " + pid + ": " + Main.message(e), e);
        }
    }

    private int fail(String line, Throwable e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("tether top: " + line);
        if (verbose && e != null) {
            e.printStackTrace(err);
        }
        if (json) {
            ObjectNode error = JSON.createObjectNode();
            error.put("command", "tether top");
            error.put("error", line);
            error.put("exitCode", 1);
            spec.commandLine().getOut().println(error.toPrettyString());
        }
        return 1;
    }

    /**
     * Why {@code pid} must not be attached to, or null when it looks like a JVM. The attach API
     * wakes a JVM with SIGQUIT, which a JVM catches and any other process dies of (the JDK checks
     * this itself only from JDK 20): so on Linux the process must catch SIGQUIT (its SigCgt mask
     * in /proc), elsewhere the attach API must list it, as jps does.
     */
    static String notAJvm(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (Files.isDirectory(Path.of("/proc", "self"))) {
            List<String> lines;
            try {
                lines = Files.readAllLines(status);
            } catch (IOException | RuntimeException e) {
                return "no such process";
            }
            for (String l : lines) {
                if (l.startsWith("SigCgt:")) {
                    long caught = Long.parseUnsignedLong(l.substring(7).trim(), 16);
                    return (caught & (1L << 2)) != 0 ? null // bit 2 is signal 3, SIGQUIT
                            : "it is not a JVM (it does not catch SIGQUIT, which attaching would send it)";
                }
            }
            return null; // no mask to read: let the attach API decide
        }
        String id = Long.toString(pid);
        return VirtualMachine.list().stream().anyMatch(d -> d.id().equals(id)) ? null
                : "the attach API lists no JVM with that id (see jps)";
    }

    /** Attaches to {@code pid}, starts its local JMX agent (a no-op if it runs) and connects to it. */
    static JMXConnector connect(long pid) throws AttachNotSupportedException, IOException {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        return JMXConnectorFactory.connect(new JMXServiceURL(address));
    }

    /** Every tether pool's view, by bean name, sorted. */
    static Map<ObjectName, ObjectNode> read(MBeanServerConnection server) throws IOException, JMException {
        Map<ObjectName, ObjectNode> views = new LinkedHashMap<>();
        for (ObjectName name : new TreeSet<>(server.queryNames(new ObjectName("dev.tether:type=Pool,*"), null))) {
            String text = (String) server.invoke(name, "viewJson", null, null);
            views.put(name, (ObjectNode) JSON.readTree(text));
        }
        return views;
    }

    /** {@code now} with closedInInterval (the pool's and each route's closes since {@code before}) added. */
    static ObjectNode withInterval(ObjectNode now, ObjectNode before) {
        ObjectNode v = now.deepCopy();
        v.set("closedInInterval", difference(now.get("closedByReason"), before == null ? null : before.get("closedByReason")));
        Map<String, JsonNode> beforeRoutes = new LinkedHashMap<>();
        if (before != null) {
            before.get("routes").forEach(r -> beforeRoutes.put(r.get("route").asText(), r));
        }
        for (JsonNode r : v.get("routes")) {
            JsonNode b = beforeRoutes.get(r.get("route").asText());
            ((ObjectNode) r).set("closedInInterval", difference(r.get("closedByReason"), b == null ? null : b.get("closedByReason")));
        }
        return v;
    }

    private static ObjectNode difference(JsonNode now, JsonNode before) {
        ObjectNode d = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            long n = e.getValue().asLong() - (before == null || !before.has(e.getKey()) ? 0 : before.get(e.getKey()).asLong());
            if (n > 0) {
                d.put(e.getKey(), n);
            }
        }
        return d;
    }

    /** The screen: per pool a summary line, a table of routes and the table of connections. */
    static String screen(long pid, long intervalMillis, List<ObjectNode> pools) {
        StringBuilder s = new StringBuilder();
        s.append("tether top - JVM ").append(pid).append(" - ").append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")))
                .append(" - every ").append(seconds(intervalMillis)).append(", closes in the last interval\n");
        for (JsonNode p : pools) {
            s.append('\n').append("pool \"").append(p.get("name").asText()).append("\" (").append(p.get("kind").asText())
                    .append("): ").append(p.get("leased").asInt()).append(" leased, ").append(p.get("idle").asInt()).append(" idle, ")
                    .append(p.get("opening").asInt()).append(" opening, ").append(p.get("waiting").asInt())
                    .append(" waiting (max ").append(p.get("maxTotal").asInt()).append("); opened ").append(p.get("opened").asLong())
                    .append(", closed ").append(p.get("closed").asLong());
            if (p.get("retries").size() > 0) {
                s.append("; retries ").append(reasons(p.get("retries")));
            }
            s.append('\n');
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ROUTE", "IDLE", "LEASED", "OPENING", "WAITING", "OPENED", "LEARNED", "MAX-WAIT", "CLOSED-NOW"});
            List<JsonNode> routes = new ArrayList<>();
            p.get("routes").forEach(routes::add);
            routes.sort(Comparator.comparing((JsonNode r) -> r.get("route").asText()));
            for (JsonNode r : routes) {
                JsonNode learned = r.get("learnedIdleTimeoutMillis");
                rows.add(new String[] {r.get("route").asText(), r.get("idle").asText(), r.get("leased").asText(),
                        r.get("opening").asText(), r.get("waiting").asText(), r.get("opened").asText(),
                        learned.isNull() ? "-" : seconds(learned.asLong()), seconds(r.get("maxWaitedMillis").asLong()),
                        r.get("closedInInterval").size() == 0 ? "-" : reasons(r.get("closedInInterval"))});
            }
            table(s, rows, ROUTE_RIGHT);
            rows.clear();
            rows.add(new String[] {"ROUTE", "LPORT", "STATE", "AGE", "IDLE", "USES", "CLOSES-IN", "SET-BY"});
            // As the pool's dump orders them: by route, leased first, oldest first.
            List<JsonNode> conns = new ArrayList<>();
            p.get("connections").forEach(conns::add);
            conns.sort(Comparator.comparing((JsonNode c) -> c.get("route").asText())
                    .thenComparing(c -> !c.get("state").asText().equals("LEASED"))
                    .thenComparing(c -> -c.get("ageMillis").asLong()));
            for (JsonNode c : conns) {
                rows.add(new String[] {c.get("route").asText(), c.get("localPort").asInt() < 0 ? "-" : c.get("localPort").asText(),
                        c.get("state").asText(), seconds(c.get("ageMillis").asLong()),
                        c.get("idleMillis").isNull() ? "-" : seconds(c.get("idleMillis").asLong()), c.get("uses").asText(),
                        c.get("closesInMillis").isNull() ? "never" : seconds(Math.max(0, c.get("closesInMillis").asLong())),
                        c.get("closeSetBy").isNull() ? "-" : c.get("closeSetBy").asText()});
            }
            s.append('\n');
            table(s, rows, CONNECTION_RIGHT);
            s.append(' ').append(' ').append(rows.size() - 1).append(rows.size() == 2 ? " connection\n" : " connections\n");
        }
        return s.toString();
    }

    /** Appends {@code rows} as aligned columns, indented by two; the columns marked in {@code right} right-aligned. */
    private static void table(StringBuilder s, List<String[]> rows, boolean[] right) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(w[i] - r[i].length());
                line.append(right[i] && r != rows.get(0) ? pad + r[i] : r[i] + pad).append("  ");
            }
            s.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String reasons(JsonNode counts) {
        List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(e -> parts.add(e.getKey().toLowerCase(Locale.ROOT).replace('_', '-') + " " + e.getValue().asLong()));
        return String.join(", ", parts);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
