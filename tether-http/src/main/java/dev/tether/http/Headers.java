package dev.tether.http;

import dev.tether.http.internal.FieldList;
import dev.tether.pool.Redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * HTTP header fields in the order they were given: names compare case-insensitively, a name may
 * repeat. Immutable. Names and values given by a caller are checked when added: a CR, LF or NUL in
 * either, or a name that is not an RFC 9110 token, is refused before anything can be sent (no
 * header injection). Thread-safe, being immutable; its {@link Builder} is not.
 */
public final class Headers {

    /**
     * No fields.
     */
    public static final Headers EMPTY = new Headers(new String[0], 0);

    // name, value, name, value, ... (OkHttp's layout: one array, no entry objects)
    private final String[] namesAndValues;
    private final int size;

    private Headers(String[] namesAndValues, int size) {
        this.namesAndValues = namesAndValues;
        this.size = size;
    }

    /**
     * Headers from alternating names and values, checked like {@link Builder#add}.
     *
     * @param namesAndValues name, value, name, value...
     * @return the headers
     * @throws IllegalArgumentException if the count is odd, or a name or value is refused (see {@link Builder#add})
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues: " + namesAndValues.length
                    + " strings (expected: an even count, name then value)");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /**
     * Starts an empty set of fields.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a set of fields from these.
     *
     * @return a builder holding these fields
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.namesAndValues = Arrays.copyOf(namesAndValues, Math.max(8, size * 2));
        b.size = size;
        return b;
    }

    /**
     * Number of fields.
     *
     * @return the count, a repeated name counted each time
     */
    public int size() { return size; }

