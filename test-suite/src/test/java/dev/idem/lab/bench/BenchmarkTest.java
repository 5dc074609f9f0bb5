package dev.idem.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idem.lab.Databases;
import dev.idem.lab.DocumentedJson;
import dev.idem.lab.Documents;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Target;
import dev.idem.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The benchmark runs and reports what RACE-LAB.md documents. It asserts no timing: machines are shared
 * and noisy, so only that every number is there and positive, and every call succeeded.
 */
class BenchmarkTest {

    private static final List<String> OPERATIONS = List.of("floor-select", "idem-hit", "floor-insert", "idem-miss", "django-miss", "floor-link",
            "idem-link-new", "idem-link-existing", "floor-links-50", "floor-batch-50", "floor-skip-links-50", "floor-skip-returning-links-50", "idem-links-50",
            "floor-insert-tx", "idem-miss-tx", "django-miss-tx", "hibernate-naive-miss", "idem-hibernate-miss",
            "floor-select-tx", "hibernate-naive-hit", "idem-hibernate-hit",
            "floor-insert-1000", "floor-skip-1000", "floor-skip-returning-1000", "idem-all-1000", "idem-singles-1000",
            "claim-naive", "claim-filtered-update", "idem-claim-1", "idem-claim-10", "floor-increment", "idem-increment",
            "floor-update", "idem-update", "floor-update-all-2", "idem-update-all-2");

