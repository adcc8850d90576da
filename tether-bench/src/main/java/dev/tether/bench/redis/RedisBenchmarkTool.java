package dev.tether.bench.redis;

import dev.tether.redis.RedisAdmin;
import dev.tether.redis.RedisUri;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The machine's {@code redis-benchmark} (the server's own C client, which does nothing with a
 * reply but count it) as one participant of alternating rounds: each run makes as many requests
 * as it made in the wanted time the run before, so that it takes about as long as the clients'
 * turns, and its "requests per second" is its figure. Its GETs read {@link #KEY}, which the caller
 * fills with the same 3-byte value as {@link RedisClientBenchmark#KEY}; both keys are 16 bytes.
 * It talks to the clients' server ({@link RedisAdmin#URL}), which must not ask for a password:
 * redis-benchmark would take it on its command line, where any process on the machine can read it.
 */
final class RedisBenchmarkTool {
    static final String NAME = "redis-benchmark";
    /** redis-benchmark's key when no -r is given. */
    static final String KEY = "key:__rand_int__";
    private static final String PATH = System.getProperty("redisBenchmark", "/usr/bin/redis-benchmark");
    private static final RedisUri SERVER = RedisUri.parse(RedisAdmin.URL);

    static {
        if (RedisClientBenchmark.KEY.length() != KEY.length()) {
            throw new IllegalStateException("the key's size differs from redis-benchmark's");
        }
    }

    /** The last run's commands per second (a first guess before any run): it sizes the next run. */
    private long rate = 100_000;

    /** Why it cannot take part here, or null when it can. */
    static String unavailable() {
        if (!Files.isExecutable(Path.of(PATH))) {
            return "redis-benchmark is not at " + PATH + " (it comes with the redis-tools package; -DredisBenchmark=path names another)";
        }
        if (SERVER.tls() || SERVER.password() != null || SERVER.database() != 0) {
            return "the server's URL asks for TLS, a password or a database, which redis-benchmark would not be given";
        }
        return null;
    }

    /**
     * One run of {@code op} on {@code connections} connections, {@code pipeline} commands per round
     * trip each, for about {@code d}: {commands per second, CPU ns per command of its whole process,
     * start-up included, from this process's reaped children's times in 10 ms ticks}.
     */
    double[] run(String op, int connections, int pipeline, Duration d) throws InterruptedException {
        long requests = Math.max((long) connections * pipeline, rate * d.toMillis() / 1000 / pipeline * pipeline);
        try {
            long cpu0 = childrenCpuTicks();
            Process p = new ProcessBuilder(PATH, "-h", SERVER.host(), "-p", Integer.toString(SERVER.port()), "-c", Integer.toString(connections),
                    "-P", Integer.toString(pipeline), "-t", op.toLowerCase(Locale.ROOT), "-n", Long.toString(requests), "--csv")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(NAME + " exited with " + p.exitValue() + ": " + out);
            }
            long cpuTicks = childrenCpuTicks() - cpu0;
            // --csv: a header line, then "GET","1466275.75",...
            for (String line : out.split("\n")) {
                String[] f = line.split(",");
                if (f.length > 1 && f[0].equals("\"" + op + "\"")) {
                    double rps = Double.parseDouble(f[1].replace("\"", ""));
                    rate = Math.max(1, (long) rps);
                    return new double[] {rps, cpuTicks * 10_000_000.0 / requests};
                }
            }
            throw new IllegalStateException("no \"" + op + "\" line in " + NAME + "'s output: " + out);
        } catch (IOException e) {
            throw new IllegalStateException(NAME + " at " + PATH + " could not run: " + e, e);
        }
    }

    /**
     * User and system time of this process's reaped children, in clock ticks ({@code cutime} and
     * {@code cstime} of /proc/self/stat; 100 per second on Linux).
     */
    private static long childrenCpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // Fields after the command's name (which may hold spaces) start at field 3.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
