package dev.tether.cli.lab;

/** How the lab writes numbers in its table and its sentences; one place, so they all read alike. */
public final class Format {
    private Format() {
    }

    /** How a number of requests reads in a sentence. */
    public static String requests(int n) {
        return n + (n == 1 ? " request" : " requests");
    }

    /** A time in ms as a person reads it: "35 ms", "2.5 s", "12 s"; "-" for none and "never" for a negative one. */
    public static String ms(Long ms) {
        if (ms == null) {
            return "-";
        }
        if (ms < 0) {
            return "never";
        }
        return ms >= 10_000 ? (ms / 1000) + " s" : ms >= 1000 ? String.format("%.1f s", ms / 1000.0) : ms + " ms";
    }
}
