package dev.tether.http.internal;

/**
 * The members of a comma-separated field value ({@code Connection}, {@code Transfer-Encoding},
 * {@code Content-Length}), trimmed where they lie: no split, no copies. A member runs from a
 * position to the next comma or the end; these give its bounds without the white space around it.
 */
public final class FieldList {
    private FieldList() {
    }

    /** Where the next member ends (its comma, or the end of {@code v}), for a member starting at {@code from}. */
    public static int stop(String v, int from) {
        int comma = v.indexOf(',', from);
        return comma < 0 ? v.length() : comma;
    }

    /** The first character of the member in {@code [from, stop)} that is not white space (or {@code stop}). */
    public static int trimmedStart(String v, int from, int stop) {
        int a = from;
        while (a < stop && v.charAt(a) <= ' ') {
            a++;
        }
        return a;
    }

    /** One past the last character of the member in {@code [start, stop)} that is not white space (at least {@code start}). */
    public static int trimmedEnd(String v, int start, int stop) {
        int z = stop;
        while (z > start && v.charAt(z - 1) <= ' ') {
            z--;
        }
        return z;
    }
}
