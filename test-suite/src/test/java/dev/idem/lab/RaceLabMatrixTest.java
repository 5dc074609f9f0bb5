package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Target;
import dev.idem.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The lab on every database, with small rounds: the naive code must show the race where it can occur,
 * and Idem must show none, in every transaction mode.
 */
class RaceLabMatrixTest {

    private static final int ROUNDS = 30;
    /** A race that did not show in one run gets this many runs in all before the test calls it missing. */
    private static final int TRIES = 4;

    @DatabaseTest
    void idemLeavesOneRowAndNoErrorWhereNaiveCodeDuplicatesOrFails(TestDatabase db) {
        Target target = db.target();
        Report report = lab(target, List.of()).run();
        List<String> problems = new ArrayList<>();
        for (Result r : report.results()) {
            if (r.raceFree() && !r.clean()) {
                problems.add(describe(r) + " " + r.errorSamples());
            }
        }
        for (Result r : report.results()) {
            if (raceCanOccur(target, r) && r.failures() == 0 && !showsAfterRetries(target, r)) {
                problems.add(describe(r) + ": the race never showed in " + TRIES * ROUNDS + " rounds");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n\n" + TextReport.render(report));
    }

    /**
     * Naive code races everywhere, in every mode it runs in (SQLite answers SQLITE_BUSY in deferred
     * transactions instead of duplicating); the catch-and-reselect workaround fails under REPEATABLE READ.
     */
    private static boolean raceCanOccur(Target target, Result r) {
        boolean naive = r.strategy().equals("naive") || r.strategy().equals("naive-unique");
        boolean snapshotReselect = r.strategy().equals("catch-reselect") && r.isolation().equals(Isolation.REPEATABLE_READ.id());
        return naive || snapshotReselect;
    }

    private static boolean showsAfterRetries(Target target, Result first) {
        for (int i = 1; i < TRIES; i++) {
            LabOptions options = options(target, List.of(first.scenario()), List.of(first.strategy()), List.of(first.isolation()));
            if (new Lab(options, Progress.NONE).run().results().stream().anyMatch(r -> r.failures() > 0)) {
                return true;
            }
        }
        return false;
    }

    private static Lab lab(Target target, List<String> scenarios) {
        return new Lab(options(target, scenarios, List.of(), List.of()), Progress.NONE);
    }

    private static LabOptions options(Target target, List<String> scenarios, List<String> strategies, List<String> isolations) {
        return new LabOptions(List.of(target), scenarios, strategies, isolations, 8, ROUNDS, Duration.ZERO, null, null, false, false);
    }

    private static String describe(Result r) {
        return r.database() + " " + r.scenario() + " " + r.strategy() + " " + r.isolation() + ": " + r.duplicates() + " duplicate rows, "
                + r.errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", "errors {", "}"))
                + (r.note().isEmpty() ? "" : " (" + r.note() + ")");
    }
}
