package dev.tether.redis.internal;

import dev.tether.redis.Command;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What tether knows about each command: whether sending it twice can change anything (the retry
 * rule reads it), and where a blocking command keeps its timeout (its read timeout is built from
 * it). The README's retry table is this table; keep them together.
 *
 * <ol>
 *   <li>{@link Safety#READ}: reads. A repeat returns what a first reply would have.</li>
 *   <li>{@link Safety#IDEMPOTENT}: writes whose repetition changes nothing: they set a state
 *       rather than change one ({@code SET} without {@code NX}, {@code GET}, {@code EX} or
 *       {@code PX}; {@code DEL}; {@code HSET}; {@code EXPIREAT}...). A repeat's reply may count
 *       fewer changes ({@code DEL} answers 0 the second time), the data is the same.</li>
 *   <li>{@link Safety#UNSAFE}: everything else, with the reason a repeat would hurt: counters,
 *       pushes and pops apply twice; a relative expiry ({@code EXPIRE}, {@code SET ... EX}) moves
 *       its deadline when repeated late; a conditional write ({@code SETNX}, {@code SET ... NX})
 *       would report that it did nothing; a script may do anything; {@code WAIT} on a fresh
 *       connection would find no writes to wait for. A command the table does not know is unsafe.</li>
 * </ol>
 */
public final class CommandTable {

    public enum Safety { READ, IDEMPOTENT, UNSAFE }

    private record Entry(Safety safety, String why) {
    }

    private static final String TWICE = "a repeat would apply it twice";
    private static final String RELATIVE = "a late repeat would move its deadline";
    private static final String CONDITIONAL = "a repeat would report that it did nothing";
    private static final String SCRIPT = "tether cannot know what a script or function does";
    private static final String UNKNOWN = "it is not in tether's table of commands safe to repeat";

    /** Commands by group, for the table and for the README. */
    public static final List<String> READS = List.of(
            "GET", "MGET", "GETRANGE", "STRLEN", "LCS", "EXISTS", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "TYPE",
            "SCAN", "KEYS", "RANDOMKEY", "DBSIZE", "TOUCH", "OBJECT", "DUMP", "MEMORY",
            "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HLEN", "HEXISTS", "HSTRLEN", "HSCAN", "HRANDFIELD",
            "LRANGE", "LLEN", "LINDEX", "LPOS",
            "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SSCAN", "SRANDMEMBER", "SINTER", "SUNION", "SDIFF", "SINTERCARD",
            "ZRANGE", "ZRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZREVRANGEBYLEX", "ZSCORE", "ZMSCORE",
            "ZCARD", "ZCOUNT", "ZLEXCOUNT", "ZRANK", "ZREVRANK", "ZSCAN", "ZRANDMEMBER", "ZUNION", "ZINTER", "ZDIFF", "ZINTERCARD",
            "XRANGE", "XREVRANGE", "XLEN", "XREAD", "XINFO", "XPENDING",
            "GETBIT", "BITCOUNT", "BITPOS", "PFCOUNT", "GEOPOS", "GEODIST", "GEOHASH", "GEOSEARCH",
            "SORT_RO", "EVAL_RO", "EVALSHA_RO", "FCALL_RO",
            "PING", "ECHO", "INFO", "TIME", "LASTSAVE", "ROLE");
    public static final List<String> IDEMPOTENT_WRITES = List.of(
            "SET", "MSET", "SETRANGE", "DEL", "UNLINK", "EXPIREAT", "PEXPIREAT", "PERSIST",
            "HSET", "HMSET", "HDEL", "LSET", "SADD", "SREM", "ZADD", "ZREM", "PFADD", "GEOADD", "XACK",
            "FLUSHDB", "FLUSHALL");
    private static final Map<String, Entry> TABLE = new HashMap<>();
    /** The commands {@link #blockingTimeoutMillis} reads a timeout from. */
    private static final Set<String> MAY_BLOCK = Set.of("BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX",
            "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZMPOP", "WAIT", "WAITAOF", "XREAD", "XREADGROUP");

    static {
        for (String c : READS) {
            TABLE.put(c, new Entry(Safety.READ, null));
        }
        for (String c : IDEMPOTENT_WRITES) {
            TABLE.put(c, new Entry(Safety.IDEMPOTENT, null));
        }
        unsafe(TWICE, "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "HINCRBY", "HINCRBYFLOAT", "ZINCRBY", "APPEND",
                "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LINSERT", "LREM", "LTRIM", "LPOP", "RPOP", "RPOPLPUSH", "LMOVE", "LMPOP",
                "BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "SPOP", "SMOVE", "ZPOPMIN", "ZPOPMAX", "ZMPOP",
                "BZPOPMIN", "BZPOPMAX", "BZMPOP", "XADD", "XREADGROUP", "XCLAIM", "XAUTOCLAIM", "GETDEL", "RENAME",
                "PUBLISH", "SPUBLISH", "SETBIT", "BITFIELD");
        unsafe(RELATIVE, "EXPIRE", "PEXPIRE", "SETEX", "PSETEX", "GETEX");
        unsafe(CONDITIONAL, "SETNX", "HSETNX", "MSETNX", "RENAMENX", "COPY");
        unsafe(SCRIPT, "EVAL", "EVALSHA", "FCALL");
        unsafe("a repeat would return what the first attempt wrote", "GETSET");
        // WAIT reads nothing: it waits for the writes sent before it on its own connection, and a
        // fresh connection has sent none, so a repeat there would report them replicated at once.
        unsafe("it waits for the writes sent before it on its connection, and a fresh connection has none: a repeat would"
                + " report them replicated at once", "WAIT", "WAITAOF");
    }

    private static void unsafe(String why, String... names) {
        for (String n : names) {
            TABLE.put(n, new Entry(Safety.UNSAFE, why));
        }
    }

    private CommandTable() {
    }

    /**
     * Whether {@code c} may share a round trip with other callers' commands (auto-pipelining): a
     * command this table knows, that does not block and asks for no read timeout of its own. Any
     * other may change the connection's state ({@code SELECT}, {@code CLIENT}, {@code MULTI},
     * {@code SUBSCRIBE}...) or hold it for long, so it goes alone on a connection of its own.
     */
    public static boolean shareable(Command c) {
        if (c.readTimeout() != null) {
            return false;
        }
        String name = upper(c.name());
        // Checked per command on the hot path: one lookup, and the blocking rules only for their names.
        return TABLE.containsKey(name) && (!MAY_BLOCK.contains(name) || blockingTimeoutMillis(c) < 0);
    }


    /** The safety of {@code c}, with its options read where they matter (SET, ZADD). */
    public static Safety safety(Command c) {
        Entry e = TABLE.get(upper(c.name()));
        if (e == null) {
            return Safety.UNSAFE;
        }
        return e.safety() == Safety.IDEMPOTENT && optionWhy(c) != null ? Safety.UNSAFE : e.safety();
    }

    /** Why {@code c} is not safe to repeat, for the failure message; null if it is. */
    public static String whyUnsafe(Command c) {
        Entry e = TABLE.get(upper(c.name()));
        if (e == null) {
            return UNKNOWN;
        }
        return e.safety() == Safety.UNSAFE ? e.why() : optionWhy(c);
    }

    /** The reason an option makes an idempotent command unsafe, or null. */
    private static String optionWhy(Command c) {
        String name = upper(c.name());
        if (name.equals("SET")) {
            for (int i = 2; i < c.argCount(); i++) {
                Object a = c.arg(i);
                if (is(a, "NX")) {
                    return "with NX " + CONDITIONAL;
                }
                if (is(a, "GET")) {
                    return "with GET a repeat would return what the first attempt wrote";
                }
                if (is(a, "EX") || is(a, "PX")) {
                    return "with a relative expiry (EX, PX) " + RELATIVE + "; EXAT and PXAT are safe";
                }
            }
        } else if (name.equals("ZADD")) {
            for (int i = 1; i < c.argCount(); i++) {
                if (is(c.arg(i), "INCR")) {
                    return "with INCR " + TWICE;
                }
            }
        }
        return null;
    }

    /**
     * A blocking command's own timeout in milliseconds: 0 for "for ever", -1 when {@code c} does
     * not block (or its timeout argument is not a number; the server will refuse it anyway).
     */
    public static long blockingTimeoutMillis(Command c) {
        // Every command of a pipeline passes here: the names that block start with B, W or X, so
        // the rest are answered without upper-casing the name.
        char first = (char) (c.name().charAt(0) | 0x20);
        if (first != 'b' && first != 'w' && first != 'x') {
            return -1;
        }
        String name = upper(c.name());
        int n = c.argCount();
        switch (name) {
            case "BLPOP": case "BRPOP": case "BZPOPMIN": case "BZPOPMAX": case "BRPOPLPUSH": case "BLMOVE":
                return n == 0 ? -1 : seconds(c.arg(n - 1));
            case "BLMPOP": case "BZMPOP":
                return n == 0 ? -1 : seconds(c.arg(0));
            case "WAIT": case "WAITAOF":
                return n == 0 ? -1 : millis(c.arg(n - 1));
            case "XREAD": case "XREADGROUP":
                for (int i = 0; i + 1 < n; i++) {
                    if (is(c.arg(i), "STREAMS")) {
                        return -1;
                    }
                    if (is(c.arg(i), "BLOCK")) {
                        return millis(c.arg(i + 1));
                    }
                }
                return -1;
            default:
                return -1;
        }
    }

    private static long seconds(Object a) {
        try {
            double s = Double.parseDouble(text(a));
            return s < 0 || Double.isNaN(s) ? -1 : (long) Math.ceil(s * 1000);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long millis(Object a) {
        try {
            long ms = Long.parseLong(text(a));
            return ms < 0 ? -1 : ms;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String text(Object a) {
        return a instanceof byte[] ? new String((byte[]) a, StandardCharsets.UTF_8) : String.valueOf(a).trim();
    }

    /** Whether argument {@code a} is the option {@code token}, in any case, without allocating. */
    private static boolean is(Object a, String token) {
        if (a instanceof String) {
            return ((String) a).equalsIgnoreCase(token);
        }
        if (a instanceof byte[]) {
            byte[] b = (byte[]) a;
            if (b.length != token.length()) {
                return false;
            }
            for (int i = 0; i < b.length; i++) {
                if (Character.toUpperCase((char) (b[i] & 0xff)) != token.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static String upper(String name) {
        // toUpperCase returns the same instance when nothing changes: no allocation for "GET".
        return name.toUpperCase(Locale.ROOT);
    }
}