    @DatabaseTest({Engine.H2, Engine.SQLITE})
    void aShortRunReportsEveryOperationWithPositiveRatesAndRatios(TestDatabase db) throws Exception {
        Benchmark.Settings settings = new Benchmark.Settings(List.of(1, 2), Duration.ofMillis(60), Duration.ofMillis(10));
        List<BenchmarkReport.Row> rows = Benchmark.run(db, settings, line -> { });

        assertEquals(2 * OPERATIONS.size(), rows.size());
        for (int workers : List.of(1, 2)) {
            assertEquals(OPERATIONS, rows.stream().filter(r -> r.workers() == workers).map(BenchmarkReport.Row::operation).toList());
        }
        Map<String, String> floors = rows.stream().filter(r -> r.floor() != null)
                .collect(Collectors.toMap(BenchmarkReport.Row::operation, BenchmarkReport.Row::floor, (a, b) -> a));
        assertEquals(Map.ofEntries(Map.entry("idem-hit", "floor-select"), Map.entry("idem-miss", "floor-insert"),
                Map.entry("django-miss", "floor-insert"), Map.entry("idem-link-new", "floor-link"), Map.entry("idem-link-existing", "floor-link"),
                Map.entry("idem-links-50", "floor-links-50"), Map.entry("floor-skip-links-50", "floor-links-50"),
                Map.entry("floor-skip-returning-links-50", "floor-links-50"), Map.entry("idem-miss-tx", "floor-insert-tx"),
                Map.entry("django-miss-tx", "floor-insert-tx"), Map.entry("hibernate-naive-miss", "floor-insert-tx"),
                Map.entry("idem-hibernate-miss", "floor-insert-tx"), Map.entry("hibernate-naive-hit", "floor-select-tx"),
                Map.entry("idem-hibernate-hit", "floor-select-tx"), Map.entry("idem-all-1000", "floor-insert-1000"), Map.entry("floor-skip-1000", "floor-insert-1000"),
                Map.entry("floor-skip-returning-1000", "floor-insert-1000"),
                Map.entry("idem-singles-1000", "floor-insert-1000"), Map.entry("claim-filtered-update", "claim-naive"),
                Map.entry("idem-claim-1", "claim-naive"), Map.entry("idem-claim-10", "claim-naive"),
                Map.entry("idem-increment", "floor-increment"), Map.entry("idem-update", "floor-update"),
                Map.entry("idem-update-all-2", "floor-update-all-2")), floors);
        for (BenchmarkReport.Row r : rows) {
            String row = r.toString();
            assertEquals(0, r.errors(), row);
            assertTrue(r.calls() > 0 && r.opsPerSecond() > 0 && r.seconds() > 0, row);
            assertTrue(r.statementsPerCall() >= 1, row);
            assertTrue(r.floor() == null ? Double.isNaN(r.ratio()) : r.ratio() > 0 && Double.isFinite(r.ratio()), row);
        }
        // The budgets, as the benchmark counted them: a hit is one statement, a miss two, a link one.
        assertEquals(1.0, statements(rows, "idem-hit"));
        assertEquals(2.0, statements(rows, "idem-miss"));
        assertEquals(1.0, statements(rows, "idem-link-new"));
        assertEquals(1.0, statements(rows, "idem-link-existing"));
        for (BenchmarkReport.Row r : rows) {
            assertEquals(r.operation().contains("claim"), r.jobsPerSecond() != null, "jobs per second for the claims only: " + r);
        }
        BenchmarkReport.Row ten = rows.stream().filter(r -> r.operation().equals("idem-claim-10")).findFirst().orElseThrow();
        assertEquals(10 * ten.opsPerSecond(), ten.jobsPerSecond(), 1e-6, "a call of idem-claim-10 handles ten jobs");
        // Django's pattern: a select, then an insert (begin and commit are not statements); 1,000 keys at once: a few statements.
        assertEquals(2.0, statements(rows, "django-miss"));
        assertEquals(2000.0, statements(rows, "idem-singles-1000"));
        // SQLite's IMMEDIATE begin is two statements of its own (commit, begin immediate).
        double bulk = statements(rows, "idem-all-1000");
        assertTrue(bulk <= 4, "getOrCreateAll of 1,000 new keys: a read, an insert and the transaction's statements, not " + bulk);

        Durability durability = Durability.of(db);
        assertEquals(db.engine() == Engine.SQLITE, durability.durable(), durability.toString());
        BenchmarkReport report = new BenchmarkReport(Instant.now(), settings,
                List.of(new Databases.Status(db.target().id(), true, rows.get(0).version(), null)), rows, List.of(durability));
        String table = report.text();
        assertTrue(table.contains("idem-hit") && table.contains("floor-select") && table.contains("x "), table);
        JsonNode json = Documents.JSON.readTree(report.json());
        DocumentedJson.assertShape(DocumentedJson.example(BenchmarkReport.SCHEMA), json, "$");
        assertEquals(BenchmarkReport.SCHEMA, json.get("schema").asText());
        assertEquals(0.06, json.at("/settings/measureSeconds").asDouble());
        assertEquals(0.01, json.at("/settings/warmUpSeconds").asDouble());
        assertFalse(json.at("/settings/durable").asBoolean());
        assertEquals(durability.settings(), json.at("/durability/0/settings").asText());
        assertEquals(List.of(1, 2), List.of(json.at("/settings/workers/0").asInt(), json.at("/settings/workers/1").asInt()));
        assertEquals(OPERATIONS, json.get("operations").findValuesAsText("operation"));
        assertEquals(2 * OPERATIONS.size(), json.get("results").size());
        for (JsonNode r : json.get("results")) {
            assertEquals(db.target().id(), r.get("database").asText());
            assertEquals(r.get("floor").isNull(), r.get("ratio").isNull(), "a floor, and only a floor, has no ratio: " + r);
            assertTrue(r.get("calls").asLong() > 0 && r.get("opsPerSecond").asDouble() > 0, r.toString());
            assertEquals(0, r.get("errorCount").asLong());
            assertTrue(r.get("errorSample").isNull());
        }
        assertEquals(DocumentedJson.tableFields("## The benchmark"), DocumentedJson.fieldNames(json, java.util.Set.of()),
                "RACE-LAB.md's field table and the document name the same fields");
    }

    @Test
    void optionsHaveDefaultsAndRefuseNonsense() {
        BenchCommand defaults = BenchCommand.parse();
        assertEquals(List.of(1, 4, 16), defaults.settings().workers());
        assertEquals(Duration.ofSeconds(2), defaults.settings().measure());
        assertNull(defaults.json);
        assertFalse(defaults.settings().durable());
        assertTrue(BenchCommand.parse("--durable").settings().durable());

        BenchCommand some = BenchCommand.parse("--databases", "h2", "--workers=1,8", "--seconds", "0.5", "--json");
        assertEquals(List.of(Target.H2), some.targets());
        assertEquals(List.of(1, 8), some.settings().workers());
        assertEquals(Duration.ofMillis(500), some.settings().measure());

        assertThrows(IllegalArgumentException.class, () -> BenchCommand.parse("--workers", "0"));
        assertThrows(picocli.CommandLine.ParameterException.class, () -> BenchCommand.parse("--seconds", "soon"));
        assertThrows(picocli.CommandLine.ParameterException.class, () -> BenchCommand.parse("--rounds", "5"));
    }

    private static double statements(List<BenchmarkReport.Row> rows, String operation) {
        return rows.stream().filter(r -> r.operation().equals(operation)).findFirst().orElseThrow().statementsPerCall();
    }
}
