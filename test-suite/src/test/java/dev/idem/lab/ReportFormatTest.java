package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.testing.Engine;
import dev.idem.testing.Target;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented JSON fields, the HTML page and the command line stay what the README promises. */
class ReportFormatTest {

    private static final Result NAIVE = new Result("sqlite", "SQLite 3", "get-or-create", "naive", "autocommit", 8, 10, 80, 80,
            7, 5, 0, 5, Map.of(), Map.of(), 0.5, 160, 0.4, 3.2, false, "no unique constraint");
    private static final Result IDEM = new Result("sqlite", "SQLite 3", "get-or-create", "idem", "autocommit", 8, 10, 80, 80,
            0, 0, 0, 0, Map.of(), Map.of(), 0.5, 160, 0.4, 3.2, true, "");
    private static final Result ERRORS = new Result("postgresql", "PostgreSQL 17", "add-link", "naive", "read-committed", 8, 10, 80, 70,
            0, 0, 0, 0, Map.of("unique_violation", 10L), Map.of("unique_violation", "SQLSTATE 23505 \"quoted\" <tag>"), 0.5, 160, 0.4,
            3.2, false, "");
    private static final Report REPORT = new Report(Instant.parse("2026-01-01T00:00:00Z"), 8, 10, 0,
            List.of(new Report.DatabaseStatus("sqlite", true, "SQLite 3", null),
                    new Report.DatabaseStatus("postgresql", true, "PostgreSQL 17", null),
                    new Report.DatabaseStatus("mysql", false, null, "mysql is not available")),
            List.of(NAIVE, IDEM, ERRORS));

    @Test
    void theJsonDocumentHasEveryDocumentedField() {
        String json = JsonReport.render(REPORT);
        for (String field : List.of("schema", "startedAt", "settings", "databases", "results", "database", "version", "scenario",
                "strategy", "isolation", "workers", "rounds", "attempts", "succeeded", "duplicates", "duplicateKeys", "missing",
                "splitRounds", "errorCount", "errors", "errorSamples", "elapsedSeconds", "throughput", "latencyMillis", "p50", "p99",
                "raceFree", "verdict", "note", "available", "problem")) {
            assertTrue(json.contains("\"" + field + "\": "), field + " missing from\n" + json);
        }
        assertTrue(json.contains("\"schema\": \"idem-race-lab/1\""));
        assertTrue(json.contains("\"unique_violation\": 10"));
        assertTrue(json.contains("SQLSTATE 23505 \\\"quoted\\\" <tag>"), "strings are escaped");
        assertEquals(count(json, '{'), count(json, '}'));
        assertEquals(count(json, '['), count(json, ']'));
        assertFalse(json.contains(",\n}") || json.contains(",\n  }") || json.contains("{,"), json);
    }

    @Test
    void theHtmlPageIsSelfContainedWithAChartPerScenario() {
        String html = HtmlReport.render(REPORT);
        assertEquals(2, html.split("<svg", -1).length - 1, "one chart for get-or-create, one for add-link");
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "no external resources");
        assertTrue(html.contains("&lt;tag&gt;"), "text is escaped");
        assertTrue(html.contains("mysql is not available"));
    }

    @Test
    void theTableShowsEachStrategySideBySideAndTheVerdict() {
        String table = TextReport.render(REPORT);
        assertTrue(table.contains("DUPLICATES"));
        assertTrue(table.contains("unique_violation 10"));
        assertTrue(table.contains("mysql: skipped"));
        assertTrue(table.contains("Idem: no duplicate row and no error in any run."));
    }

    @Test
    void optionsHaveSensibleDefaultsAndRefuseNonsense() {
        LabOptions defaults = LabOptions.parse();
        assertEquals(LabOptions.DEFAULT_WORKERS, defaults.workers());
        assertEquals(LabOptions.DEFAULT_ROUNDS, defaults.rounds());
        assertEquals(List.of(Target.SQLITE, Target.H2), defaults.targets(java.util.Set.of(Target.H2, Target.SQLITE)));
        assertTrue(defaults.targets(null).containsAll(List.of(Target.SQLITE, Target.H2, Target.POSTGRESQL)));
        assertEquals(java.util.Set.copyOf(Target.defaults()), java.util.Set.copyOf(LabOptions.parse("--databases", "all").targets(null)));

        LabOptions some = LabOptions.parse("--databases", "h2,sqlite", "--strategies=naive,idem", "--isolation", "transaction",
                "--workers", "4", "--rounds", "20", "--json", "--html", "out.html");
        assertEquals(List.of(Target.SQLITE, Target.H2), some.targets(java.util.Set.of()));
        assertTrue(some.wants(new NaiveAddLink()));
        assertFalse(some.wants(new LockParentAddLink()));
        assertTrue(some.wants(Isolation.REPEATABLE_READ));
        assertFalse(some.wants(Isolation.AUTOCOMMIT));
        assertEquals(Path.of("-"), some.json());
        assertEquals(Path.of("out.html"), some.html());

        assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--workers", "1"));
        assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--strategies", "optimistic"));
        assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--databases", "oracle"));
        assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--rounds"));
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }
}
