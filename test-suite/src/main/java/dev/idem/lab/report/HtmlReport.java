package dev.idem.lab.report;

import dev.idem.lab.Databases;
import dev.idem.lab.race.Report;
import dev.idem.lab.race.Result;
import dev.idem.lab.race.Scenario;
import dev.idem.lab.race.Strategy;
import dev.idem.lab.scenario.Scenarios;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a race {@link Report} as one self-contained HTML page. First the summary a reader looks for:
 * scenario x strategy against database, each cell the verdict of every transaction mode, green or red.
 * Then per scenario two charts side by side, both grouped by database: the share of callers who got a
 * wrong answer (a duplicate row or an error), and what each run cost (throughput, p50 and p99 latency);
 * then the table of every measurement. No scripts, no external resources.
 */
public final class HtmlReport {

    private static final int LABEL_WIDTH = 230;
    private static final int BAR_WIDTH = 300;
    private static final int ROW_HEIGHT = 22;
    private static final int GROUP_GAP = 30;
    private static final String GOOD = "#1a7f1a";
    private static final String BAD = "#b00020";
    private static final Map<String, String> COLORS = Map.ofEntries(
            Map.entry("naive", "#d62728"), Map.entry("naive-unique", "#ff7f0e"), Map.entry("catch-reselect", "#e6a700"),
            Map.entry("lock-parent", "#9467bd"), Map.entry("idem", "#2ca02c"), Map.entry("idem-hibernate", "#17becf"),
            // counter and transfer
            Map.entry("atomic-expression", "#bcbd22"), Map.entry("for-update", "#e377c2"), Map.entry("idem-update", "#2ca02c"),
            Map.entry("idem-increment", "#98df8a"), Map.entry("lock-in-call-order", "#9467bd"), Map.entry("serializable-no-retry", "#e6a700"),
            // claim-next
            Map.entry("filtered-update", "#8c564b"));

    private HtmlReport() {
    }

