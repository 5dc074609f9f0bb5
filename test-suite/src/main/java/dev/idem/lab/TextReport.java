package dev.idem.lab;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a {@link Report} as the terminal table: per database and scenario, the strategies side by side. */
final class TextReport {

    private static final String ROW = "    %-15s %-16s %8s %9s %8s  %-34s %9s %8s %8s  %s%n";

    private TextReport() {
    }

    static String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Idem race lab: %d workers x %d rounds per run, every round a fresh key%s%n",
                report.workers(), report.rounds(), report.thinkMillis() > 0 ? ", think " + report.thinkMillis() + " ms" : ""));
        for (Report.DatabaseStatus db : report.databases()) {
            out.append('\n');
            if (!db.available()) {
                out.append(db.database()).append(": skipped. ").append(db.problem()).append('\n');
                continue;
            }
            out.append(db.database()).append(" (").append(db.version()).append(")\n");
            List<Result> results = report.results().stream().filter(r -> r.database().equals(db.database())).toList();
            String scenario = null;
            for (Result r : results) {
                if (!r.scenario().equals(scenario)) {
                    scenario = r.scenario();
                    out.append("  ").append(scenario).append('\n');
                    out.append(String.format(Locale.ROOT, ROW, "strategy", "isolation", "attempts", "dup rows", "split",
                            "errors", "ops/s", "p50 ms", "p99 ms", "verdict"));
                }
                out.append(String.format(Locale.ROOT, ROW, r.strategy(), r.isolation(), r.attempts(), r.duplicates(), r.splitRounds(),
                        errors(r.errors()), String.format(Locale.ROOT, "%.0f", r.throughput()),
                        String.format(Locale.ROOT, "%.2f", r.p50Millis()), String.format(Locale.ROOT, "%.2f", r.p99Millis()),
                        verdict(r)));
                if (!r.note().isEmpty()) {
                    out.append("      ").append(r.note()).append('\n');
                }
            }
        }
        List<Result> broken = report.broken();
        out.append('\n').append(broken.isEmpty()
                ? "Idem: no duplicate row and no error in any run.\n"
                : "Idem FAILED in " + broken.size() + " run(s): " + broken.stream()
                        .map(r -> r.database() + " " + r.scenario() + " " + r.isolation()).collect(Collectors.joining(", ")) + "\n");
        return out.toString();
    }

    static String errors(Map<String, Long> errors) {
        if (errors.isEmpty()) {
            return "-";
        }
        return errors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String verdict(Result r) {
        return switch (r.verdict()) {
            case "ok" -> "ok";
            case "duplicates" -> "DUPLICATES";
            case "errors" -> "ERRORS";
            default -> "SPLIT";
        };
    }
}
