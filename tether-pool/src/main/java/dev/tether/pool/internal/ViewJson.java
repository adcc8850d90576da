package dev.tether.pool.internal;

import dev.tether.pool.DeadlineSource;
import dev.tether.pool.PoolView;
import dev.tether.pool.Reason;
import dev.tether.pool.RetryOutcome;

import java.util.Map;

/**
 * A {@link PoolView} as JSON ({@code PoolMXBean.viewJson}), written by hand: the pool depends on
 * nothing but SLF4J. Durations are whole milliseconds; counts are numbers; absent values null.
 */
final class ViewJson {
    private ViewJson() {
    }

    static String of(PoolView v) {
        StringBuilder b = new StringBuilder(1024).append('{');
        field(b, "name", v.name()).append(',');
        field(b, "kind", v.kind()).append(',');
        b.append("\"maxTotal\":").append(v.maxTotal()).append(",\"maxPerKey\":").append(v.maxPerKey())
                .append(",\"idle\":").append(v.idle()).append(",\"leased\":").append(v.leased())
                .append(",\"opening\":").append(v.opening()).append(",\"waiting\":").append(v.waiting())
                .append(",\"opened\":").append(v.opened()).append(",\"closed\":").append(v.closed())
                .append(",\"closedByReason\":");
        reasons(b, v.closedByReason());
        b.append(",\"retries\":{");
        boolean first = true;
        for (RetryOutcome o : RetryOutcome.values()) { // in the enum's order: the JSON reads the same every time
            Long n = v.retries().get(o);
            if (n != null) {
                b.append(first ? "" : ",");
                first = false;
                string(b, o.label()).append(':').append(n);
            }
        }
        b.append("},\"routes\":[");
        first = true;
        for (PoolView.KeyView k : v.keys()) {
            b.append(first ? "{" : ",{");
            first = false;
            field(b, "route", k.route());
            b.append(",\"idle\":").append(k.idle()).append(",\"leased\":").append(k.leased())
                    .append(",\"opening\":").append(k.opening()).append(",\"waiting\":").append(k.waiting())
                    .append(",\"opened\":").append(k.opened()).append(",\"openFailed\":").append(k.openFailed())
                    .append(",\"closed\":").append(k.closed()).append(",\"closedByReason\":");
            reasons(b, k.closedByReason());
            b.append(",\"waits\":").append(k.waits()).append(",\"waitedMillis\":").append(k.waitedNanos() / 1_000_000)
                    .append(",\"maxWaitedMillis\":").append(k.maxWaitedNanos() / 1_000_000)
                    .append(",\"openMillis\":").append(k.openNanos() / 1_000_000)
                    .append(",\"maxOpenMillis\":").append(k.maxOpenNanos() / 1_000_000)
                    .append(",\"learnedIdleTimeoutMillis\":")
                    .append(k.learnedIdleTimeout() == null ? "null" : Long.toString(k.learnedIdleTimeout().toMillis()))
                    .append('}');
        }
        b.append("],\"connections\":[");
        first = true;
        for (PoolView.ConnectionView c : v.connections()) {
            b.append(first ? "{" : ",{");
            first = false;
            field(b, "route", c.route()).append(',');
            field(b, "connection", c.connection());
            b.append(",\"localPort\":").append(c.localPort()).append(",\"state\":\"").append(c.state()).append('"')
                    .append(",\"ageMillis\":").append(c.ageNanos() / 1_000_000)
                    .append(",\"idleMillis\":").append(c.idleNanos() < 0 ? "null" : Long.toString(c.idleNanos() / 1_000_000))
                    .append(",\"uses\":").append(c.uses())
                    .append(",\"closesInMillis\":").append(c.closeSetBy() == null ? "null" : Long.toString(c.closesInNanos() / 1_000_000))
                    .append(",\"closeSetBy\":");
            DeadlineSource s = c.closeSetBy();
            if (s == null) {
                b.append("null");
            } else {
                string(b, s.label());
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    private static void reasons(StringBuilder b, Map<Reason, Long> closed) {
        b.append('{');
        boolean first = true;
        for (Reason r : Reason.values()) {
            Long n = closed.get(r);
            if (n != null) {
                b.append(first ? "" : ",");
                first = false;
                string(b, r.name()).append(':').append(n);
            }
        }
        b.append('}');
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        string(b, name).append(':');
        return string(b, value);
    }

    private static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
