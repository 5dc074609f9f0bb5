package dev.idem.lab;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Report} as one self-contained HTML page: per scenario an SVG bar chart of the share
 * of callers who got a wrong answer (a duplicate row or an error), grouped by database, and the table
 * of every measurement. No scripts, no external resources.
 */
final class HtmlReport {

    private static final int LABEL_WIDTH = 250;
    private static final int BAR_WIDTH = 460;
    private static final int ROW_HEIGHT = 22;
    private static final int GROUP_GAP = 30;
    private static final Map<String, String> COLORS = Map.of(
            "naive", "#d62728", "naive-unique", "#ff7f0e", "catch-reselect", "#e6a700",
            "lock-parent", "#9467bd", "idem", "#2ca02c", "idem-hibernate", "#17becf");

    private HtmlReport() {
    }

    static String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Idem race lab</title>
                <style>
                body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222;max-width:1200px}
                h1{margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ccc}
                table{border-collapse:collapse;font-size:13px;margin-top:1em} th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
                td.n{text-align:right;font-variant-numeric:tabular-nums} .bad{color:#b00;font-weight:600} .good{color:#1a7f1a;font-weight:600}
                .note{color:#555;font-size:12px;max-width:420px} .muted{color:#666} svg text{font-size:12px}
                </style></head><body>
                <h1>Idem race lab</h1>
                """);
        out.append("<p class=\"muted\">").append(report.workers()).append(" workers released together by a barrier, ")
                .append(report.rounds()).append(" rounds per run, every round a fresh key")
                .append(report.thinkMillis() > 0 ? ", think time " + report.thinkMillis() + " ms" : "")
                .append(". Started ").append(esc(report.startedAt().toString())).append(".</p>\n<ul>\n");
        for (Report.DatabaseStatus db : report.databases()) {
            out.append("<li><b>").append(esc(db.database())).append("</b>: ")
                    .append(esc(db.available() ? db.version() : "skipped. " + db.problem())).append("</li>\n");
        }
        out.append("</ul>\n");
        for (Scenario scenario : Scenarios.all()) {
            List<Result> results = report.results().stream().filter(r -> r.scenario().equals(scenario.id())).toList();
            if (results.isEmpty()) {
                continue;
            }
            out.append("<h2>").append(esc(scenario.title())).append("</h2>\n");
            out.append("<p>Callers who got a wrong answer: a row of their own (a duplicate) or an error, in % of attempts.</p>\n");
            chart(out, report, results);
            table(out, results);
        }
        return out.append("</body></html>\n").toString();
    }

    private static void chart(StringBuilder out, Report report, List<Result> results) {
        List<String> databases = report.databases().stream().map(Report.DatabaseStatus::database)
                .filter(db -> results.stream().anyMatch(r -> r.database().equals(db))).toList();
        int height = databases.size() * GROUP_GAP + results.size() * ROW_HEIGHT + 30;
        int width = LABEL_WIDTH + BAR_WIDTH + 260;
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\">\n");
        int y = 0;
        for (String db : databases) {
            y += GROUP_GAP;
            out.append(text(4, y - 8, db, "font-weight=\"bold\" font-size=\"14\""));
            for (Result r : results.stream().filter(r -> r.database().equals(db)).toList()) {
                double pct = r.attempts() == 0 ? 100 : 100.0 * Math.min(r.failures(), r.attempts()) / r.attempts();
                int bar = (int) Math.round(pct / 100 * BAR_WIDTH);
                out.append(text(LABEL_WIDTH - 8, y + 15, r.strategy() + " \u00b7 " + r.isolation(), "text-anchor=\"end\""));
                out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                        LABEL_WIDTH, y + 3, Math.max(bar, 2), ROW_HEIGHT - 6, COLORS.getOrDefault(r.strategy(), "#7f7f7f"),
                        esc(r.failures() + " of " + r.attempts())));
                String label = r.clean() ? "0 \u2014 one row, no error"
                        : String.format(Locale.ROOT, "%.1f%%  (%d dup rows, %d errors)", pct, r.duplicates(), r.errorCount());
                out.append(text(LABEL_WIDTH + Math.max(bar, 2) + 6, y + 15, label, r.clean() ? "fill=\"#1a7f1a\"" : ""));
                y += ROW_HEIGHT;
            }
        }
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n", LABEL_WIDTH, LABEL_WIDTH, y + 4));
        out.append("</svg>\n");
    }

    private static void table(StringBuilder out, List<Result> results) {
        out.append("<table><tr><th>database</th><th>strategy</th><th>isolation</th><th>attempts</th><th>dup rows</th>"
                + "<th>split rounds</th><th>errors</th><th>ops/s</th><th>p50 ms</th><th>p99 ms</th><th>verdict</th><th>note</th></tr>\n");
        for (Result r : results) {
            out.append("<tr><td>").append(esc(r.database())).append("</td><td>").append(esc(r.strategy())).append("</td><td>")
                    .append(esc(r.isolation())).append("</td>")
                    .append(num(r.attempts())).append(num(r.duplicates())).append(num(r.splitRounds()))
                    .append("<td title=\"").append(esc(String.join("\n", r.errorSamples().values()))).append("\">")
                    .append(esc(TextReport.errors(r.errors()))).append("</td>")
                    .append(String.format(Locale.ROOT, "<td class=\"n\">%.0f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>",
                            r.throughput(), r.p50Millis(), r.p99Millis()))
                    .append("<td class=\"").append(r.clean() ? "good" : "bad").append("\">").append(r.verdict()).append("</td>")
                    .append("<td class=\"note\">").append(esc(r.note())).append("</td></tr>\n");
        }
        out.append("</table>\n");
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
