package dev.tether.chaos.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.chaos.ChaosException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Strict field access on the JSON trees of the control API and of populate files: a missing or
 * null field takes the fallback, a field of the wrong type is a {@link ChaosException} (400) that
 * names the field, its value and the type expected. Unknown fields are never looked at, so they
 * are ignored, as Toxiproxy ignores them.
 */
public final class JsonFields {

    /** Jackson's " (start marker at [Source: ...])": where the input came from, which the caller says better. */
    private static final Pattern SOURCE_NOTE = Pattern.compile("\\s*\\((?:start marker at|for root starting at) \\[Source:[^\\]]*\\]\\)");

    private JsonFields() {
    }

    /** {@code node} as an object; {@code what} names it in the error ("proxy", "toxic", "proxy 2"). */
    public static ObjectNode object(JsonNode node, String what) {
        if (!(node instanceof ObjectNode o)) {
            throw ChaosException.badRequest("bad request body: " + what + " must be a JSON object, got " + node);
        }
        return o;
    }

    public static String text(ObjectNode object, String field, String fallback) {
        return field(object, field, fallback, JsonNode::isTextual, JsonNode::textValue, "a string");
    }

    public static boolean bool(ObjectNode object, String field, boolean fallback) {
        return field(object, field, fallback, JsonNode::isBoolean, JsonNode::booleanValue, "true or false");
    }

    public static double number(ObjectNode object, String field, double fallback) {
        return field(object, field, fallback, JsonNode::isNumber, JsonNode::doubleValue, "a number");
    }

    /**
     * A JSON syntax error as one line: where ({@code line L, column C}, when the parser knows) and
     * what, without the parser's second line or its notes on where the input came from.
     */
    public static String syntaxError(JsonProcessingException e) {
        String what = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        if (what.startsWith("Trailing token")) {
            what = "more JSON after the end of the value";
        }
        what = SOURCE_NOTE.matcher(what).replaceAll("").lines().findFirst().orElse("").strip();
        JsonLocation at = e.getLocation();
        String where = at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " : "";
        return where + "not JSON: " + what;
    }

    private static <T> T field(ObjectNode object, String field, T fallback, Predicate<JsonNode> isType,
                               Function<JsonNode, T> value, String expected) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!isType.test(v)) {
            throw ChaosException.badRequest(field + ": " + v + " (expected: " + expected + ")");
        }
        return value.apply(v);
    }
}
