package dev.tether.cli.lab;

import java.util.Locale;

/** The table a person reads: one block per scenario, one row per client, then the sentence; then what was skipped and why. */
public final class TextReport {
    private static final int WIDTH = 100;

    private TextReport() {
    }

    public static String render(LabReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "tether lab%s: %s in %.1f s, every server on 127.0.0.1%n%n",
                report.quick() ? " --quick" : "", Format.count(report.scenarios().size(), "scenario"), report.durationMs() / 1e3));
        sb.append(String.format("    %-12s %5s %7s %4s %7s %11s %10s %8s%n", "client", "sent", "failed", "dup", "opened",
                "CLOSE_WAIT", "TIME_WAIT", "recover"));
        for (ScenarioResult s : report.scenarios()) {
            sb.append(String.format("%n%2d  %s%n", s.number(), s.title()));
            for (ClientResult c : s.clients()) {
                sb.append(String.format("    %-12s %5d %7d %4d %7s %11s %10s %8s%n", c.client(), c.sent(), c.failed(),
                        c.duplicates(), c.opened() < 0 ? "n/a" : Integer.toString(c.opened()),
                        c.closeWait() < 0 ? "n/a" : Integer.toString(c.closeWait()),
                        c.timeWait() == null ? "-" : c.timeWait() < 0 ? "n/a" : c.timeWait().toString(), Format.ms(c.recoverMs())));
            }
            for (String line : Format.wrap(s.explanation(), WIDTH - 6)) {
                sb.append("    ").append(line).append(System.lineSeparator());
            }
        }
        for (LabReport.Skipped skip : report.skipped()) {
            sb.append(System.lineSeparator());
            for (String line : Format.wrap(skip.reason(), WIDTH - 4)) {
                sb.append("    ").append(line).append(System.lineSeparator());
            }
        }
        sb.append(String.format("%nsent/failed: requests the application made and errors it saw; dup: POSTs or INCRs applied twice;"
                + "%nopened: connections the server accepted (databases: sessions the client opened); CLOSE_WAIT: most dead"
                + "%nsockets the client held (100 ms+) at once;"
                + "%nrecover: longest time from a failure to the next success (\"-\": nothing failed).%n"));
        return sb.toString();
    }
}
