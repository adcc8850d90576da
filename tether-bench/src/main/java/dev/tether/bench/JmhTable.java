package dev.tether.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns JMH's CSV results ({@code -rf csv -rff FILE}) into the Markdown tables of BENCHMARKS.md:
 * one row per benchmark and parameter set, one column per thread count, score ± JMH's 99.9 %
 * error; the allocation per operation ({@code -prof gc}'s {@code gc.alloc.rate.norm}) and the
 * sampled percentiles p50/p99 become columns of their own row, the other secondary metrics are
 * left out (they are rates of the whole JVM, not of the benchmark). Used by {@code run-all}.
 *
 * <pre>
 * java -cp tether-bench/target/benchmarks.jar dev.tether.bench.JmhTable results-t1.csv results-t8.csv ...
 * </pre>
 */
public final class JmhTable {

    private JmhTable() {
    }

    public static void main(String[] args) throws IOException {
        // row label -> thread count -> cell
        Map<String, Map<Integer, String>> rows = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        TreeSet<Integer> threadCounts = new TreeSet<>();
        for (String file : args) {
            List<String> lines = Files.readAllLines(Path.of(file));
            if (lines.isEmpty()) {
                continue;
            }
            List<String> header = parse(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = parse(line);
                if (f.size() < 7) {
                    continue;
                }
                String bench = f.get(0);
                String metric = "";
                int colon = bench.indexOf(':');
                if (colon >= 0) {
                    metric = bench.substring(colon + 1).replace("·", "").replace("\u00b7", "");
                    bench = bench.substring(0, colon);
                    if (!metric.equals("gc.alloc.rate.norm") && !metric.equals("p0.50") && !metric.equals("p0.99")) {
                        continue;
                    }
                }
                String[] parts = bench.split("\\.");
                String shortName = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : bench;
                StringBuilder params = new StringBuilder();
                for (int i = 7; i < f.size() && i < header.size(); i++) {
                    if (!f.get(i).isEmpty()) {
                        params.append(params.length() == 0 ? "" : ", ")
                                .append(header.get(i).replace("Param: ", "")).append('=').append(f.get(i));
                    }
                }
                String label = "`" + shortName + "`" + (metric.isEmpty() ? "" : " " + metric) + " | " + params;
                int threads = Integer.parseInt(f.get(2));
                threadCounts.add(threads);
                double score = Double.parseDouble(f.get(4));
                String error = f.get(5);
                String cell = format(score);
                if (!error.isEmpty() && !error.equals("NaN") && metric.isEmpty()) {
                    cell += " ± " + format(Double.parseDouble(error));
                }
                rows.computeIfAbsent(label, k -> new LinkedHashMap<>()).put(threads, cell);
                units.put(label, f.get(6));
            }
        }
        StringBuilder head = new StringBuilder("| benchmark | parameters | unit |");
        StringBuilder rule = new StringBuilder("| --- | --- | --- |");
        for (int t : threadCounts) {
            head.append(' ').append(t).append(t == 1 ? " thread |" : " threads |");
            rule.append(" ---: |");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Map.Entry<String, Map<Integer, String>> e : rows.entrySet()) {
            StringBuilder sb = new StringBuilder("| ").append(e.getKey()).append(" | ").append(units.get(e.getKey())).append(" |");
            for (int t : threadCounts) {
                sb.append(' ').append(e.getValue().getOrDefault(t, "-")).append(" |");
            }
            System.out.println(sb);
        }
    }

    /** Three significant figures at least, thousands separated: what the tables of BENCHMARKS.md show. */
    private static String format(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** One CSV line as JMH writes it: fields in double quotes or bare, commas between. */
    private static List<String> parse(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
