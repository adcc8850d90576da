package dev.tether.redis;

import dev.tether.net.ConnectionFailure.Kind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * RESP fuzzing end to end: where {@code RespFuzzTest} feeds the reader from memory, here mutated
 * replies come from a scripted server ({@link FakeRedis}) on a loopback socket to a real
 * {@link RedisClient}, through the pool, the shared round trips, pipelines and the retry rule.
 * Seeded ({@code -Dtether.fuzz.seed=N}), so a failure names the seed and case that reproduce it.
 *
 * <p>For every case:
 * <ol>
 *   <li>the call ends within a deadline with a value, a server error ({@link RedisServerException})
 *       or a {@link RedisConnectionException} of a connection's kind: never an {@link Error},
 *       never another exception, never a hang;</li>
 *   <li>a reply left as it was gives its value (and a reply with bytes after it, its first value);
 *       one with nothing after it leaves a connection that serves the next command;</li>
 *   <li>a connection whose call failed carries no later command: the server sees every later
 *       command on other connections;</li>
 *   <li>a probe after each case, a GET the server answers with a token of its own, gets exactly
 *       its token: nothing of a broken exchange reaches a later command.</li>
 * </ol>
 * Whatever the server sends for a case goes in one write, the replies to a pipeline's two commands
 * too: a server that sends a reply more than it was asked for, later than the others, is not
 * something a client can tell from the next command's reply (RESP has no request ids).
 *
 * <p>A read that could wait for bytes that never come is bounded: lone commands and pipelines carry a
 * read timeout of 100 ms of their own, and after a single GET's reply (GETs share round trips, so
 * they read with the socket's timeout) the server always closes the connection. The socket's
 * timeout, 5 s, is for the handshake and the probes, so that a busy machine does not fail them.
 */
class RespSocketFuzzTest {
    /** Valid replies, each with the value a text command reads from it ({@link #NO_REPLY} for a push, which is skipped). */
    private static final Map<String, Object> PARTS = new LinkedHashMap<>();
    private static final Object NO_REPLY = new Object();
    private static final Object ERROR_REPLY = new Object();

    static {
        PARTS.put("+OK\r\n", "OK");
        PARTS.put("-ERR x\r\n", ERROR_REPLY);
        PARTS.put(":12\r\n", 12L);
        PARTS.put("$3\r\nabc\r\n", "abc");
        PARTS.put("$-1\r\n", null);
        PARTS.put("*2\r\n:1\r\n+a\r\n", List.of(1L, "a"));
        PARTS.put("*-1\r\n", null);
        PARTS.put("_\r\n", null);
        PARTS.put(",1.5\r\n", 1.5);
        PARTS.put("#t\r\n", true);
        PARTS.put("(99\r\n", BigInteger.valueOf(99));
        PARTS.put("=7\r\ntxt:abc\r\n", "abc");
        PARTS.put("%1\r\n+k\r\n:1\r\n", Map.of("k", 1L));
        PARTS.put("~1\r\n+m\r\n", List.of("m"));
        PARTS.put(">2\r\n+message\r\n+x\r\n", NO_REPLY);
        PARTS.put("|1\r\n+a\r\n+b\r\n:3\r\n", 3L);
        PARTS.put("*1\r\n*1\r\n*1\r\n:0\r\n", List.of(List.of(List.of(0L))));
    }

    private static final byte[] NOISE = "+-:$*_,#(=%~>|!?\r\n0123456789-abc\0\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    /** Per protocol; {@code -Dtether.fuzz.cases=N} for a longer run (about 3,000 fit in the 60 s timeout). */
    private static final int CASES = Integer.getInteger("tether.fuzz.cases", 150);
    private static final Duration CASE_READ_TIMEOUT = Duration.ofMillis(100);
    /** Far beyond any case's own bound (its 100 ms read, a close, one retry): only a hang reaches it. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Set<Kind> CONNECTION_KINDS = EnumSet.of(Kind.PROTOCOL, Kind.PEER_CLOSED, Kind.READ_TIMEOUT, Kind.RESET,
            Kind.BROKEN_PIPE);

    /** How a case's command travels. */
    enum Shape {
        /** A GET alone: a shared round trip (auto-pipelining), retried once if safe; the server closes after the reply. */
        SHARED_GET,
        /** A command the command table does not know: its own lease, never retried, its own read timeout. */
        LONE,
        /** That command and a second one in a pipeline. */
        PIPELINE
    }

