package dev.tether.cli.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * How tether's output (the lab's tables and sentences, the probe's report) writes numbers, times
 * and paragraphs; one place, so they all read alike.
 */
public final class Format {
    private Format() {
    }

    /** How a number of requests reads in a sentence. */
    public static String requests(int n) {
        return count(n, "request");
    }

    /** A count and its noun, plural unless one: "1 scenario", "2 scenarios", "0 failures". */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * What two clients held in CLOSE_WAIT, as a sentence reads it from the measured counts (-1:
     * the socket table could not be read): "both held a dead socket in CLOSE_WAIT (1 and 1)" only
     * when both did.
     */
    public static String closeWait(String a, int aHeld, String b, int bHeld) {
        if (aHeld < 0 || bHeld < 0) {
            return "what they held in CLOSE_WAIT could not be read (no socket table here)";
        }
        if (aHeld > 0 && bHeld > 0) {
            return "both held a dead socket in CLOSE_WAIT (" + aHeld + " and " + bHeld + ")";
        }
        if (aHeld == 0 && bHeld == 0) {
            return "neither held a socket in CLOSE_WAIT (0 and 0)";
        }
        return (aHeld > 0 ? a : b) + " held " + count(Math.max(aHeld, bHeld), "dead socket") + " in CLOSE_WAIT, "
                + (aHeld > 0 ? b : a) + " none";
    }

    /** {@code text} in lines of at most {@code width} characters, broken between words (a longer word stands alone). */
    public static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
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
