package dev.idem.lab.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idem.lab.Documents;
import dev.idem.lab.ErrorClass;
import dev.idem.lab.race.Report;
import dev.idem.lab.race.Result;
import dev.idem.lab.race.Scenario;
import java.util.Map;

/**
 * Renders a race {@link Report} as the lab's JSON document, schema {@value #SCHEMA}, with Jackson. The
 * fields are documented in test-suite/RACE-LAB.md; add fields freely, never rename or remove one without
 * a new schema name.
 */
public final class JsonReport {

    public static final String SCHEMA = "idem-race-lab/1";

    private JsonReport() {
    }

    public static String render(Report report) {
        ObjectNode document = Documents.object().put("schema", SCHEMA).put("startedAt", report.startedAt().toString());
        document.putObject("settings")
                .put("workers", report.settings().workers())
                .put("rounds", report.settings().rounds())
                .put("thinkMillis", report.settings().think().toMillis())
                .put("backlog", report.settings().backlog())
                .put("backlogWorkers", report.settings().backlogWorkers());
        document.set("databases", Documents.databases(report.databases()));
        ArrayNode results = document.putArray("results");
        for (Result r : report.results()) {
            result(results.addObject(), r);
        }
        return Documents.render(document);
    }

    private static void result(ObjectNode node, Result r) {
        Result.Run run = r.run();
        node.put("database", run.database())
                .put("version", run.version())
                .put("scenario", run.scenario())
                .put("strategy", run.strategy())
                .put("isolation", run.isolation())
                .put("workers", run.workers())
                .put("rounds", run.rounds())
                .put("attempts", r.callers().attempts())
                .put("succeeded", r.callers().succeeded())
                .put("duplicates", r.rows().duplicates())
                .put("duplicateKeys", r.rows().duplicateKeys())
                .put("missing", r.rows().missing())
                .put("splitRounds", r.callers().splitRounds());
        amounts(node, r.rows().amounts());
        node.put("errorCount", r.callers().errorCount());
        byClass(node.putObject("errors"), r.callers().errors());
        byClass(node.putObject("errorSamples"), r.callers().errorSamples());
        node.set("elapsedSeconds", Documents.measure(r.timing().elapsedSeconds()));
        node.set("throughput", Documents.measure(r.timing().throughput()));
        ObjectNode latency = node.putObject("latencyMillis");
        latency.set("p50", Documents.measure(r.timing().p50Millis()));
        latency.set("p99", Documents.measure(r.timing().p99Millis()));
        node.put("raceFree", run.raceFree())
                .put("verdict", r.verdict().id())
                .put("note", r.note());
        deliveries(node, r.deliveries());
    }

    /** What the workers of a backlog scenario were handed; null for the scenarios that race rounds. */
    private static void deliveries(ObjectNode node, Result.Deliveries d) {
        if (d == null) {
            node.putNull("deliveries");
            return;
        }
        node.putObject("deliveries")
                .put("rows", d.rows())
                .put("delivered", d.delivered())
                .put("abandoned", d.abandoned())
                .put("doubleDeliveries", d.doubleDeliveries())
                .put("rowsDeliveredTwice", d.rowsDeliveredTwice())
                .put("neverDelivered", d.neverDelivered())
                .put("unfinished", d.unfinished())
                .put("lateFinishes", d.lateFinishes());
    }

    /** The totals of the scenarios that update amounts (counter, transfer); null for the others, and where they do not apply. */
    private static void amounts(ObjectNode node, Scenario.Amounts amounts) {
        node.put("expectedTotal", amounts == null ? null : amounts.expected())
                .put("actualTotal", amounts == null ? null : amounts.actual())
                .put("lostUpdates", amounts == null ? null : amounts.lostUpdates())
                .put("moneyCreated", amounts == null ? null : amounts.moneyCreated())
                .put("negativeBalances", amounts == null ? null : amounts.negativeBalances());
    }

    /** Entries by the classes' document names, in the enum's order. */
    private static void byClass(ObjectNode node, Map<ErrorClass, ?> entries) {
        for (ErrorClass kind : ErrorClass.values()) {
            Object value = entries.get(kind);
            if (value instanceof Long n) {
                node.put(kind.id(), n);
            } else if (value != null) {
                node.put(kind.id(), value.toString());
            }
        }
    }
}
