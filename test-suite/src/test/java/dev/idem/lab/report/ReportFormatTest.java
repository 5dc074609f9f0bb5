package dev.idem.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idem.lab.Databases;
import dev.idem.lab.Documents;
import dev.idem.lab.DocumentedJson;
import dev.idem.lab.ErrorClass;
import dev.idem.lab.race.Race;
import dev.idem.lab.race.Report;
import dev.idem.lab.race.Result;
import dev.idem.lab.race.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The documented JSON fields, the HTML page and the terminal table stay what RACE-LAB.md promises. */
class ReportFormatTest {

    private static final Result NAIVE = new Result(
            new Result.Run("sqlite", "SQLite 3", "get-or-create", "naive", "autocommit", 8, 10, false),
            new Scenario.Tally(7, 5, 0),
            new Result.Callers(80, 80, 5, Map.of(), Map.of()),
            new Result.Timing(0.5, 160, 0.4, 3.2), "no unique constraint");
    private static final Result IDEM = new Result(
            new Result.Run("sqlite", "SQLite 3", "get-or-create", "idem", "autocommit", 8, 10, true),
            new Scenario.Tally(0, 0, 0),
            new Result.Callers(80, 80, 0, Map.of(), Map.of()),
            new Result.Timing(0.5, 160, 0.4, 3.2), "");
    private static final Result ERRORS = new Result(
            new Result.Run("postgresql", "PostgreSQL 17", "add-link", "naive", "read-committed", 8, 10, false),
            new Scenario.Tally(0, 0, 0),
            new Result.Callers(80, 70, 0, Map.of(ErrorClass.UNIQUE_VIOLATION, 10L),
                    Map.of(ErrorClass.UNIQUE_VIOLATION, "SQLSTATE 23505 \"quoted\" <tag>")),
            new Result.Timing(0.5123456, 156.25, 0.4, 3.2), "");
    private static final Result CLAIM = new Result(
            new Result.Run("postgresql", "PostgreSQL 17", "claim-next-dying", "naive", "autocommit", 16, 400, false),
            new Scenario.Tally(12, 10, 20),
            new Result.Callers(432, 432, 0, Map.of(), Map.of()),
            new Result.Timing(1.5, 288, 0.4, 3.2), "workers read the same first unhandled row",
            new Result.Deliveries(400, 432, 20, 12, 10, 0, 20, 0));
    private static final Report REPORT = new Report(Instant.parse("2026-01-01T00:00:00Z"), new Race.Settings(8, 10, Duration.ZERO),
            List.of(new Databases.Status("sqlite", true, "SQLite 3", null),
                    new Databases.Status("postgresql", true, "PostgreSQL 17", null),
                    new Databases.Status("mysql", false, null, "mysql is not available")),
            List.of(NAIVE, IDEM, ERRORS, CLAIM));

    @Test
    void theJsonDocumentHasExactlyTheFieldsOfRaceLabMdsExample() throws Exception {
        JsonNode json = Documents.JSON.readTree(JsonReport.render(REPORT));
        DocumentedJson.assertShape(DocumentedJson.example(JsonReport.SCHEMA), json, "$");
        Set<String> documented = DocumentedJson.tableFields("## The JSON document");
        Set<String> written = DocumentedJson.fieldNames(json, Set.of("errors", "errorSamples"));
        assertEquals(documented, written, "written but undocumented: " + minus(written, documented)
                + "; documented but not written: " + minus(documented, written));
    }

