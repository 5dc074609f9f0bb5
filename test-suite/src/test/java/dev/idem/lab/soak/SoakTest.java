package dev.idem.lab.soak;

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
import dev.idem.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A short soak: every operation at once from eight workers, on hot keys, and the history check at the end.
 * Idem keeps every promise on every database; the naive code of the users' threads, run the same way, breaks
 * them, and the check says where (so the check can fail).
 */
class SoakTest {

    /** Enough for every kind of call to run many times over; CI's one-minute soak runs far more. */
    private static final long OPERATIONS = 1_000;
    /** Enough for the naive mix to break a promise on every database it runs on. */
    private static final long NAIVE_OPERATIONS = 2_000;

    @DatabaseTest
    void idemKeepsEveryPromiseUnderTheMixedWorkload(TestDatabase db) throws Exception {
        SoakSettings settings = new SoakSettings(OPERATIONS, null, 42, 8, 200, false, false);
        SoakResult result = Soak.run(db, settings, line -> { });

        assertEquals(OPERATIONS, result.operations());
        assertEquals(List.of(), result.violations(), "violations on " + db.target().id());
        assertEquals(0, result.violationCount());
        assertEquals(0, result.errorCount(), "errors: " + result.errorSamples());
        assertTrue(result.passed());
        for (var counts : result.byKind().values()) {
            assertTrue(counts.calls() > 0 && counts.succeeded() > 0, result.byKind().toString());
        }
        assertTrue(result.checked().tags() > 0 && result.checked().queueRows() >= Schema.BACKLOG, result.checked().toString());
        assertDocumented(db, settings, result);
    }

    /**
     * Select-then-insert with no unique constraint, read-modify-write counters and transfers, and a claim that
     * selects the first waiting row and then marks it: with eight workers on hot keys, rows are handed out
     * twice and updates are lost, and the check reports it.
     */
    @DatabaseTest({Engine.SQLITE, Engine.H2, Engine.POSTGRESQL})
    void theNaiveMixBreaksPromisesAndTheCheckSaysWhich(TestDatabase db) throws Exception {
        SoakResult result = Soak.run(db, new SoakSettings(NAIVE_OPERATIONS, null, 42, 8, 200, true, false), line -> { });

        assertTrue(result.violationCount() > 0, "the naive mix should break a promise on " + db.target().id());
        assertFalse(result.passed());
        assertFalse(result.violations().isEmpty());
        assertTrue(result.violations().size() <= Violations.KEPT);
    }

    @Test
    void optionsHaveDefaultsAndRefuseNonsense() {
        SoakSettings defaults = SoakCommand.parse().settings();
        assertEquals(SoakSettings.DEFAULT_OPERATIONS, defaults.operations());
        assertNull(defaults.duration());
        assertEquals(16, defaults.workers());
        assertFalse(defaults.parallel() || defaults.naive());

        SoakSettings timed = SoakCommand.parse("--duration", "60s", "--parallel", "--seed", "5", "--databases", "h2,sqlite").settings();
        assertNull(timed.operations(), "a duration alone limits the run by time only");
        assertEquals(Duration.ofSeconds(60), timed.duration());
        assertEquals(5, timed.seed());
        assertTrue(timed.parallel());
        assertEquals(Duration.ofMillis(1500), SoakCommand.parse("--duration", "1.5").settings().duration());
        assertEquals(Duration.ofMinutes(2), SoakCommand.parse("--duration", "2m").settings().duration());

        assertThrows(IllegalArgumentException.class, () -> SoakCommand.parse("--workers", "0"));
        assertThrows(IllegalArgumentException.class, () -> SoakCommand.parse("--operations", "0"));
        assertThrows(picocli.CommandLine.ParameterException.class, () -> SoakCommand.parse("--duration", "soon"));
    }

    /** The JSON document has the shape RACE-LAB.md shows, and its field table names every field. */
    private static void assertDocumented(TestDatabase db, SoakSettings settings, SoakResult result) throws Exception {
        SoakReport report = new SoakReport(Instant.now(), settings, List.of(new Databases.Status(db.target().id(), true, result.version(), null)),
                List.of(result));
        JsonNode json = Documents.JSON.readTree(report.json());
        DocumentedJson.assertShape(DocumentedJson.example(SoakReport.SCHEMA), json, "$");
        Set<String> documented = new TreeSet<>(DocumentedJson.tableFields("## The soak"));
        if (result.violations().isEmpty()) {
            documented.removeAll(Set.of("check", "subject", "seen")); // the fields of a violation
        }
        assertEquals(documented, DocumentedJson.fieldNames(json, Set.of("errors", "errorSamples")),
                "RACE-LAB.md's field table and the document name the same fields");
        assertTrue(report.text().contains("PASSED"), report.text());
        assertTrue(report.html().contains("passed"));
    }
}
