package dev.tether.cli.probe;

import dev.tether.cli.lab.Format;

import java.util.List;
import java.util.Locale;

/** How every probe's text report is laid out: rows of facts, then the settings that fit and the sentences that say why. */
final class ProbeText {
    private ProbeText() {
    }

    /** The first line: what was probed, how long it took, how many connections it opened. */
    static void header(StringBuilder sb, String target, long durationMs, int connections) {
        sb.append("tether probe ").append(target).append(String.format(Locale.ROOT, " (%.1f s, %s)%n", durationMs / 1e3,
                Format.count(connections, "connection")));
    }

    /** The row of an idle timeout measured by {@link IdleSearch}, with its rounds. */
    static void measuredIdle(StringBuilder sb, IdleSearch.Result idle, long maxIdleMs) {
        row(sb, "idle timeout (measured)", idle.describe(maxIdleMs) + ", " + idle.rounds()
                + (idle.rounds() == 1 ? " round" : " rounds"));
    }

    /** A row of facts: {@code name:} in a column of 26, then the value. */
    static void row(StringBuilder sb, String name, String value) {
        sb.append(String.format("  %-26s %s%n", name + ":", value));
    }

    /** The advice: the code as it is (several lines, or null), then each sentence wrapped at 98. */
    static void advice(StringBuilder sb, String code, List<String> sentences) {
        sb.append(String.format("%nSuggested tether settings:%n"));
        if (code != null) {
            code.lines().forEach(line -> sb.append("  ").append(line).append(System.lineSeparator()));
        }
        for (String sentence : sentences) {
            for (String line : Format.wrap(sentence, 98)) {
                sb.append("  ").append(line).append(System.lineSeparator());
            }
        }
    }
}
