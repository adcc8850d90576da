package dev.tether.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Replies turned into the types of the typed commands. RESP2 and RESP3 differ in shape (a hash is
 * a flat array in RESP2 and a map in RESP3, a score a bulk string or a double), so each method
 * accepts both. A reply of an unexpected type is an {@link IllegalStateException} naming it: the
 * server answered something the command never answers.
 */
public final class Convert {
    private Convert() {
    }

    public static String string(Object v) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[]) {
            return new String((byte[]) v, StandardCharsets.UTF_8);
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v.toString();
        }
        throw unexpected(v, "a string");
    }

    public static byte[] bytes(Object v) {
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof String) {
            return ((String) v).getBytes(StandardCharsets.UTF_8);
        }
        throw unexpected(v, "a bulk string");
    }

    public static long integer(Object v) {
        if (v instanceof Long) {
            return (Long) v;
        }
        throw unexpected(v, "an integer");
    }

    /** An integer reply, or null for a nil one (ZRANK of a missing member). */
    public static Long nullableInteger(Object v) {
        return v == null ? null : integer(v);
    }

    public static boolean bool(Object v) {
        if (v instanceof Long) {
            return (Long) v != 0;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw unexpected(v, "an integer 0 or 1");
    }

    /** A score: a double (RESP3) or its text (RESP2); null stays null. */
    public static Double score(Object v) {
        if (v == null || v instanceof Double) {
            return (Double) v;
        }
        String s = string(v);
        switch (s) {
            case "inf": case "+inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            default: return Double.valueOf(s);
        }
    }

    public static List<String> strings(Object v) {
        if (v == null) {
            return null;
        }
        List<?> items = list(v);
        List<String> out = new ArrayList<>(items.size());
        for (Object o : items) {
            out.add(string(o));
        }
        return out;
    }

    public static List<byte[]> byteList(Object v) {
        if (v == null) {
            return null;
        }
        List<?> items = list(v);
        List<byte[]> out = new ArrayList<>(items.size());
        for (Object o : items) {
            out.add(bytes(o));
        }
        return out;
    }

    public static Set<String> stringSet(Object v) {
        return v == null ? null : new LinkedHashSet<>(strings(v));
    }

    /** A hash: RESP2's flat array of field, value, ... or RESP3's map. */
    public static Map<String, String> stringMap(Object v) {
        if (v == null) {
            return Collections.emptyMap();
        }
        Map<String, String> out = new LinkedHashMap<>();
        eachPair(v, (field, value) -> out.put(string(field), string(value)));
        return out;
    }

    /**
     * A hash as field, value entries in the order the server sent them: a {@code byte[]} cannot key
     * a {@code Map}, whose lookups would compare arrays by identity.
     */
    public static List<Map.Entry<byte[], byte[]>> bytePairs(Object v) {
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        if (v != null) {
            eachPair(v, (field, value) -> out.add(Map.entry(bytes(field), bytes(value))));
        }
        return out;
    }

    /** Members with scores: RESP2's flat member, score, ... or RESP3's pairs. */
    public static Map<String, Double> scored(Object v) {
        Map<String, Double> out = new LinkedHashMap<>();
        eachScored(v, (member, score) -> out.put(string(member), score));
        return out;
    }

    /** Members with scores as entries in rank order, for the reason {@link #bytePairs} gives. */
    public static List<Map.Entry<byte[], Double>> scoredBytes(Object v) {
        List<Map.Entry<byte[], Double>> out = new ArrayList<>();
        eachScored(v, (member, score) -> out.add(Map.entry(bytes(member), score)));
        return out;
    }

    private static void eachPair(Object v, BiConsumer<Object, Object> each) {
        if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                each.accept(e.getKey(), e.getValue());
            }
            return;
        }
        List<?> items = list(v);
        if (items.size() % 2 != 0) {
            throw new IllegalStateException("the server answered a hash with an odd number of elements (" + items.size() + ")");
        }
        for (int i = 0; i < items.size(); i += 2) {
            each.accept(items.get(i), items.get(i + 1));
        }
    }

    private static void eachScored(Object v, BiConsumer<Object, Double> each) {
        List<?> items = list(v);
        for (int i = 0; i < items.size(); i++) {
            Object o = items.get(i);
            if (o instanceof List) {
                List<?> pair = (List<?>) o;
                each.accept(pair.get(0), score(pair.get(1)));
            } else {
                each.accept(o, score(items.get(++i)));
            }
        }
    }

    public static List<?> list(Object v) {
        if (v instanceof List) {
            return (List<?>) v;
        }
        throw unexpected(v, "an array");
    }

    private static IllegalStateException unexpected(Object v, String expected) {
        if ("QUEUED".equals(v)) {
            // A typed call in a session's MULTI: the command is queued, and saying only "a String"
            // would read as a failure of a command that will run.
            return new IllegalStateException("the server answered QUEUED where " + expected + " was expected: the command"
                    + " was queued by the session's open MULTI and runs at EXEC; inside MULTI use send(...), which returns"
                    + " \"QUEUED\", and read the results from exec()");
        }
        return new IllegalStateException("the server answered " + (v == null ? "null" : v.getClass().getSimpleName())
                + " where " + expected + " was expected");
    }
}
