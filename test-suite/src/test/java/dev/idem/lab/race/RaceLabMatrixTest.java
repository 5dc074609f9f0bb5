package dev.idem.lab.race;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.lab.ErrorClass;
import dev.idem.lab.Isolation;
import dev.idem.lab.scenario.Scenarios;
import dev.idem.testing.Engine;
import dev.idem.lab.report.TextReport;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
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
    private static final int UPDATE_ROUNDS = 12;
    private static final int TRANSFER_ROUNDS = 5;

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
        return new Lab(RaceOptions.parse("--databases", target.id(), "--scenarios", "get-or-create,add-link", "--workers", "8",
                "--rounds", Integer.toString(ROUNDS)), Progress.NONE);
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

    /**
     * Counter and transfer: the naive read-compute-write loses updates and creates or destroys money in
     * auto-commit mode and at the levels that let a write overwrite what another committed after the read
     * (READ COMMITTED; REPEATABLE READ on MySQL); where the database refuses instead (PostgreSQL's and H2's
     * REPEATABLE READ and SERIALIZABLE, InnoDB's SERIALIZABLE, SQLite's deferred transaction) it fails
     * callers and loses nothing. Locking in call order deadlocks wherever the database has row locks and
     * detects deadlocks. SERIALIZABLE without a retry loses nothing but fails callers; Idem loses nothing
     * and no error reaches its callers.
     */
    @DatabaseTest
    void idemLosesNoUpdateAndNoMoneyWhereNaiveCodeDoesAndLockingInCallOrderDeadlocks(TestDatabase db) {
        Target target = db.target();
        // The workarounds that lose nothing (atomic-expression, for-update) are left to the lab: the matrix
        // spends its time on what must differ. Transfers in transactions deadlock on PostgreSQL, which
        // breaks each deadlock only after deadlock_timeout (1 s), so they race fewer rounds.
        List<Result> results = new ArrayList<>(new Lab(RaceOptions.parse("--databases", target.id(), "--scenarios", "counter",
                "--strategies", "naive,idem-update,idem-increment,idem-hibernate", "--workers", "8", "--rounds", Integer.toString(UPDATE_ROUNDS)),
                Progress.NONE).run().results());
        results.addAll(new Lab(RaceOptions.parse("--databases", target.id(), "--scenarios", "transfer",
                "--strategies", "naive,serializable-no-retry,idem,idem-hibernate", "--workers", "8", "--rounds", Integer.toString(TRANSFER_ROUNDS)),
                Progress.NONE).run().results());
        results.addAll(new Lab(lockInCallOrder(target), Progress.NONE).run().results());
        List<String> problems = new ArrayList<>();
        for (Result r : results) {
            Scenario.Amounts amounts = r.rows().amounts();
            String strategy = r.run().strategy();
            Isolation isolation = Isolation.fromId(r.run().isolation());
            if (r.run().raceFree() && !r.clean()) {
                problems.add(describe(r) + " " + r.callers().errorSamples());
            } else if (strategy.equals("naive")) {
                if (naiveLoses(target.engine(), isolation)) {
                    if (amounts.exact() && !showsAfterRetries(target, r, r.run().rounds(), x -> !x.rows().amounts().exact())) {
                        problems.add(describe(r) + ": lost nothing in " + TRIES * r.run().rounds() + " rounds");
                    }
                } else if (!amounts.exact() || r.callers().errorCount() == 0
                        && !showsAfterRetries(target, r, r.run().rounds(), x -> x.callers().errorCount() > 0)) {
                    problems.add(describe(r) + ": expected errors (the database refusing the lost update) and nothing lost");
                }
            } else if (strategy.equals("lock-in-call-order")) {
                boolean deadlocks = target.engine() != Engine.SQLITE;
                if (!amounts.exact() || deadlocks != r.callers().errors().containsKey(ErrorClass.DEADLOCK)
                        && !(deadlocks && new Lab(lockInCallOrder(target), Progress.NONE).run().results().stream()
                                .anyMatch(x -> x.callers().errors().containsKey(ErrorClass.DEADLOCK)))) {
                    problems.add(describe(r) + ": expected money conserved and " + (deadlocks ? "deadlocks" : "no deadlock (SQLite queues the transfers)"));
                }
            } else if (!amounts.exact()) {
                problems.add(describe(r) + ": the workaround lost updates");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n\n"
                + TextReport.render(new Report(java.time.Instant.now(), new Race.Settings(8, UPDATE_ROUNDS, java.time.Duration.ZERO), List.of(), results)));
    }

    /**
     * Where the naive read-compute-write overwrites a committed update instead of failing: auto-commit;
     * READ COMMITTED; MySQL's REPEATABLE READ, whose write reads the newest row while the read saw the
     * snapshot (MariaDB 11.6 and later refuse it, with innodb_snapshot_isolation).
     */
    private static boolean naiveLoses(Engine engine, Isolation isolation) {
        return switch (isolation) {
            case AUTOCOMMIT, READ_COMMITTED -> true;
            case REPEATABLE_READ -> engine == Engine.MYSQL || engine == Engine.MARIADB;
            default -> false;
        };
    }

    private static RaceOptions lockInCallOrder(Target target) {
        return RaceOptions.parse("--databases", target.id(), "--scenarios", "transfer", "--strategies", "lock-in-call-order",
                "--workers", "8", "--rounds", "3", "--think-ms", "5");
    }

    private static boolean showsAfterRetries(Target target, Result first, int rounds, java.util.function.Predicate<Result> shows) {
        for (int i = 1; i < TRIES; i++) {
            RaceOptions options = RaceOptions.parse("--databases", target.id(), "--scenarios", first.run().scenario(), "--strategies",
                    first.run().strategy(), "--isolation", first.run().isolation(), "--workers", "8", "--rounds", Integer.toString(rounds));
            if (new Lab(options, Progress.NONE).run().results().stream().anyMatch(shows)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Result r) {
        return r.run().database() + " " + r.run().scenario() + " " + r.run().strategy() + " " + r.run().isolation() + ": "
                + r.rows().duplicates() + " duplicate rows, " + r.callers().errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", "errors {", "}"))
                + (r.rows().amounts() == null ? "" : ", " + r.rows().amounts().describe())
                + (r.note().isEmpty() ? "" : " (" + r.note() + ")");
    }
}
