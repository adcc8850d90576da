package dev.tether.pool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pool as a table, the way {@code lsof -i} shows a process's sockets: one line per connection
 * with its route, local port, state, age, idle time, uses, and when and why it will be closed,
 * after one line per route with its counts and closes by reason. Durations are in seconds with
 * one decimal (the dump is for eyes; {@link PoolView} holds the nanoseconds).
 *
 * <pre>
 * pool "api" (http): 1 leased, 2 idle, 0 opening, 0 waiting; opened 4, closed 1 (peer-closed 1)
 * ROUTE                   LPORT  STATE   AGE    IDLE  USES  CLOSES-IN  SET-BY
 * tcp://127.0.0.1:8080    41702  LEASED  12.0s  -        3  48.0s      lifetime
 * tcp://127.0.0.1:8080    41706  IDLE     8.5s  2.5s     1  2.5s       keep-alive
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class PoolDump {
    private static final String[] HEAD = {"ROUTE", "LPORT", "STATE", "AGE", "IDLE", "USES", "CLOSES-IN", "SET-BY"};
    /** Right-aligned columns (numbers). */
    private static final boolean[] RIGHT = {false, true, false, true, true, true, false, false};

    private PoolDump() {
    }

    /**
     * The dump of {@code view}: a summary line, then the table, connections sorted by route, then
     * state (leased first), then age (oldest first). Lines end with {@code \n}.
     *
     * @param view a snapshot, from {@link Inspectable#poolView()}
     * @return the dump, never empty (a pool without connections gets the summary and the header)
     */
    public static String render(PoolView view) {
        StringBuilder out = new StringBuilder();
        out.append("pool \"").append(view.name()).append("\" (").append(view.kind()).append("): ")
                .append(view.leased()).append(" leased, ").append(view.idle()).append(" idle, ")
                .append(view.opening()).append(" opening, ").append(view.waiting()).append(" waiting; opened ")
                .append(view.opened()).append(", closed ").append(view.closed()).append(reasons(view.closedByReason()))
                .append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(HEAD);
        List<PoolView.ConnectionView> cs = new ArrayList<>(view.connections());
        cs.sort(Comparator.comparing(PoolView.ConnectionView::route)
                .thenComparing(c -> c.state() != PoolView.State.LEASED)
                .thenComparing(PoolView.ConnectionView::ageNanos, Comparator.reverseOrder()));
        for (PoolView.ConnectionView c : cs) {
            rows.add(new String[] {c.route(), c.localPort() < 0 ? "-" : Integer.toString(c.localPort()),
                    c.state().name(), seconds(c.ageNanos()), c.idleNanos() < 0 ? "-" : seconds(c.idleNanos()),
                    Integer.toString(c.uses()), c.closeSetBy() == null ? "never" : seconds(Math.max(0, c.closesInNanos())),
                    c.closeSetBy() == null ? "-" : c.closeSetBy().label()});
        }
        int[] width = new int[HEAD.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                String pad = " ".repeat(width[i] - cell.length());
                line.append(RIGHT[i] && r != HEAD ? pad + cell : cell + pad);
                if (i < r.length - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /**
     * Prints {@link #render(PoolView)} to {@code out}.
     *
     * @param view a snapshot
     * @param out  where to print
     */
    public static void print(PoolView view, PrintStream out) {
        out.print(render(view));
        out.flush();
    }

    /**
     * A duration as the dump and {@code tether top} show it: seconds with one decimal, such as {@code 12.5s}.
     *
     * @param nanos a duration in nanoseconds, not negative
     * @return the text
     */
    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    /**
     * Closes by reason as the summary line shows them: {@code " (peer-closed 3, idle-expired 1)"}, or empty.
     *
     * @param closed closes by reason
     * @return the text, with a leading space, or empty when there were none
     */
    public static String reasons(Map<Reason, Long> closed) {
        if (closed.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        for (Reason r : Reason.values()) {
            Long n = closed.get(r);
            if (n != null && n > 0) {
                b.append(b.length() > 2 ? ", " : "").append(r.name().toLowerCase(Locale.ROOT).replace('_', '-')).append(' ').append(n);
            }
        }
        return b.append(')').toString();
    }
}