    /**
     * @param wire     what the server answers to the case's command the first time
     * @param valid    what it answers to a retry: the first part, unmutated
     * @param expected the value the first reply part gives when the wire was not mutated
     * @param clean    the wire is exactly one unmutated reply (no bytes after it)
     */
    private record Case(int id, Shape shape, String wire, String valid, boolean close, boolean mutated, Object expected,
                        boolean clean) {
        String tag() {
            return "fuzz:" + id;
        }

        String describe(String run) {
            return run + " case " + id + " " + shape + (close ? " then close" : "") + ": "
                    + wire.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
        }
    }

    /** A command as the server saw it, in order. */
    private record Seen(int seq, int connection, List<String> command) {
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutatedRepliesOverASocketEndCleanlyAndTheirConnectionsCarryNothingMore(Protocol protocol) throws Exception {
        long seed = Long.getLong("tether.fuzz.seed", 12);
        String run = "seed " + seed + " " + protocol;
        List<Case> cases = cases(new Random(seed * 31 + protocol.ordinal()));
        List<Seen> seen = new CopyOnWriteArrayList<>();
        AtomicInteger seq = new AtomicInteger();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        List<Case> broken = new ArrayList<>();
        List<Case> kept = new ArrayList<>();
        try (FakeRedis server = new FakeRedis((connection, command) -> {
            seen.add(new Seen(seq.incrementAndGet(), connection, command));
            String name = command.get(0);
            if (name.equals("HELLO")) {
                return "%1\r\n+proto\r\n:3\r\n";
            }
            String arg = command.get(1);
            if (arg.startsWith("probe:")) {
                String token = arg.substring("probe:".length());
                return "$" + token.length() + "\r\n" + token + "\r\n";
            }
            Case k = cases.get(Integer.parseInt(arg.split(":")[1]));
            if (k.shape() == Shape.PIPELINE && !arg.endsWith(":second")) {
                return ""; // answered with the second command, in the same write
            }
            String reply = k.shape() == Shape.PIPELINE ? k.wire() + "+second\r\n" : k.wire();
            if (!answered.add(arg)) {
                return k.valid(); // a retry, on a fresh connection
            }
            return k.close() ? reply + FakeRedis.THEN_CLOSE : reply;
        });
             RedisClient c = RedisClient.create(RedisClientConfig.builder().port(server.port()).protocol(protocol)
                     .socket(s -> s.readTimeout(Duration.ofSeconds(5))).build())) {
            for (Case k : cases) {
                Future<Object> call = caller.submit(() -> run(c, k));
                Object outcome;
                try {
                    outcome = call.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException hang) {
                    call.cancel(true);
                    throw new AssertionError("no end within " + DEADLINE + ": " + k.describe(run));
                } catch (ExecutionException e) {
                    outcome = e.getCause();
                }
                String what = judge(k, outcome, run);
                outcomes.merge(what, 1, Integer::sum);
                if (outcome instanceof RedisConnectionException) {
                    broken.add(k);
                } else if (k.clean() && !k.close() && k.shape() != Shape.SHARED_GET && k.expected() != NO_REPLY) {
                    kept.add(k);
                }
                String token = "t" + k.id();
                Object probe = c.send(Command.text("GET", "probe:" + token).readTimeout(Duration.ofSeconds(5)));
                assertThat(probe).as("the probe after %s", k.describe(run)).isEqualTo(token);
            }
            System.out.printf("%s over a socket: %d cases, %s; %d connections, pool %s%n", run, cases.size(), outcomes, server.connections(), c.poolStats());
        } finally {
            caller.shutdownNow();
        }
        // Every value was judged above; here, which connection carried what.
        for (Case k : broken) {
            Set<Integer> carried = new HashSet<>();
            int last = 0;
            for (Seen s : seen) {
                if (s.command().contains(k.tag()) || s.command().contains(k.tag() + ":second")) {
                    carried.add(s.connection());
                    last = Math.max(last, s.seq());
                }
            }
            assertThat(carried).as("connections of %s", k.describe(run)).isNotEmpty();
            for (Seen s : seen) {
                if (s.seq() > last && carried.contains(s.connection())) {
                    fail("connection %d carried %s after its call failed on %s", s.connection(), s.command(), k.describe(run));
                }
            }
        }
        for (Case k : kept) {
            int on = connectionOf(seen, k.tag());
            int probeOn = connectionOf(seen, "probe:t" + k.id());
            assertThat(probeOn).as("a healthy connection serves the next command after %s", k.describe(run)).isEqualTo(on);
        }
        assertThat(broken).as("cases whose connection broke").isNotEmpty();
        assertThat(kept).as("cases whose connection stayed").isNotEmpty();
    }