    @Test
    void theJsonDocumentSaysWhatEachRunMeasured() throws Exception {
        JsonNode json = Documents.JSON.readTree(JsonReport.render(REPORT));
        assertEquals("idem-race-lab/1", json.get("schema").asText());
        assertEquals("2026-01-01T00:00:00Z", json.get("startedAt").asText());
        assertEquals(8, json.at("/settings/workers").asInt());
        assertEquals(10, json.at("/settings/rounds").asInt());
        assertEquals(0, json.at("/settings/thinkMillis").asLong());

        JsonNode mysql = json.get("databases").get(2);
        assertEquals("mysql", mysql.get("database").asText());
        assertFalse(mysql.get("available").asBoolean());
        assertTrue(mysql.get("version").isNull());
        assertEquals("mysql is not available", mysql.get("problem").asText());

        JsonNode naive = json.get("results").get(0);
        assertEquals("sqlite", naive.get("database").asText());
        assertEquals("SQLite 3", naive.get("version").asText());
        assertEquals("get-or-create", naive.get("scenario").asText());
        assertEquals("naive", naive.get("strategy").asText());
        assertEquals("autocommit", naive.get("isolation").asText());
        assertEquals(80, naive.get("attempts").asLong());
        assertEquals(80, naive.get("succeeded").asLong());
        assertEquals(7, naive.get("duplicates").asLong());
        assertEquals(5, naive.get("duplicateKeys").asLong());
        assertEquals(0, naive.get("missing").asLong());
        assertEquals(5, naive.get("splitRounds").asLong());
        assertEquals(0, naive.get("errorCount").asLong());
        assertTrue(naive.get("errors").isObject() && naive.get("errors").isEmpty());
        assertFalse(naive.get("raceFree").asBoolean());
        assertEquals("duplicates", naive.get("verdict").asText());
        assertEquals("no unique constraint", naive.get("note").asText());

        assertTrue(naive.get("deliveries").isNull(), "deliveries only for the claim scenarios");
        JsonNode claim = json.get("results").get(3).get("deliveries");
        assertEquals(400, claim.get("rows").asLong());
        assertEquals(432, claim.get("delivered").asLong());
        assertEquals(20, claim.get("abandoned").asLong());
        assertEquals(12, claim.get("doubleDeliveries").asLong());
        assertEquals(10, claim.get("rowsDeliveredTwice").asLong());
        assertEquals(0, claim.get("neverDelivered").asLong());
        assertEquals(20, claim.get("unfinished").asLong());
        assertEquals(0, claim.get("lateFinishes").asLong());
        assertEquals(400, json.at("/settings/backlog").asInt());
        assertEquals(16, json.at("/settings/backlogWorkers").asInt());

        JsonNode idem = json.get("results").get(1);
        assertTrue(idem.get("raceFree").asBoolean());
        assertEquals("ok", idem.get("verdict").asText());
        assertEquals("", idem.get("note").asText());

        JsonNode errors = json.get("results").get(2);
        assertEquals("errors", errors.get("verdict").asText());
        assertEquals(10, errors.get("errorCount").asLong());
        assertEquals(70, errors.get("succeeded").asLong());
        assertEquals(10, errors.at("/errors/unique_violation").asLong(), "error classes keep their documented names");
        assertEquals("SQLSTATE 23505 \"quoted\" <tag>", errors.at("/errorSamples/unique_violation").asText());
        assertEquals(0.512, errors.get("elapsedSeconds").asDouble(), "measurements are rounded to three decimals");
        assertEquals(156.25, errors.get("throughput").asDouble());
        assertEquals(0.4, errors.at("/latencyMillis/p50").asDouble());
        assertEquals(3.2, errors.at("/latencyMillis/p99").asDouble());
    }