    /**
     * The name of a field.
     *
     * @param i the field's index, from 0
     * @return the name as given
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public String name(int i) {
        Objects.checkIndex(i, size);
        return namesAndValues[2 * i];
    }

    /**
     * The value of a field.
     *
     * @param i the field's index, from 0
     * @return the value, trimmed
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public String value(int i) {
        Objects.checkIndex(i, size);
        return namesAndValues[2 * i + 1];
    }

    /**
     * The first value of a name.
     *
     * @param name the name, any case
     * @return the value, or null when absent
     */
    public String first(String name) {
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                return namesAndValues[2 * i + 1];
            }
        }
        return null;
    }

    /**
     * Every value of a name, in order.
     *
     * @param name the name, any case
     * @return an unmodifiable list, empty when absent
     */
    public List<String> all(String name) {
        List<String> out = null;
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(namesAndValues[2 * i + 1]);
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    /**
     * Whether a name is present.
     *
     * @param name the name, any case
     * @return true when at least one field has it
     */
    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * Whether a comma-separated list header ({@code Connection}, {@code Transfer-Encoding}) holds
     * {@code token}, in any of its fields, case-insensitively.
     *
     * @param name  the header's name, any case
     * @param token the token to look for
     * @return true when one of the comma-separated parts equals {@code token}
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                String v = namesAndValues[2 * i + 1];
                if (token.isEmpty()) {
                    // String.split's rules about empty parts decide this odd case, as they always did.
                    for (String part : v.split(",")) {
                        if (part.trim().isEmpty()) {
                            return true;
                        }
                    }
                    continue;
                }
                // The comma-separated parts, each trimmed, compared in place.
                int at = 0;
                while (at <= v.length()) {
                    int stop = FieldList.stop(v, at);
                    int a = FieldList.trimmedStart(v, at, stop);
                    int z = FieldList.trimmedEnd(v, a, stop);
                    if (z - a == token.length() && v.regionMatches(true, a, token, 0, z - a)) {
                        return true;
                    }
                    at = stop + 1;
                }
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Headers)) {
            return false;
        }
        Headers h = (Headers) o;
        return size == h.size && Arrays.equals(namesAndValues, 0, size * 2, h.namesAndValues, 0, size * 2);
    }

    @Override
    public int hashCode() {
        int r = size;
        for (int i = 0; i < size * 2; i++) {
            r = 31 * r + namesAndValues[i].hashCode();
        }
        return r;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String name = namesAndValues[2 * i];
            sb.append(name).append(": ").append(Redact.headerValue(name, namesAndValues[2 * i + 1])).append('\n');
        }
        return sb.toString();
    }

    /** Collects fields; each is checked as it is added. */
    public static final class Builder {
        private String[] namesAndValues = new String[16];
        private int size;
        /**
         * Whether {@link #build} handed the array to a Headers: it is then copied before the next
         * change (copy on write), so the usual build-once costs no copy and Headers stay immutable.
         */
        private boolean shared;

        private Builder() {
        }

        /**
         * Adds a field (a name may repeat). The value is trimmed.
         *
         * @param name an RFC 9110 token
         * @param value visible ASCII, space and tab; may be empty
         * @return this builder
         * @throws IllegalArgumentException if the name is not a token, or the value is null or holds CR, LF, another control character or non-ASCII (the message never shows the value)
         */
        public Builder add(String name, String value) {
            checkName(name);
            checkValue(name, value);
            if (2 * size + 2 > namesAndValues.length) {
                namesAndValues = Arrays.copyOf(namesAndValues, Math.max(16, namesAndValues.length * 2));
                shared = false;
            } else if (shared) {
                namesAndValues = namesAndValues.clone();
                shared = false;
            }
            namesAndValues[2 * size] = name;
            namesAndValues[2 * size + 1] = value.trim();
            size++;
            return this;
        }

        /**
         * Replaces every field of a name with one.
         *
         * @param name an RFC 9110 token
         * @param value visible ASCII, space and tab; may be empty
         * @return this builder
         * @throws IllegalArgumentException as {@link #add}
         */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        /**
         * Removes every field of a name.
         *
         * @param name the name, any case
         * @return this builder
         */
        public Builder remove(String name) {
            if (shared) {
                namesAndValues = namesAndValues.clone();
                shared = false;
            }
            int w = 0;
            for (int i = 0; i < size; i++) {
                if (!namesAndValues[2 * i].equalsIgnoreCase(name)) {
                    namesAndValues[2 * w] = namesAndValues[2 * i];
                    namesAndValues[2 * w + 1] = namesAndValues[2 * i + 1];
                    w++;
                }
            }
            Arrays.fill(namesAndValues, 2 * w, 2 * size, null);
            size = w;
            return this;
        }

        /**
         * Builds the headers; the builder may go on being used.
         *
         * @return the immutable headers
         */
        public Headers build() {
            shared = true;
            return new Headers(namesAndValues, size);
        }
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name: " + quote(name) + " (expected: a non-empty token)");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTchar(name.charAt(i))) {
                throw new IllegalArgumentException("header name: " + quote(name) + " (expected: token characters only, "
                        + "found " + escape(name.charAt(i)) + " at index " + i + "; CR, LF and separators are refused)");
            }
        }
    }

    static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + ": null (expected: a value, possibly empty)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                // The value itself is not echoed: it may be a credential.
                throw new IllegalArgumentException("header " + name + ": refused (expected: visible ASCII, space and tab"
                        + " only, found " + escape(c) + " at index " + i + "; CR or LF in a value would inject headers,"
                        + " and anything beyond ASCII has no agreed encoding)");
            }
        }
    }

    /**
     * Whether a character may appear in a header name (RFC 9110 {@code tchar}).
     *
     * @param c the character
     * @return true for a token character
     */
    public static boolean isTchar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    /** RFC 9110 {@code tchar} by ASCII code: a table, as every name of every head is checked a character at a time. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    private static String escape(char c) {
        if (c == '\r') {
            return "\\r";
        }
        if (c == '\n') {
            return "\\n";
        }
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format(Locale.ROOT, "\\u%04x", (int) c);
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : escape(c));
        }
        return sb.append(s.length() > 64 ? "...\"" : "\"").toString();
    }
}
