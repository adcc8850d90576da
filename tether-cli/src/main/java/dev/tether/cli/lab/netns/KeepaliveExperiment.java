package dev.tether.cli.lab.netns;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What TCP keepalive does when a peer vanishes without a packet. A tether-chaos blackhole cannot
 * show it: the proxy's kernel still answers keepalive probes. Packets must really be dropped, and
 * the lab may not touch the host's own netfilter rules, so it makes a network namespace of its own
 * (its own loopback, its own iptables tables), runs {@link VanishedPeerChild} there in a child JVM
 * (this JVM's java binary and class path) and deletes the namespace afterwards, whatever happens.
 * Needs root, {@code ip} (iproute2) and {@code iptables}; {@link #missingPrerequisite()} says which
 * is missing.
 */
public final class KeepaliveExperiment {

    /** What the scenario says when the experiment cannot run here. */
    public static final String SKIPPED = "TCP keepalive part skipped: needs root and ip/iptables to drop packets in a private network namespace";

    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * One run, seen from the lab.
     *
     * @param droppedAtNanos {@link System#nanoTime()} in this JVM when the child said the packets were dropped; -1 if never
     * @param outcome        what the child measured; null when it did not report
     * @param error          why the experiment failed; null when it ran
     */
    public record Result(long droppedAtNanos, VanishedPeerChild.Outcome outcome, String error) {

        /** Tether noticed within the limit and the naive socket had noticed nothing by then. */
        public boolean shown() {
            return error == null && outcome != null && outcome.error() == null && outcome.tetherNoticedMs() != null
                    && outcome.naiveNoticedMs() == null;
        }
    }

    private KeepaliveExperiment() {
    }

    /** The keepalive timers the child gives tether, as the lab shows them: "1 s idle, then 3 probes 1 s apart". */
    public static String settings() {
        return VanishedPeerChild.KEEPALIVE_IDLE.toSeconds() + " s idle, then " + VanishedPeerChild.KEEPALIVE_COUNT
                + " probes " + VanishedPeerChild.KEEPALIVE_INTERVAL.toSeconds() + " s apart";
    }

    /** Why the experiment cannot run here (e.g. "not running as root"), or null when it can. */
    public static String missingPrerequisite() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root";
        }
        for (String tool : new String[] {"ip", "iptables"}) {
            if (onPath(tool) == null) {
                return "`" + tool + "` is not installed";
            }
        }
        return null;
    }

    /**
     * Runs the experiment: namespace, child JVM, result. Never throws; a failure is in {@link Result#error()}.
     *
     * @param limitMs how long the child waits for tether to notice after the drop
     */
    public static Result run(long limitMs) {
        String missing = missingPrerequisite();
        if (missing != null) {
            return new Result(-1, null, missing);
        }
        // Unique per JVM and per run, so that two labs (or two runs in one JVM) never share a namespace.
        String ns = "tether-lab-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        String ip = onPath("ip").toString();
        Process[] child = new Process[1];
        // Ctrl-C during the run must not leave the namespace (or the child) behind.
        Thread cleanup = new Thread(() -> {
            if (child[0] != null) {
                child[0].destroyForcibly();
            }
            quietly(ip, "netns", "del", ns);
        }, "lab-netns-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            String failed = exec(ip, "netns", "add", ns);
            if (failed == null) {
                failed = exec(ip, "netns", "exec", ns, ip, "link", "set", "lo", "up");
            }
            if (failed != null) {
                return new Result(-1, null, failed);
            }
            // C1 only: the child runs for seconds, a faster start matters more than peak speed.
            List<String> cmd = List.of(ip, "netns", "exec", ns, javaBinary(), "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), VanishedPeerChild.class.getName(), Long.toString(limitMs));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            child[0] = p;
            long dropped = -1;
            VanishedPeerChild.Outcome outcome = null;
            List<String> other = new ArrayList<>();
            // Read as it comes: the DROPPED line's arrival is the drop's moment on the lab's clock.
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.equals("DROPPED")) {
                        dropped = System.nanoTime();
                    } else if (line.startsWith("RESULT ")) {
                        outcome = new ObjectMapper().readValue(line.substring(7), VanishedPeerChild.Outcome.class);
                    } else if (other.size() < 20) {
                        other.add(line);
                    }
                }
            }
            if (!p.waitFor(limitMs + 30_000, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(dropped, outcome, "the child JVM did not exit");
            }
            if (outcome == null) {
                return new Result(dropped, null, "the child JVM reported nothing (exit " + p.exitValue() + "): " + String.join(" | ", other));
            }
            return new Result(dropped, outcome, outcome.error());
        } catch (IOException e) {
            return new Result(-1, null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, null, "interrupted");
        } finally {
            if (child[0] != null && child[0].isAlive()) {
                child[0].destroyForcibly();
            }
            quietly(ip, "netns", "del", ns);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs (and deletes nothing twice harmfully)
            }
        }
    }

    /** The java binary running this JVM, so that the child runs the same Java. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Runs a command; null on success, else what failed and what it printed. */
    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + " failed: " + out;
    }

    private static void quietly(String... command) {
        // An interrupted lab must still delete its namespace: run the command with the flag cleared, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            exec(command);
        } catch (IOException | InterruptedException ignored) {
            // best effort: the namespace may already be gone
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Path onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        // root's tools live in sbin, which a non-login PATH may lack
        for (String dir : (path + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/sbin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
