package dev.tether.cli.lab;

/**
 * The lab run as one standalone HTML page: styles, data and the script that draws the charts are
 * inline, and nothing is fetched. The tables are plain HTML; one timeline chart per scenario is
 * drawn as SVG by the inline script from the embedded JSON. When the charts are drawn the script
 * marks each chart {@code data-rendered="true"} and writes which ones it drew in
 * {@code #render-status} (what the headless-browser test reads); an error goes there and to the console.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    public static String render(LabReport report) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.append("<title>tether lab</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>tether lab</h1>\n<p class=\"meta\">").append(report.scenarios().size()).append(" scenarios")
                .append(report.quick() ? " (--quick)" : "").append(", ").append(String.format("%.1f", report.durationMs() / 1e3))
                .append(" s, started ").append(esc(report.startedAt()))
                .append(". Every server, proxy and client ran in one JVM on 127.0.0.1 (the TCP keepalive part of the blackhole, when"
                        + " it ran, in a child JVM in a private network namespace; the Redis scenarios against redis-server processes"
                        + " the lab started, or the server named with --redis).</p>\n");
        sb.append("<p class=\"legend\"><span class=\"k ok\"></span>request answered <span class=\"k fail\"></span>request failed"
                + " <span class=\"k idle\"></span>connections idle <span class=\"k leased\"></span>connections in use"
                + " <span class=\"k fault\"></span>fault injected <span class=\"k notice\"></span>what a client found out,"
                + " e.g. by TCP keepalive (hover for details)</p>\n");
        sb.append("<p id=\"render-status\">charts not drawn (the page's script did not run)</p>\n");
        for (ScenarioResult s : report.scenarios()) {
            sb.append("<section id=\"s-").append(esc(s.id())).append("\">\n<h2>").append(s.number()).append(". ")
                    .append(esc(s.title())).append("</h2>\n<p class=\"fault\">Fault: ").append(esc(s.fault())).append("</p>\n");
            sb.append("<div class=\"chart\" id=\"chart-").append(esc(s.id())).append("\" data-chart=\"").append(esc(s.id()))
                    .append("\"></div>\n");
            sb.append("<table>\n<thead><tr><th>client</th><th>sent</th><th>failed</th><th>duplicates</th><th>opened</th>"
                    + "<th>CLOSE_WAIT</th><th>TIME_WAIT</th><th>recover</th><th>detail</th></tr></thead>\n<tbody>\n");
            for (ClientResult c : s.clients()) {
                sb.append("<tr><td>").append(esc(c.client())).append("</td><td>").append(c.sent()).append("</td><td class=\"")
                        .append(c.failed() > 0 ? "bad" : "good").append("\">").append(c.failed()).append("</td><td class=\"")
                        .append(c.duplicates() > 0 ? "bad" : "good").append("\">").append(c.duplicates()).append("</td><td>")
                        .append(c.opened() < 0 ? "n/a" : c.opened()).append("</td><td>").append(c.closeWait() < 0 ? "n/a" : c.closeWait()).append("</td><td>")
                        .append(c.timeWait() == null ? "-" : c.timeWait()).append("</td><td>").append(esc(Format.ms(c.recoverMs())))
                        .append("</td><td>").append(esc(c.detail() == null ? "" : c.detail())).append("</td></tr>\n");
            }
            sb.append("</tbody>\n</table>\n<p class=\"why\">").append(esc(s.explanation())).append("</p>\n");
            for (ClientResult c : s.clients()) {
                if (c.firstError() != null) {
                    sb.append("<details><summary>first error ").append(esc(c.client())).append(" saw</summary><pre>")
                            .append(esc(c.firstError())).append("</pre></details>\n");
                }
            }
            sb.append("</section>\n");
        }
        for (LabReport.Skipped skip : report.skipped()) {
            sb.append("<p class=\"skipped\">").append(esc(skip.reason())).append("</p>\n");
        }
        String json = JsonReport.compact(report).replace("</", "<\\/").replace("<!--", "<\\!--");
        sb.append("<script type=\"application/json\" id=\"lab-data\">").append(json).append("</script>\n");
        sb.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return sb.toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1000px; color: #1d232a; padding: 0 12px; }
            h1 { margin-bottom: 0; } h2 { margin-top: 36px; font-size: 18px; }
            .meta, .fault, .skipped { color: #5a6570; } .why { max-width: 900px; }
            table { border-collapse: collapse; margin: 8px 0; }
            th, td { border-bottom: 1px solid #dde2e6; padding: 3px 10px; text-align: right; }
            th:first-child, td:first-child, td:last-child, th:last-child { text-align: left; }
            td.bad { color: #b3261e; font-weight: 600; } td.good { color: #1e7b34; }
            pre { white-space: pre-wrap; background: #f4f6f8; padding: 8px; font-size: 12px; }
            .chart svg { border: 1px solid #dde2e6; background: #fff; max-width: 100%; height: auto; }
            .chart rect.ok { fill: #2e9e4f; } .chart rect.fail { fill: #d93025; }
            .chart path.idle { stroke: #1a73e8; fill: none; stroke-width: 1.5; }
            .chart path.leased { stroke: #f29900; fill: none; stroke-width: 1.5; }
            .chart line.fault { stroke: #d93025; stroke-dasharray: 4 3; stroke-width: 1.5; }
            .chart circle.notice { fill: #1a73e8; stroke: #fff; stroke-width: 1; }
            .chart line.grid { stroke: #eef1f3; } .chart line.base { stroke: #c6ccd2; }
            .chart text.tick { font-size: 10px; fill: #5a6570; text-anchor: middle; } .chart text.lane { font-size: 12px; fill: #1d232a; }
            .legend .k { display: inline-block; width: 14px; height: 8px; margin: 0 4px 0 12px; }
            .k.ok { background: #2e9e4f; } .k.fail { background: #d93025; } .k.idle { background: #1a73e8; height: 2px; }
            .k.leased { background: #f29900; height: 2px; } .k.fault { border-left: 2px dashed #d93025; width: 0; height: 12px; } .k.notice { background: #1a73e8; border-radius: 50%; width: 9px; height: 9px; }
            #render-status { font-size: 12px; color: #5a6570; }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              var NS = 'http://www.w3.org/2000/svg';
              var status = document.getElementById('render-status');
              function el(name, attrs, parent) {
                var e = document.createElementNS(NS, name);
                for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
                if (parent) { parent.appendChild(e); }
                return e;
              }
              function label(parent, x, y, s, cls) {
                var t = el('text', { x: x, y: y, 'class': cls }, parent);
                t.textContent = s;
                return t;
              }
              function niceStep(span) {
                var steps = [100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 30000, 60000];
                for (var i = 0; i < steps.length; i++) { if (span / steps[i] <= 12) { return steps[i]; } }
                return 120000;
              }
              function draw(sc) {
                var box = document.getElementById('chart-' + sc.id);
                if (!box) { throw new Error('no chart element for ' + sc.id); }
                var W = 960, left = 100, right = 16, laneH = 72, top = 14;
                var H = top + sc.clients.length * laneH + 22;
                var span = Math.max(sc.durationMs, 1);
                sc.clients.forEach(function (c) {
                  c.events.forEach(function (e) { span = Math.max(span, e.end); });
                  c.samples.forEach(function (s) { span = Math.max(span, s.t); });
                });
                function x(t) { return left + (W - left - right) * t / span; }
                var svg = el('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' }, null);
                var step = niceStep(span);
                for (var t = 0; t <= span; t += step) {
                  el('line', { x1: x(t), x2: x(t), y1: top - 4, y2: H - 18, 'class': 'grid' }, svg);
                  label(svg, x(t), H - 5, (t / 1000).toFixed(step < 1000 ? 1 : 0) + ' s', 'tick');
                }
                sc.clients.forEach(function (c, i) {
                  var y0 = top + i * laneH, yb = y0 + laneH - 8, band = 24;
                  label(svg, 6, y0 + 22, c.client, 'lane');
                  el('line', { x1: left, x2: W - right, y1: yb, y2: yb, 'class': 'base' }, svg);
                  var maxConn = 1;
                  c.samples.forEach(function (s) { maxConn = Math.max(maxConn, s.idle + s.leased); });
                  ['idle', 'leased'].forEach(function (key) {
                    var d = '';
                    c.samples.forEach(function (s, j) {
                      var yy = (yb - band * s[key] / maxConn).toFixed(1), xx = x(s.t).toFixed(1);
                      d += j === 0 ? 'M' + xx + ' ' + yy : ' H' + xx + ' V' + yy;
                    });
                    if (d) { el('title', {}, el('path', { d: d, 'class': key }, svg)).textContent = 'connections ' + key; }
                  });
                  c.events.forEach(function (e) {
                    if (e.kind === 'ok' || e.kind === 'fail') {
                      var r = el('rect', { x: x(e.t), y: y0 + 8 + (e.kind === 'fail' ? 14 : 0), width: Math.max(2, x(e.end) - x(e.t)), height: 9, 'class': e.kind }, svg);
                      el('title', {}, r).textContent = (e.t / 1000).toFixed(3) + ' s: ' + e.label;
                    } else if (e.kind === 'fault') {
                      var l = el('line', { x1: x(e.t), x2: x(e.t), y1: y0 + 2, y2: yb, 'class': 'fault' }, svg);
                      el('title', {}, l).textContent = (e.t / 1000).toFixed(3) + ' s: ' + e.label;
                    } else if (e.kind === 'notice') {
                      var m = el('circle', { cx: x(e.t), cy: y0 + 40, r: 4.5, 'class': 'notice' }, svg);
                      el('title', {}, m).textContent = (e.t / 1000).toFixed(3) + ' s: ' + e.label;
                    }
                  });
                });
                box.appendChild(svg);
                box.setAttribute('data-rendered', 'true');
              }
              try {
                var data = JSON.parse(document.getElementById('lab-data').textContent);
                var drawn = [];
                data.scenarios.forEach(function (sc) { draw(sc); drawn.push(sc.id); });
                status.textContent = 'rendered ' + drawn.length + ' of ' + data.scenarios.length + ' charts: ' + drawn.join(' ');
                document.documentElement.setAttribute('data-charts-rendered', String(drawn.length));
              } catch (err) {
                status.textContent = 'chart error: ' + err;
                console.error('tether lab report: ' + err);
              }
            })();
            """;
}