    public static String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Idem race lab</title>
                <style>
                body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222;max-width:1400px}
                h1{margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ccc}
                table{border-collapse:collapse;font-size:13px;margin-top:1em} th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
                td.n{text-align:right;font-variant-numeric:tabular-nums} .bad{color:#b00020;font-weight:600} .good{color:#1a7f1a;font-weight:600}
                .note{color:#555;font-size:12px;max-width:420px} .muted{color:#666} svg text{font-size:12px}
                table.summary th,table.summary td{border:1px solid #ddd;padding:4px 8px}
                table.summary td.cell{min-width:150px} table.summary td.pass{background:#e3f4e3} table.summary td.fail{background:#fbe3e6}
                .mode{display:block;white-space:nowrap} .mode b{display:inline-block;width:1.2em}
                .charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start} .charts h3{font-size:14px;margin:.5em 0}
                </style></head><body>
                <h1>Idem race lab</h1>
                """);
        long think = report.settings().think().toMillis();
        out.append("<p class=\"muted\">").append(report.settings().workers()).append(" workers released together by a barrier, ")
                .append(report.settings().rounds()).append(" rounds per run (get-or-create and links race for a fresh key each round, counter and transfer for the same rows, claims drain one shared backlog)")
                .append(think > 0 ? ", think time " + think + " ms" : "")
                .append(". Started ").append(esc(report.startedAt().toString())).append(".</p>\n<ul>\n");
        for (Databases.Status db : report.databases()) {
            out.append("<li><b>").append(esc(db.database())).append("</b>: ")
                    .append(esc(db.available() ? db.version() : "skipped. " + db.problem())).append("</li>\n");
        }
        out.append("</ul>\n");
        summary(out, report);
        for (Scenario scenario : Scenarios.all()) {
            List<Result> results = report.results().stream().filter(r -> r.run().scenario().equals(scenario.id())).toList();
            if (results.isEmpty()) {
                continue;
            }
            out.append("<h2>").append(esc(scenario.title())).append("</h2>\n<div class=\"charts\">\n<div><h3>")
                    .append("Wrong answers (a row of their own, or an error), in % of attempts</h3>\n");
            correctness(out, report, results);
            out.append("</div>\n<div><h3>Throughput and latency of the same runs</h3>\n");
            speed(out, report, results);
            out.append("</div>\n</div>\n");
            table(out, results);
        }
        return out.append("</body></html>\n").toString();
    }

    /**
     * Scenario x strategy rows, one column per database that ran: each cell lists the transaction modes with
     * their verdicts, green when every mode came out clean, red otherwise.
     */
    private static void summary(StringBuilder out, Report report) {
        List<String> databases = report.databases().stream().filter(Databases.Status::available).map(Databases.Status::database)
                .filter(db -> report.results().stream().anyMatch(r -> r.run().database().equals(db))).toList();
        if (databases.isEmpty()) {
            return;
        }
        out.append("<h2>Summary</h2>\n<p>Which strategies fail where: each cell lists the runs of a strategy on a database, one per"
                + " transaction mode, with their verdict (&#10003; one row per key, one creator, no error).</p>\n");
        out.append("<table class=\"summary\"><tr><th>scenario</th><th>strategy</th>");
        for (String db : databases) {
            out.append("<th>").append(esc(db)).append("</th>");
        }
        out.append("</tr>\n");
        for (Scenario scenario : Scenarios.all()) {
            List<Strategy> strategies = scenario.strategies().stream().filter(s -> report.results().stream()
                    .anyMatch(r -> r.run().scenario().equals(scenario.id()) && r.run().strategy().equals(s.id()))).toList();
            for (int i = 0; i < strategies.size(); i++) {
                Strategy strategy = strategies.get(i);
                out.append("<tr>");
                if (i == 0) {
                    out.append("<th rowspan=\"").append(strategies.size()).append("\">").append(esc(scenario.id())).append("</th>");
                }
                out.append("<td title=\"").append(esc(strategy.description())).append("\">")
                        .append(strategy.raceFree() ? "<b>" + esc(strategy.id()) + "</b>" : esc(strategy.id())).append("</td>");
                for (String db : databases) {
                    List<Result> runs = report.results().stream().filter(r -> r.run().database().equals(db)
                            && r.run().scenario().equals(scenario.id()) && r.run().strategy().equals(strategy.id())).toList();
                    if (runs.isEmpty()) {
                        out.append("<td class=\"cell muted\">not run</td>");
                        continue;
                    }
                    boolean pass = runs.stream().allMatch(Result::clean);
                    out.append("<td class=\"cell ").append(pass ? "pass" : "fail").append("\">");
                    for (Result r : runs) {
                        out.append("<span class=\"mode\" title=\"").append(esc(r.note())).append("\"><b class=\"")
                                .append(r.clean() ? "good\">&#10003;" : "bad\">&#10007;").append("</b>")
                                .append(esc(r.run().isolation())).append(r.clean() ? "" : ": <span class=\"bad\">" + r.verdict().id() + "</span>")
                                .append("</span>");
                    }
                    out.append("</td>");
                }
                out.append("</tr>\n");
            }
        }
        out.append("</table>\n");
    }

    private static void correctness(StringBuilder out, Report report, List<Result> results) {
        int y = chartStart(out, report, results, LABEL_WIDTH + BAR_WIDTH + 230);
        for (String db : databases(report, results)) {
            y += GROUP_GAP;
            out.append(text(4, y - 8, db, "font-weight=\"bold\" font-size=\"14\""));
            for (Result r : of(results, db)) {
                long attempts = r.callers().attempts();
                double pct = attempts == 0 ? 100 : 100.0 * Math.min(r.failures(), attempts) / attempts;
                int bar = Math.max((int) Math.round(pct / 100 * BAR_WIDTH), 2);
                out.append(text(LABEL_WIDTH - 8, y + 15, r.run().strategy() + " \u00b7 " + r.run().isolation(), "text-anchor=\"end\""));
                out.append(rect(LABEL_WIDTH, y + 3, bar, ROW_HEIGHT - 6, COLORS.getOrDefault(r.run().strategy(), "#7f7f7f"),
                        r.failures() + " of " + attempts));
                String label = r.rows().amounts() != null
                        ? (r.clean() ? "0 \u2014 " : String.format(Locale.ROOT, "%.1f%%  (", pct)) + r.rows().amounts().describe()
                                + String.format(Locale.ROOT, ", %d errors", r.callers().errorCount()) + (r.clean() ? "" : ")")
                        : r.clean() ? "0 \u2014 one row, no error"
                        : String.format(Locale.ROOT, "%.1f%%  (%d dup rows, %d errors)", pct, r.rows().duplicates(), r.callers().errorCount());
                out.append(text(LABEL_WIDTH + bar + 6, y + 15, label, "fill=\"" + (r.clean() ? GOOD : BAD) + "\""));
                y += ROW_HEIGHT;
            }
        }
        chartEnd(out, LABEL_WIDTH, y);
    }

    /**
     * The same rows as the correctness chart beside it, without their labels: a throughput bar (scaled to
     * the scenario's fastest run), and a latency bar, p99 light and p50 dark over it (scaled to the
     * scenario's highest p99), with the numbers beside.
     */
    private static void speed(StringBuilder out, Report report, List<Result> results) {
        int x = 10;
        int width = 150;
        int latencyX = x + width + 60;
        int y = chartStart(out, report, results, latencyX + width + 120);
        double maxThroughput = results.stream().mapToDouble(r -> r.timing().throughput()).max().orElse(1);
        double maxP99 = results.stream().mapToDouble(r -> r.timing().p99Millis()).max().orElse(1);
        for (String db : databases(report, results)) {
            y += GROUP_GAP;
            out.append(text(x, y - 8, "attempts/s", "fill=\"#666\""));
            out.append(text(latencyX, y - 8, "ms: p50 dark, p99 light", "fill=\"#666\""));
            for (Result r : of(results, db)) {
                Result.Timing t = r.timing();
                String what = r.run().database() + " " + r.run().strategy() + " " + r.run().isolation() + ": ";
                int bar = Math.max((int) Math.round(t.throughput() / Math.max(maxThroughput, 1e-9) * width), 2);
                out.append(rect(x, y + 3, bar, ROW_HEIGHT - 6, COLORS.getOrDefault(r.run().strategy(), "#7f7f7f"),
                        what + String.format(Locale.ROOT, "%.0f attempts/s", t.throughput())));
                out.append(text(x + bar + 4, y + 15, String.format(Locale.ROOT, "%.0f", t.throughput()), ""));
                int p99 = Math.max((int) Math.round(t.p99Millis() / Math.max(maxP99, 1e-9) * width), 2);
                int p50 = Math.max((int) Math.round(t.p50Millis() / Math.max(maxP99, 1e-9) * width), 1);
                out.append(rect(latencyX, y + 3, p99, ROW_HEIGHT - 6, "#c9d6ea", what + "p99 " + t.p99Millis() + " ms"));
                out.append(rect(latencyX, y + 3, p50, ROW_HEIGHT - 6, "#3b5b92", what + "p50 " + t.p50Millis() + " ms"));
                out.append(text(latencyX + p99 + 4, y + 15, String.format(Locale.ROOT, "%.2f / %.2f", t.p50Millis(), t.p99Millis()), ""));
                y += ROW_HEIGHT;
            }
        }
        out.append("</svg>\n");
    }

    private static int chartStart(StringBuilder out, Report report, List<Result> results, int width) {
        int height = databases(report, results).size() * GROUP_GAP + results.size() * ROW_HEIGHT + 20;
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\">\n");
        return 0;
    }

    private static void chartEnd(StringBuilder out, int x, int y) {
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n", x, x, y + 4));
        out.append("</svg>\n");
    }

    private static List<String> databases(Report report, List<Result> results) {
        return report.databases().stream().map(Databases.Status::database)
                .filter(db -> results.stream().anyMatch(r -> r.run().database().equals(db))).toList();
    }

    private static List<Result> of(List<Result> results, String database) {
        return results.stream().filter(r -> r.run().database().equals(database)).toList();
    }

    private static void table(StringBuilder out, List<Result> results) {
        out.append("<table><tr><th>database</th><th>strategy</th><th>isolation</th><th>attempts</th><th>dup rows</th>"
                + "<th>split rounds</th><th>totals</th><th>errors</th><th>ops/s</th><th>p50 ms</th><th>p99 ms</th><th>verdict</th><th>note</th></tr>\n");
        for (Result r : results) {
            out.append("<tr><td>").append(esc(r.run().database())).append("</td><td>").append(esc(r.run().strategy())).append("</td><td>")
                    .append(esc(r.run().isolation())).append("</td>")
                    .append(num(r.callers().attempts())).append(num(r.rows().duplicates())).append(num(r.callers().splitRounds()))
                    .append("<td>").append(r.rows().amounts() == null ? "" : esc(r.rows().amounts().describe())).append("</td>")
                    .append("<td title=\"").append(esc(String.join("\n", r.callers().errorSamples().values()))).append("\">")
                    .append(esc(TextReport.errors(r.callers().errors()))).append("</td>")
                    .append(String.format(Locale.ROOT, "<td class=\"n\">%.0f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>",
                            r.timing().throughput(), r.timing().p50Millis(), r.timing().p99Millis()))
                    .append("<td class=\"").append(r.clean() ? "good" : "bad").append("\">").append(r.verdict().id()).append("</td>")
                    .append("<td class=\"note\">").append(esc(r.deliveries() == null ? r.note()
                            : TextReport.deliveries(r.deliveries()) + (r.note().isEmpty() ? "" : "; " + r.note()))).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static String rect(int x, int y, int width, int height, String fill, String title) {
        return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                x, y, width, height, fill, esc(title));
    }

    private static String num(long n) {
        return "<td class=\"n\">" + n + "</td>";
    }

    private static String text(int x, int y, String s, String attributes) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" " + attributes + ">" + esc(s) + "</text>\n";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