    @Test
    void countersAndTransfersSayWhatTheirTotalsCameTo() throws Exception {
        Result counter = new Result(new Result.Run("postgresql", "PostgreSQL 17", "counter", "naive", "read-committed", 8, 10, false),
                Scenario.Tally.of(new Scenario.Amounts(false, 80, 61, 0)), new Result.Callers(80, 80, 0, Map.of(), Map.of()),
                new Result.Timing(0.5, 160, 0.4, 3.2), "");
        Result transfer = new Result(new Result.Run("postgresql", "PostgreSQL 17", "transfer", "idem", "read-committed", 8, 10, true),
                Scenario.Tally.of(new Scenario.Amounts(true, 400, 400, 0)), new Result.Callers(80, 80, 0, Map.of(), Map.of()),
                new Result.Timing(0.5, 160, 0.4, 3.2), "");
        Report report = new Report(REPORT.startedAt(), REPORT.settings(), REPORT.databases(), List.of(NAIVE, counter, transfer));
        JsonNode json = Documents.JSON.readTree(JsonReport.render(report));
        DocumentedJson.assertShape(DocumentedJson.example(JsonReport.SCHEMA), json, "$");
        JsonNode rows = json.get("results").get(0);
        assertTrue(rows.get("lostUpdates").isNull() && rows.get("moneyCreated").isNull() && rows.get("expectedTotal").isNull(),
                "the totals are null for the scenarios that count rows");
        JsonNode lost = json.get("results").get(1);
        assertEquals("lost", lost.get("verdict").asText());
        assertEquals(80, lost.get("expectedTotal").asLong());
        assertEquals(61, lost.get("actualTotal").asLong());
        assertEquals(19, lost.get("lostUpdates").asLong());
        assertTrue(lost.get("moneyCreated").isNull() && lost.get("negativeBalances").isNull());
        JsonNode conserved = json.get("results").get(2);
        assertEquals("ok", conserved.get("verdict").asText());
        assertEquals(0, conserved.get("moneyCreated").asLong());
        assertEquals(0, conserved.get("negativeBalances").asLong());
        assertTrue(conserved.get("lostUpdates").isNull());
        assertEquals(19, counter.failures(), "every lost point is a caller whose update is gone");
        assertTrue(TextReport.render(report).contains("total 61, expected 80: 19 updates lost"));
        assertTrue(HtmlReport.render(report).contains("19 updates lost"));
    }

    @Test
    void errorClassesAndVerdictsKeepTheNamesTheSchemaPromises() {
        assertEquals(List.of("unique_violation", "busy", "deadlock", "serialization_failure", "lock_timeout", "integrity_violation",
                "invisible_row", "other", "run_failed"), java.util.Arrays.stream(ErrorClass.values()).map(ErrorClass::id).toList());
        String doc = readRaceLabMd();
        for (ErrorClass kind : ErrorClass.values()) {
            assertTrue(doc.contains("`" + kind.id() + "`"), kind.id() + " is not in RACE-LAB.md's table of error classes");
        }
        assertEquals(List.of("duplicates", "lost", "errors", "split", "ok"),
                java.util.Arrays.stream(dev.idem.lab.race.Verdict.values()).map(dev.idem.lab.race.Verdict::id).toList());
    }

    @Test
    void theHtmlPageIsSelfContainedWithASummaryAndTwoChartsPerScenario() {
        String html = HtmlReport.render(REPORT);
        assertEquals(6, html.split("<svg", -1).length - 1, "per scenario one correctness chart and one speed chart");
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "no external resources");
        assertTrue(html.contains("&lt;tag&gt;"), "text is escaped");
        assertTrue(html.contains("mysql is not available"));
        int summary = html.indexOf("<table class=\"summary\">");
        assertTrue(summary > 0 && summary < html.indexOf("<svg"), "the summary comes first");
        String table = html.substring(summary, html.indexOf("</table>", summary));
        assertTrue(table.contains("<th>sqlite</th>") && table.contains("<th>postgresql</th>") && !table.contains("<th>mysql</th>"),
                "one column per database that ran");
        assertTrue(table.contains("cell fail") && table.contains("cell pass"));
        assertTrue(html.contains("attempts/s") && html.contains("p50 dark, p99 light"));
    }

    @Test
    void theTableShowsEachStrategySideBySideAndTheVerdict() {
        String table = TextReport.render(REPORT);
        assertTrue(table.contains("DUPLICATES"));
        assertTrue(table.contains("unique_violation 10"));
        assertTrue(table.contains("mysql: skipped"));
        assertTrue(table.contains("Idem: no duplicate row, no lost update and no error in any run."));
        assertTrue(table.contains("claim-next-dying (16 workers drain 400 rows)"));
        assertTrue(table.contains("400 rows: 432 delivered (20 to workers that died), 12 handled twice (10 rows), 0 never delivered, 20 unfinished"));
    }

    private static String readRaceLabMd() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("RACE-LAB.md"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new java.util.TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
