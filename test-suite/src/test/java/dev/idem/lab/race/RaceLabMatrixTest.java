package dev.idem.lab.race;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.lab.ErrorClass;
import dev.idem.lab.Isolation;
import dev.idem.lab.scenario.Scenarios;
import dev.idem.testing.Engine;
import dev.idem.lab.report.TextReport;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Target;
import dev.idem.testing.TestDatabase;
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
    /** Rows per claim run: enough for naive workers to collide, few enough for a short run. */
    private static final int BACKLOG = 100;

    @DatabaseTest
    void idemLeavesOneRowAndNoErrorWhereNaiveCodeDuplicatesOrFails(TestDatabase db) {
        Target target = db.target();
        Report report = lab(target).run();
        List<String> problems = new ArrayList<>();
        for (Result r : report.results()) {
            if (r.run().raceFree() && !r.clean()) {
                problems.add(describe(r) + " " + r.callers().errorSamples());
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
        String strategy = r.run().strategy();
        boolean naive = strategy.equals("naive") || strategy.equals("naive-unique");
        boolean snapshotReselect = strategy.equals("catch-reselect") && r.run().isolation().equals(Isolation.REPEATABLE_READ.id());
        return naive || snapshotReselect;
    }

    /**
     * Runs the race again, each time with a longer pause between the naive code's read and its write (as
     * real code computes between them): on a busy machine the workers of an embedded database can run one
     * after the other, and the race needs its window.
     */
    private static boolean showsAfterRetries(Target target, Result first) {
        for (int i = 1; i < TRIES; i++) {
            RaceOptions options = options(target, first.run().scenario(), first.run().strategy(), first.run().isolation(), i);
            if (new Lab(options, Progress.NONE).run().results().stream().anyMatch(r -> r.failures() > 0)) {
                return true;
            }
        }
        return false;
    }

    private static Lab lab(Target target) {
        String rounded = Scenarios.all().stream().filter(s -> !(s instanceof Backlog)).map(Scenario::id).collect(Collectors.joining(","));
        return new Lab(RaceOptions.parse("--databases", target.id(), "--scenarios", rounded, "--workers", "8", "--rounds", Integer.toString(ROUNDS)),
                Progress.NONE);
    }

    /**
     * 16 workers drain a backlog of {@value #BACKLOG} rows, and again with workers that die holding rows:
     * naive workers that read the same first row before one of them marked it both handle it (on SQLite, in
     * a deferred transaction, the second gets SQLITE_BUSY instead); filtered-update and for-update never
     * hand a row out twice but leave a dead worker's row taken for ever; Idem hands every row to exactly
     * one live worker and brings a dead worker's row back after its lease, so every row is finished once.
     */
    @DatabaseTest
    void idemFinishesEveryRowOnceWhereNaiveWorkersTakeTheSameRowAndDeadWorkersStrandRows(TestDatabase db) {
        Target target = db.target();
        Report report = new Lab(claimOptions(target, "claim-next,claim-next-dying", null, null), Progress.NONE).run();
        List<String> problems = new ArrayList<>();
        for (Result r : report.results()) {
            Result.Deliveries d = r.deliveries();
            String strategy = r.run().strategy();
            boolean dying = r.run().scenario().equals("claim-next-dying");
            if (r.run().raceFree() && (!r.clean() || d.doubleDeliveries() + d.neverDelivered() + d.unfinished() > 0)) {
                problems.add(describe(r) + " " + d + " " + r.callers().errorSamples());
            }
            if (strategy.equals("naive") && r.failures() == 0 && !claimShowsAfterRetries(target, r)) {
                problems.add(describe(r) + ": no worker was handed a row twice in " + TRIES + " runs");
            }
            if (strategy.equals("naive") && target.engine() == Engine.SQLITE && r.run().isolation().equals(Isolation.DEFERRED.id())
                    && !r.callers().errors().containsKey(ErrorClass.BUSY)) {
                problems.add(describe(r) + ": SQLite's deferred transactions should have answered SQLITE_BUSY");
            }
            if ((strategy.equals("filtered-update") || strategy.equals("for-update")) && d.doubleDeliveries() > 0) {
                problems.add(describe(r) + ": handed a row to two workers");
            }
            if ((strategy.equals("filtered-update") || strategy.equals("for-update")) && dying && d.unfinished() != d.abandoned()) {
                problems.add(describe(r) + ": every row a dead worker held should stay unfinished, without a lease: " + d);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n\n" + TextReport.render(report));
    }

    private static boolean claimShowsAfterRetries(Target target, Result first) {
        for (int i = 1; i < TRIES; i++) {
            RaceOptions options = claimOptions(target, first.run().scenario(), first.run().strategy(), first.run().isolation());
            if (new Lab(options, Progress.NONE).run().results().stream().anyMatch(r -> r.failures() > 0)) {
                return true;
            }
        }
        return false;
    }

    private static RaceOptions claimOptions(Target target, String scenarios, String strategy, String isolation) {
        List<String> args = new ArrayList<>(List.of("--databases", target.id(), "--scenarios", scenarios, "--workers", "16",
                "--backlog", Integer.toString(BACKLOG)));
        if (strategy != null) {
            args.addAll(List.of("--strategies", strategy, "--isolation", isolation));
        }
        return RaceOptions.parse(args.toArray(String[]::new));
    }

    private static RaceOptions options(Target target, String scenario, String strategy, String isolation, int thinkMillis) {
        return RaceOptions.parse("--databases", target.id(), "--scenarios", scenario, "--strategies", strategy, "--isolation", isolation,
                "--workers", "8", "--rounds", Integer.toString(ROUNDS), "--think-ms", Integer.toString(thinkMillis));
    }

    private static String describe(Result r) {
        return r.run().database() + " " + r.run().scenario() + " " + r.run().strategy() + " " + r.run().isolation() + ": "
                + r.rows().duplicates() + " duplicate rows, " + r.callers().errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", "errors {", "}"))
                + (r.note().isEmpty() ? "" : " (" + r.note() + ")");
    }
}