    private static int connectionOf(List<Seen> seen, String arg) {
        return seen.stream().filter(s -> s.command().contains(arg)).findFirst().orElseThrow().connection();
    }

    private static Object run(RedisClient c, Case k) {
        switch (k.shape()) {
            case SHARED_GET:
                return c.send(Command.text("GET", k.tag()));
            case LONE:
                return c.send(Command.text("FUZZ", k.tag()).readTimeout(CASE_READ_TIMEOUT));
            default:
                return c.pipeline().add(Command.text("FUZZ", k.tag()).readTimeout(CASE_READ_TIMEOUT))
                        .add(Command.text("ECHO", k.tag() + ":second")).execute();
        }
    }

    /** Checks one case's outcome (a value, or what was thrown) and names it for the summary. */
    private static String judge(Case k, Object outcome, String run) {
        String as = k.describe(run);
        if (outcome instanceof RedisConnectionException) {
            RedisConnectionException e = (RedisConnectionException) outcome;
            assertThat(e.kind()).as("%s: %s", as, e.getMessage()).isIn(CONNECTION_KINDS);
            // Left as it was, a reply fails only if it is a push alone: no reply follows it.
            assertThat(k.mutated() || k.expected() == NO_REPLY).as("an unmutated reply failed: %s: %s", as, e.getMessage()).isTrue();
            return "failed " + e.kind();
        }
        if (outcome instanceof Throwable) {
            Throwable t = (Throwable) outcome;
            if (!(t instanceof RedisServerException)) {
                throw new AssertionError("neither a value nor one of the client's exceptions: " + as, t);
            }
            assertThat(k.mutated() || k.expected() == ERROR_REPLY).as("%s: %s", as, t.getMessage()).isTrue();
            return "server error";
        }
        if (!k.mutated() && k.shape() != Shape.PIPELINE) {
            assertThat(k.expected()).as("a value from a push alone: %s", as).isNotSameAs(NO_REPLY);
            assertThat(outcome).as(as).isEqualTo(k.expected());
        }
        if (!k.mutated() && k.shape() == Shape.PIPELINE && k.clean()) {
            Object first = ((Replies) outcome).asList().get(0);
            if (k.expected() == ERROR_REPLY) {
                assertThat(first).as(as).isInstanceOf(RedisServerException.class);
            } else {
                assertThat(first).as(as).isEqualTo(k.expected());
            }
        }
        return "value";
    }

    /** The cases: valid replies joined and mutated byte by byte, as RespFuzzTest makes them, and how each travels. */
    private static List<Case> cases(Random random) {
        List<String> parts = new ArrayList<>(PARTS.keySet());
        List<Case> cases = new ArrayList<>();
        for (int id = 0; id < CASES; id++) {
            Shape shape = Shape.values()[random.nextInt(Shape.values().length)];
            int n = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
            List<String> chosen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                chosen.add(parts.get(random.nextInt(parts.size())));
            }
            byte[] b = String.join("", chosen).getBytes(StandardCharsets.ISO_8859_1);
            byte[] original = b.clone();
            int mutations = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(3);
            for (int i = 0; i < mutations && b.length > 0; i++) {
                int at = random.nextInt(b.length);
                switch (random.nextInt(3)) {
                    case 0 -> b[at] = NOISE[random.nextInt(NOISE.length)];
                    case 1 -> b = Arrays.copyOf(b, at); // truncated
                    default -> b[at] = (byte) random.nextInt(256);
                }
            }
            boolean mutated = !Arrays.equals(b, original);
            // The first part that is a reply (a push before it is skipped).
            Object expected = NO_REPLY;
            for (String p : chosen) {
                if (PARTS.get(p) != NO_REPLY) {
                    expected = PARTS.get(p);
                    break;
                }
            }
            String valid = chosen.get(0);
            boolean close = shape == Shape.SHARED_GET || random.nextInt(3) == 0;
            cases.add(new Case(id, shape, new String(b, StandardCharsets.ISO_8859_1), PARTS.get(valid) == NO_REPLY ? "+OK\r\n" : valid,
                    close, mutated, expected, !mutated && n == 1));
        }
        return cases;
    }
}
