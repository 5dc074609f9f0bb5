package dev.idem.lab.race;

import dev.idem.lab.ErrorClass;
import java.util.Map;

/**
 * What one database x scenario x strategy x isolation run measured, in four groups: which run, what the
 * rows say afterwards, what the callers saw, and how long it took. test-suite/RACE-LAB.md documents each
 * field as the JSON document names it.
 *
 * @param note why the result came out so; empty when there is nothing to say
 * @param deliveries what the workers of a {@link Backlog} scenario were handed; null for the other scenarios
 */
public record Result(Run run, Scenario.Tally rows, Callers callers, Timing timing, String note, Deliveries deliveries) {

    /** The result of a scenario that races rounds, with no {@link Deliveries}. */
    public Result(Run run, Scenario.Tally rows, Callers callers, Timing timing, String note) {
        this(run, rows, callers, timing, note, null);
    }

    /**
     * Which run: the database (its id and the version it reported; null when the run failed before
     * connecting), the scenario, the strategy and the transaction mode, by their ids.
     *
     * @param raceFree whether the strategy claims to be race-free (it is checked)
     */
    public record Run(String database, String version, String scenario, String strategy, String isolation, int workers, int rounds,
                      boolean raceFree) {

        /** {@code workers x rounds}. */
        public long attempts() {
            return (long) workers * rounds;
        }
    }

    /**
     * What the callers saw.
     *
     * @param splitRounds rounds in which more than one caller said it created the row, or callers that succeeded got different rows
     * @param errors errors by class
     * @param errorSamples one message per error class
     */
    public record Callers(long attempts, long succeeded, long splitRounds, Map<ErrorClass, Long> errors,
                          Map<ErrorClass, String> errorSamples) {

        public Callers {
            errors = Map.copyOf(errors);
            errorSamples = Map.copyOf(errorSamples);
        }

        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * How long the race took.
     *
     * @param throughput attempts per second over the whole race, all workers together
     */
    public record Timing(double elapsedSeconds, double throughput, double p50Millis, double p99Millis) {

        static final Timing NONE = new Timing(0, 0, 0, 0);
    }

    /**
     * What the workers of a {@link Backlog} scenario were handed, row by row. {@link #rows()} counts
     * {@code doubleDeliveries} as duplicates, {@code rowsDeliveredTwice} as duplicate keys and
     * {@code unfinished} as missing, so that verdicts and checks read them as they read every scenario.
     *
     * @param rows the backlog's rows
     * @param delivered rows handed to a worker, all workers together: a row handed out twice counts twice
     * @param abandoned deliveries whose worker died holding the row (the dying-worker variant)
     * @param doubleDeliveries deliveries of a row beyond its first that a worker finished: the row was handled twice
     * @param rowsDeliveredTwice rows that more than one worker finished
     * @param neverDelivered rows no worker was ever handed
     * @param unfinished rows not finished when the run ended, as the table says
     * @param lateFinishes finishes refused because the worker's lease had lapsed (the fencing token at work)
     */
    public record Deliveries(long rows, long delivered, long abandoned, long doubleDeliveries, long rowsDeliveredTwice,
                             long neverDelivered, long unfinished, long lateFinishes) {
    }

    /** A run that could not complete: one {@link ErrorClass#RUN_FAILED} error, and the note says why. */
    static Result failed(Run run, Exception e) {
        return new Result(run, new Scenario.Tally(0, 0, 0),
                new Callers(0, 0, 0, Map.of(ErrorClass.RUN_FAILED, 1L), Map.of(ErrorClass.RUN_FAILED, ErrorClass.sample(e))),
                Timing.NONE, "the run could not complete: " + e.getMessage());
    }

    Result withNote(String text) {
        return new Result(run, rows, callers, timing, text, deliveries);
    }

    /**
     * Callers who got a wrong answer: a row of their own (a duplicate), an error, or an update the rows do
     * not hold ({@link Scenario.Amounts#damage()}).
     */
    public long failures() {
        return rows.duplicates() + callers.errorCount() + (rows.amounts() == null ? 0 : rows.amounts().damage());
    }

    /** True when nothing went wrong: no duplicate, no wrong total, no error, no missing row, no disagreement. */
    public boolean clean() {
        return verdict() == Verdict.OK;
    }

    /** The worst thing that happened. */
    public Verdict verdict() {
        if (rows.duplicates() > 0) {
            return Verdict.DUPLICATES;
        }
        if (rows.amounts() != null && !rows.amounts().exact()) {
            return Verdict.LOST;
        }
        if (callers.errorCount() > 0) {
            return Verdict.ERRORS;
        }
        return rows.missing() > 0 || callers.splitRounds() > 0 ? Verdict.SPLIT : Verdict.OK;
    }
}
