package dev.tether.chaos.internal;

import dev.tether.chaos.ChaosException;

/**
 * The rule for the names of proxies and toxics, which are path segments of the control API
 * ({@code /proxies/NAME/toxics/NAME}) and words in its errors and logs: 1 to {@value #MAX_LENGTH}
 * characters, no {@code /} (a proxy of that name could never be reached again) and no control
 * character (NUL, CR, LF, ...: they would split a log line or a message in two).
 */
public final class Names {

    public static final int MAX_LENGTH = 128;
    public static final String RULE = "1 to " + MAX_LENGTH + " characters, none of them '/' or a control character";

    private Names() {
    }

    /** @throws ChaosException 400 naming the field, the name (quoted, escaped, cut if long) and the rule */
    public static void check(String field, String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH || name.chars().anyMatch(c -> c == '/' || Character.isISOControl(c))) {
            throw ChaosException.badRequest(field + ": " + quote(name) + " (expected: " + RULE + ")");
        }
    }

    /**
     * A value as an error message shows it: quoted, control characters escaped so that the message
     * stays one line, and cut after 40 characters with the length said.
     */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        int shown = Math.min(value.length(), 40);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
        if (shown < value.length()) {
            sb.append("... (").append(value.length()).append(" characters)");
        }
        return sb.toString();
    }
}
