package dev.idem.lab.report;

import dev.idem.lab.Databases;
import dev.idem.lab.ErrorClass;
import dev.idem.lab.race.Report;
import dev.idem.lab.race.Result;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a race {@link Report} as the terminal table: per database and scenario, the strategies side by side. */
public final class TextReport {

    private static final String ROW = "    %-21s %-16s %8s %9s %8s  %-34s %9s %8s %8s  %s%n";

    private TextReport() {
    }

    public static String render(Report report) {
        StringBuilder out = new StringBuilder();
        long think = report.settings().think().toMillis();
        out.append(String.format(Locale.ROOT, "Idem race lab: %d workers x %d rounds per run, released together each round (get-or-create and links race for a fresh key each round, counter and transfer for the same rows, claims drain one shared backlog)%s%n",
                report.settings().workers(), report.settings().rounds(), think > 0 ? ", think " + think + " ms" : ""));
        for (Databases.Status db : report.databases()) {
            out.append('\n');
            if (!db.available()) {
                out.append(db.database()).append(": skipped. ").append(db.problem()).append('\n');
                continue;
            }
            out.append(db.database()).append(" (").append(db.version()).append(")\n");
            List<Result> results = report.results().stream().filter(r -> r.run().database().equals(db.database())).toList();
            String scenario = null;
            for (Result r : results) {
                if (!r.run().scenario().equals(scenario)) {
                    scenario = r.run().scenario();
                    out.append("  ").append(scenario)
                            .append(r.deliveries() == null ? "" : " (" + r.run().workers() + " workers drain " + r.run().rounds() + " rows)").append('\n');
                    out.append(String.format(Locale.ROOT, ROW, "strategy", "isolation", "attempts", "dup rows", "split",
                            "errors", "ops/s", "p50 ms", "p99 ms", "verdict"));
                }
                out.append(String.format(Locale.ROOT, ROW, r.run().strategy(), r.run().isolation(), r.callers().attempts(),
                        r.rows().duplicates(), r.callers().splitRounds(), errors(r.callers().errors()),
                        String.format(Locale.ROOT, "%.0f", r.timing().throughput()),
                        String.format(Locale.ROOT, "%.2f", r.timing().p50Millis()), String.format(Locale.ROOT, "%.2f", r.timing().p99Millis()),
                        r.clean() ? r.verdict().id() : r.verdict().id().toUpperCase(Locale.ROOT)));
                if (r.deliveries() != null) {
                    out.append("      ").append(deliveries(r.deliveries())).append('\n');
                }
                if (r.rows().amounts() != null) {
                    out.append("      ").append(r.rows().amounts().describe()).append('\n');
                }
                if (!r.note().isEmpty()) {
                    out.append("      ").append(r.note()).append('\n');
                }
            }
        }
        List<Result> broken = report.broken();
        out.append('\n').append(broken.isEmpty()
                ? "Idem: no duplicate row, no lost update and no error in any run.\n"
                : "Idem FAILED in " + broken.size() + " run(s): " + broken.stream()
                        .map(r -> r.run().database() + " " + r.run().scenario() + " " + r.run().isolation())
                        .collect(Collectors.joining(", ")) + "\n");
        return out.toString();
    }

    /** One line on a backlog run: {@code 400 rows: 412 delivered, 12 handled twice (10 rows), 0 never delivered, 0 unfinished}. */
    static String deliveries(Result.Deliveries d) {
        return String.format(Locale.ROOT, "%d rows: %d delivered%s, %d handled twice (%d rows), %d never delivered, %d unfinished%s",
                d.rows(), d.delivered(), d.abandoned() > 0 ? " (" + d.abandoned() + " to workers that died)" : "",
                d.doubleDeliveries(), d.rowsDeliveredTwice(), d.neverDelivered(), d.unfinished(),
                d.lateFinishes() > 0 ? ", " + d.lateFinishes() + " late finishes refused" : "");
    }

    /** {@code unique_violation 10, busy 2}, or {@code -} for none. */
    static String errors(Map<ErrorClass, Long> errors) {
        if (errors.isEmpty()) {
            return "-";
        }
        return errors.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().id() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
