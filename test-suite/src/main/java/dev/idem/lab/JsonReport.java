package dev.idem.lab;

import java.util.List;

/**
 * Renders a {@link Report} as the lab's JSON document, version {@value #SCHEMA}. The fields are
 * documented in test-suite/RACE-LAB.md; add fields freely, never rename or remove one without a new version.
 */
final class JsonReport {

    static final String SCHEMA = "idem-race-lab/1";

    private JsonReport() {
    }

    static String render(Report report) {
        Json json = new Json().object()
                .field("schema", SCHEMA)
                .field("startedAt", report.startedAt().toString())
                .name("settings").object()
                .field("workers", report.workers())
                .field("rounds", report.rounds())
                .field("thinkMillis", report.thinkMillis())
                .end('}');
        databases(json, report.databases());
        json.name("results").array();
        for (Result r : report.results()) {
            result(json, r);
        }
        return json.end(']').end('}').toString();
    }

    private static void result(Json json, Result r) {
        json.object()
                .field("database", r.database())
                .field("version", r.version())
                .field("scenario", r.scenario())
                .field("strategy", r.strategy())
                .field("isolation", r.isolation())
                .field("workers", r.workers())
                .field("rounds", r.rounds())
                .field("attempts", r.attempts())
                .field("succeeded", r.succeeded())
                .field("duplicates", r.duplicates())
                .field("duplicateKeys", r.duplicateKeys())
                .field("missing", r.missing())
                .field("splitRounds", r.splitRounds())
                .field("errorCount", r.errorCount())
                .map("errors", r.errors())
                .map("errorSamples", r.errorSamples())
                .field("elapsedSeconds", r.elapsedSeconds())
                .field("throughput", r.throughput())
                .name("latencyMillis").object()
                .field("p50", r.p50Millis())
                .field("p99", r.p99Millis())
                .end('}')
                .field("raceFree", r.raceFree())
                .field("verdict", r.verdict())
                .field("note", r.note())
                .end('}');
    }

    /** The {@code databases} array both documents share: which databases ran, their versions, and why others did not. */
    static void databases(Json json, List<Report.DatabaseStatus> databases) {
        json.name("databases").array();
        for (Report.DatabaseStatus status : databases) {
            json.object()
                    .field("database", status.database())
                    .field("available", status.available())
                    .field("version", status.version())
                    .field("problem", status.problem())
                    .end('}');
        }
        json.end(']');
    }
}
