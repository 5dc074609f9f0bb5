package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static final List<String> OPERATIONS = List.of("floor-select", "idem-hit", "floor-insert", "idem-miss", "floor-link",
            "idem-link-new", "idem-link-existing", "floor-links-50", "floor-batch-50", "idem-links-50");

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
        assertEquals(Map.of("idem-hit", "floor-select", "idem-miss", "floor-insert", "idem-link-new", "floor-link",
                "idem-link-existing", "floor-link", "idem-links-50", "floor-links-50"), floors);
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

        BenchmarkReport report = new BenchmarkReport(Instant.now(), settings,
                List.of(new Report.DatabaseStatus(db.engine().id(), true, rows.get(0).version(), null)), rows);
        String table = report.text();
        assertTrue(table.contains("idem-hit") && table.contains("floor-select") && table.contains("x "), table);
        String json = report.json();
        for (String field : List.of("schema", "startedAt", "settings", "measureSeconds", "warmUpSeconds", "workers", "pool", "operations",
                "description", "databases", "results", "database", "version", "operation", "floor", "calls", "elapsedSeconds",
                "opsPerSecond", "ratio", "statementsPerCall", "errorCount", "errorSample")) {
            assertTrue(json.contains("\"" + field + "\": "), field + " missing from\n" + json);
        }
        assertTrue(json.contains("\"ratio\": null"), "a floor has no ratio");
    }

    @Test
    void optionsHaveDefaultsAndRefuseNonsense() {
        BenchmarkCommand defaults = BenchmarkCommand.parse("--benchmark");
        assertEquals(List.of(1, 4), defaults.settings().workers());
        assertEquals(Duration.ofSeconds(2), defaults.settings().measure());
        assertNull(defaults.json());

        BenchmarkCommand some = BenchmarkCommand.parse("--benchmark", "--databases", "h2", "--workers=1,8", "--seconds", "0.5", "--json");
        assertEquals(List.of(Target.H2), some.databases());
        assertEquals(List.of(1, 8), some.settings().workers());
        assertEquals(Duration.ofMillis(500), some.settings().measure());

        assertThrows(IllegalArgumentException.class, () -> BenchmarkCommand.parse("--benchmark", "--workers", "0"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkCommand.parse("--benchmark", "--seconds", "soon"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkCommand.parse("--benchmark", "--rounds", "5"));
    }

    private static double statements(List<BenchmarkReport.Row> rows, String operation) {
        return rows.stream().filter(r -> r.operation().equals(operation)).findFirst().orElseThrow().statementsPerCall();
    }
}
