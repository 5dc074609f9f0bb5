package dev.idem.lab.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idem.lab.Databases;
import dev.idem.lab.Documents;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one benchmark run measured, and its two renderings: the terminal table and the JSON document
 * {@value #SCHEMA}, whose fields test-suite/RACE-LAB.md documents (add fields freely; a rename or a
 * removal needs a new schema name).
 */
public record BenchmarkReport(Instant startedAt, Benchmark.Settings settings, List<Databases.Status> databases, List<Row> rows,
                              List<Durability> durability) {

    /** A report that says nothing of durability. */
    public BenchmarkReport(Instant startedAt, Benchmark.Settings settings, List<Databases.Status> databases, List<Row> rows) {
        this(startedAt, settings, databases, rows, List.of());
    }

    static final String SCHEMA = "idem-race-lab-benchmark/1";
    static final String POOL = "floor and Idem borrow a connection per call from the same Hikari pool (one connection per worker),"
            + " auto-commit";

    /**
     * One operation on one database with one number of workers.
     *
     * @param floor the raw operation this one is compared with; null for a floor
     * @param calls calls that succeeded in the timed slices, all workers together
     * @param ratio ops/s of this operation divided by its floor's, same database and workers; NaN for a floor
     * @param statementsPerCall JDBC statements executed per call, counted in an untimed pass
     * @param errors calls that failed (none are expected); {@code errorSample} shows one
     * @param jobsPerSecond work-queue jobs claimed and finished per second, for the claim operations (their
     *        ratio compares jobs, not calls); null for the others
     */
    public record Row(String database, String version, int workers, String operation, String floor, long calls, double seconds,
               double opsPerSecond, double ratio, double statementsPerCall, long errors, String errorSample, Double jobsPerSecond) {

        /** A row of an operation that handles no work-queue jobs. */
        public Row(String database, String version, int workers, String operation, String floor, long calls, double seconds,
                   double opsPerSecond, double ratio, double statementsPerCall, long errors, String errorSample) {
            this(database, version, workers, operation, floor, calls, seconds, opsPerSecond, ratio, statementsPerCall, errors, errorSample, null);
        }
    }

    private static final String LINE = "    %-29s %10s  %-18s %7s %9s  %s%n";

    String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Idem benchmark: calls per second after a %s s warm-up, over %s s in alternating slices;%n",
                seconds(settings.warmUp().toMillis()), seconds(settings.measure().toMillis())));
        out.append("ratio = Idem's ops/s / its raw floor's, same database, same workers, same run (1.00x: as fast as the raw statement).\n");
        out.append(POOL).append(".\n");
        for (Databases.Status db : databases) {
            out.append('\n');
            if (!db.available()) {
                out.append(db.database()).append(": skipped. ").append(db.problem()).append('\n');
                continue;
            }
            out.append(db.database()).append(" (").append(db.version());
            durability.stream().filter(d -> d.database().equals(db.database())).findFirst().ifPresent(d ->
                    out.append("; ").append(d.durable() ? "durable commits: " : "commits not durable: ").append(d.settings()));
            out.append(")\n");
            int workers = -1;
            for (Row r : rows) {
                if (!r.database().equals(db.database())) {
                    continue;
                }
                if (r.workers() != workers) {
                    workers = r.workers();
                    out.append(String.format(Locale.ROOT, "  %d worker%s%n", workers, workers == 1 ? "" : "s"));
                    out.append(String.format(Locale.ROOT, LINE, "operation", "ops/s", "floor", "ratio", "stmts/op", ""));
                }
                out.append(String.format(Locale.ROOT, LINE, r.operation(), String.format(Locale.ROOT, "%.0f", r.opsPerSecond()),
                        r.floor() == null ? "" : r.floor(), r.floor() == null ? "" : String.format(Locale.ROOT, "%.2fx", r.ratio()),
                        String.format(Locale.ROOT, "%.1f", r.statementsPerCall()),
                        (r.jobsPerSecond() == null ? "" : String.format(Locale.ROOT, "%.0f jobs/s ", r.jobsPerSecond()))
                                + (r.errors() == 0 ? "" : "ERRORS " + r.errors() + ": " + r.errorSample())));
            }
        }
        List<Targets.Result> targets = Targets.of(rows);
        if (!targets.isEmpty()) {
            out.append("\nTargets (ratio of two operations in this run; ceiling: what the raw statement itself reaches):\n");
            for (Targets.Result t : targets) {
                out.append(String.format(Locale.ROOT, "  %-14s %2d  %-12s %7.2fx  (>= %sx%s)  %s%n", t.database(), t.workers(),
                        t.met() ? "met" : t.outOfReach() ? "out of reach" : "MISSED", t.value(), number(t.goal().atLeast()),
                        t.ceiling() == null ? "" : String.format(Locale.ROOT, ", ceiling %.2fx", t.ceiling()), t.goal().description()));
            }
        }
        out.append("\nOperations:\n");
        for (List<Benchmark.Measured> group : Benchmark.GROUPS) {
            for (Benchmark.Measured m : group) {
                out.append(String.format(Locale.ROOT, "  %-29s %s%n", m.id(), m.description()));
            }
        }
        return out.toString();
    }

    /** The JSON document, written with Jackson; test-suite/RACE-LAB.md documents every field. */
    String json() {
        ObjectNode document = Documents.object().put("schema", SCHEMA).put("startedAt", startedAt.toString());
        ObjectNode options = document.putObject("settings")
                .put("measureSeconds", settings.measure().toMillis() / 1000.0)
                .put("warmUpSeconds", settings.warmUp().toMillis() / 1000.0);
        ArrayNode workers = options.putArray("workers");
        settings.workers().forEach(workers::add);
        options.put("pool", POOL);
        options.put("durable", settings.durable());
        ArrayNode operations = document.putArray("operations");
        for (List<Benchmark.Measured> group : Benchmark.GROUPS) {
            for (Benchmark.Measured m : group) {
                operations.addObject().put("operation", m.id()).put("floor", m.floor()).put("description", m.description());
            }
        }
        document.set("databases", Documents.databases(databases));
        ArrayNode durable = document.putArray("durability");
        for (Durability d : durability) {
            durable.addObject().put("database", d.database()).put("durableCommits", d.durable()).put("settings", d.settings());
        }
        ArrayNode results = document.putArray("results");
        for (Row r : rows) {
            results.addObject()
                    .put("database", r.database())
                    .put("version", r.version())
                    .put("workers", r.workers())
                    .put("operation", r.operation())
                    .put("floor", r.floor())
                    .put("calls", r.calls())
                    .<ObjectNode>set("elapsedSeconds", Documents.measure(r.seconds()))
                    .<ObjectNode>set("opsPerSecond", Documents.measure(r.opsPerSecond()))
                    .<ObjectNode>set("ratio", r.floor() == null ? null : Documents.measure(r.ratio()))
                    .<ObjectNode>set("statementsPerCall", Documents.measure(r.statementsPerCall()))
                    .put("errorCount", r.errors())
                    .put("errorSample", r.errorSample())
                    .<ObjectNode>set("jobsPerSecond", r.jobsPerSecond() == null ? null : Documents.measure(r.jobsPerSecond()));
        }
        ArrayNode targets = document.putArray("targets");
        for (Targets.Result t : Targets.of(rows)) {
            targets.addObject()
                    .put("database", t.database())
                    .put("workers", t.workers())
                    .put("operation", t.goal().operation())
                    .put("versus", t.goal().versus())
                    .put("atLeast", t.goal().atLeast())
                    .<ObjectNode>set("value", Documents.measure(t.value()))
                    .<ObjectNode>set("ceiling", t.ceiling() == null ? null : Documents.measure(t.ceiling()))
                    .put("met", t.met())
                    .put("description", t.goal().description());
        }
        return Documents.render(document);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.2f", millis / 1000.0);
    }
}
