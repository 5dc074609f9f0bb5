package dev.idem.lab.soak;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idem.lab.Databases;
import dev.idem.lab.Documents;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one soak found on each database, and its renderings: the terminal summary, the JSON document
 * {@value #SCHEMA} (fields documented in test-suite/RACE-LAB.md: add fields freely, a rename or a removal
 * needs a new schema name) and a self-contained HTML page.
 */
public record SoakReport(Instant startedAt, SoakSettings settings, List<Databases.Status> databases, List<SoakResult> results) {

    public static final String SCHEMA = "idem-race-lab-soak/1";

    /** True when every database ran, and none showed a violation or an unexpected error. */
    public boolean passed() {
        return databases.stream().allMatch(Databases.Status::available) && results.stream().allMatch(SoakResult::passed);
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Idem soak (%s): %s, %d workers per database, %d keys, seed %d%s%n",
                settings.naive() ? "the naive code, to show the check failing" : "Idem", limit(), settings.workers(), settings.keys(),
                settings.seed(), settings.parallel() ? ", databases in parallel" : ""));
        for (Databases.Status db : databases) {
            out.append('\n');
            if (!db.available()) {
                out.append(db.database()).append(": did not run. ").append(db.problem()).append('\n');
                continue;
            }
            SoakResult r = results.stream().filter(x -> x.database().equals(db.database())).findFirst().orElseThrow();
            out.append(String.format(Locale.ROOT, "%s (%s): %s%n", r.database(), r.version(), r.passed() ? "PASSED" : "FAILED"));
            out.append(String.format(Locale.ROOT, "  %,d operations in %.1f s: %,.0f/s; %,d retries asked for, %,d unknown outcomes, %,d errors;"
                    + " %,d claims found no row; %,d queue rows drained at the end%n", r.operations(), r.elapsedSeconds(), r.throughput(),
                    r.retries(), r.unknown(), r.errorCount(), r.emptyClaims(), r.drainedRows()));
            out.append(String.format(Locale.ROOT, "    %-18s %10s %10s %8s %8s %8s %8s%n", "operation", "calls", "succeeded", "retries", "unknown",
                    "refused", "errors"));
            r.byKind().forEach((kind, n) -> out.append(String.format(Locale.ROOT, "    %-18s %,10d %,10d %,8d %,8d %,8d %,8d%n", kind.id(), n.calls(),
                    n.succeeded(), n.retries(), n.unknown(), n.refused(), n.errors())));
            r.errors().forEach((name, n) -> out.append(String.format(Locale.ROOT, "  error %s x %,d: %s%n", name, n, r.errorSamples().get(name))));
            Checker.Checked c = r.checked();
            out.append(String.format(Locale.ROOT, "  checked %,d tags, %,d links, %,d queue rows, %,d counters, %,d accounts: %,d violations%n",
                    c.tags(), c.links(), c.queueRows(), c.counters(), c.accounts(), r.violationCount()));
            r.violations().forEach(v -> out.append("    ").append(v).append('\n'));
            if (r.violationCount() > r.violations().size()) {
                out.append(String.format(Locale.ROOT, "    ... and %,d more%n", r.violationCount() - r.violations().size()));
            }
        }
        return out.toString();
    }

    public String json() {
        ObjectNode document = Documents.object().put("schema", SCHEMA).put("startedAt", startedAt.toString());
        document.putObject("settings")
                .put("operations", settings.operations())
                .put("durationSeconds", settings.duration() == null ? null : settings.duration().toMillis() / 1000.0)
                .put("seed", settings.seed())
                .put("workers", settings.workers())
                .put("keys", settings.keys())
                .put("workload", settings.naive() ? "naive" : "idem")
                .put("parallel", settings.parallel());
        document.set("databases", Documents.databases(databases));
        ArrayNode array = document.putArray("results");
        for (SoakResult r : results) {
            ObjectNode node = array.addObject()
                    .put("database", r.database())
                    .put("version", r.version())
                    .put("workload", r.workload())
                    .put("workers", r.workers())
                    .put("operations", r.operations())
                    .<ObjectNode>set("elapsedSeconds", Documents.measure(r.elapsedSeconds()))
                    .<ObjectNode>set("throughput", Documents.measure(r.throughput()));
            ArrayNode kinds = node.putArray("byOperation");
            r.byKind().forEach((kind, n) -> kinds.addObject()
                    .put("operation", kind.id())
                    .put("calls", n.calls())
                    .put("succeeded", n.succeeded())
                    .put("retries", n.retries())
                    .put("unknown", n.unknown())
                    .put("refused", n.refused())
                    .put("errors", n.errors()));
            node.put("retries", r.retries()).put("unknown", r.unknown()).put("errorCount", r.errorCount());
            ObjectNode errors = node.putObject("errors");
            r.errors().forEach(errors::put);
            ObjectNode samples = node.putObject("errorSamples");
            r.errorSamples().forEach(samples::put);
            node.put("emptyClaims", r.emptyClaims());
            node.put("drainedRows", r.drainedRows());
            Checker.Checked c = r.checked();
            node.putObject("checked")
                    .put("tags", c.tags())
                    .put("links", c.links())
                    .put("queueRows", c.queueRows())
                    .put("counters", c.counters())
                    .put("accounts", c.accounts());
            node.put("violationCount", r.violationCount());
            ArrayNode violations = node.putArray("violations");
            r.violations().forEach(v -> violations.addObject().put("check", v.check()).put("subject", v.subject()).put("seen", v.seen()));
            node.put("passed", r.passed());
        }
        return Documents.render(document);
    }

    public String html() {
        StringBuilder out = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Idem soak</title>
                <style>
                body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222;max-width:1400px}
                h2{margin-top:2em;border-bottom:1px solid #ccc}
                table{border-collapse:collapse;font-size:13px;margin-top:1em} th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
                td.n{text-align:right;font-variant-numeric:tabular-nums} td.pass{background:#e3f4e3} td.fail{background:#fbe3e6} .muted{color:#666}
                </style></head><body>
                <h1>Idem soak</h1>
                """);
        out.append("<p class=\"muted\">").append(esc(settings.naive() ? "The naive code of the users' threads, to show the check failing"
                        : "Idem's operations, in its own transactions and in the caller's")).append(": ").append(esc(limit()))
                .append(" per database, ").append(settings.workers()).append(" workers, ").append(settings.keys()).append(" keys, seed ")
                .append(settings.seed()).append(settings.parallel() ? ", databases in parallel" : "").append(". Started ")
                .append(esc(startedAt.toString())).append(".</p>\n");
        out.append("<h2>Summary</h2>\n<table><tr><th>database</th><th>verdict</th><th>operations</th><th>ops/s</th><th>retries</th>"
                + "<th>unknown</th><th>errors</th><th>violations</th></tr>\n");
        for (Databases.Status db : databases) {
            SoakResult r = results.stream().filter(x -> x.database().equals(db.database())).findFirst().orElse(null);
            if (r == null) {
                out.append("<tr><td>").append(esc(db.database())).append("</td><td class=\"fail\" colspan=\"7\">did not run: ")
                        .append(esc(db.problem())).append("</td></tr>\n");
                continue;
            }
            out.append("<tr><td title=\"").append(esc(r.version())).append("\">").append(esc(r.database())).append("</td><td class=\"")
                    .append(r.passed() ? "pass\">&#10003; passed" : "fail\">failed").append("</td>");
            for (double n : new double[] {r.operations(), r.throughput(), r.retries(), r.unknown(), r.errorCount(), r.violationCount()}) {
                out.append("<td class=\"n\">").append(String.format(Locale.ROOT, "%,.0f", n)).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        for (SoakResult r : results) {
            out.append("<h2>").append(esc(r.database())).append("</h2>\n<p class=\"muted\">").append(esc(r.version()))
                    .append(String.format(Locale.ROOT, "; %.1f s; %,d queue rows drained at the end; checked %,d tags, %,d links, %,d queue rows,"
                            + " %,d counters, %,d accounts", r.elapsedSeconds(), r.drainedRows(), r.checked().tags(), r.checked().links(),
                            r.checked().queueRows(), r.checked().counters(), r.checked().accounts())).append(".</p>\n");
            out.append("<table><tr><th>operation</th><th>calls</th><th>succeeded</th><th>retries</th><th>unknown</th><th>refused</th>"
                    + "<th>errors</th></tr>\n");
            r.byKind().forEach((kind, n) -> {
                out.append("<tr><td>").append(kind.id()).append("</td>");
                for (long v : new long[] {n.calls(), n.succeeded(), n.retries(), n.unknown(), n.refused(), n.errors()}) {
                    out.append("<td class=\"n\">").append(String.format(Locale.ROOT, "%,d", v)).append("</td>");
                }
                out.append("</tr>\n");
            });
            out.append("</table>\n");
            if (!r.errors().isEmpty()) {
                out.append("<table><tr><th>error</th><th>calls</th><th>first message</th></tr>\n");
                r.errors().forEach((name, n) -> out.append("<tr><td>").append(esc(name)).append("</td><td class=\"n\">").append(n)
                        .append("</td><td>").append(esc(r.errorSamples().get(name))).append("</td></tr>\n"));
                out.append("</table>\n");
            }
            if (r.violationCount() > 0) {
                out.append("<p><b>").append(r.violationCount()).append(" violations</b>").append(r.violationCount() > r.violations().size()
                        ? ", the first " + r.violations().size() : "").append(":</p>\n<table><tr><th>check</th><th>subject</th><th>seen</th></tr>\n");
                r.violations().forEach(v -> out.append("<tr><td>").append(esc(v.check())).append("</td><td>").append(esc(v.subject()))
                        .append("</td><td>").append(esc(v.seen())).append("</td></tr>\n"));
                out.append("</table>\n");
            }
        }
        return out.append("</body></html>\n").toString();
    }

    private String limit() {
        String operations = settings.operations() == null ? null : String.format(Locale.ROOT, "%,d operations", settings.operations());
        String duration = settings.duration() == null ? null : String.format(Locale.ROOT, "%.0f s", settings.duration().toMillis() / 1000.0);
        return operations == null ? duration : duration == null ? operations : operations + " or " + duration + ", whichever comes first";
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
