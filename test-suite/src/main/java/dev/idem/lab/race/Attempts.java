package dev.idem.lab.race;

import dev.idem.lab.ErrorClass;
import dev.idem.testing.Engine;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the workers of one race saw, attempt by attempt; each worker writes only its own slots, and
 * the results are read after all workers have been joined.
 */
final class Attempts {

    private final int workers;
    private final int rounds;
    private final Engine engine;
    private final Outcome[][] outcomes;
    private final ErrorClass[][] errors;
    private final long[] latencies;
    private final Map<ErrorClass, String> samples = new EnumMap<>(ErrorClass.class);
    private volatile long begin;
    private volatile long end;

    Attempts(int workers, int rounds, Engine engine) {
        this.workers = workers;
        this.rounds = rounds;
        this.engine = engine;
        this.outcomes = new Outcome[rounds][workers];
        this.errors = new ErrorClass[rounds][workers];
        this.latencies = new long[rounds * workers];
    }

    void begin() {
        begin = System.nanoTime();
    }

    void end() {
        end = System.nanoTime();
    }

    void succeeded(int round, int worker, Outcome outcome, long nanos) {
        outcomes[round][worker] = outcome;
        latencies[round * workers + worker] = nanos;
    }

    void failed(int round, int worker, Throwable error, long nanos) {
        ErrorClass kind = ErrorClass.of(error, engine);
        errors[round][worker] = kind;
        latencies[round * workers + worker] = nanos;
        synchronized (samples) {
            samples.putIfAbsent(kind, ErrorClass.sample(error));
        }
    }

    /** Rounds in which several callers said they created the row, or successful callers got different rows. */
    long splitRounds() {
        long split = 0;
        for (Outcome[] round : outcomes) {
            Set<Object> rows = new HashSet<>();
            int creators = 0;
            for (Outcome outcome : round) {
                if (outcome != null) {
                    rows.add(outcome.row());
                    creators += outcome.created() ? 1 : 0;
                }
            }
            split += creators > 1 || rows.size() > 1 ? 1 : 0;
        }
        return split;
    }

    /** Attempts that returned without an error. */
    long succeeded() {
        return (long) workers * rounds - errorCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    Map<ErrorClass, Long> errorCounts() {
        Map<ErrorClass, Long> counts = new EnumMap<>(ErrorClass.class);
        for (ErrorClass[] round : errors) {
            for (ErrorClass kind : round) {
                if (kind != null) {
                    counts.merge(kind, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    Result summarize(Cell cell, String version, Scenario.Tally tally) {
        Result.Run run = cell.run(version, workers, rounds);
        Map<ErrorClass, Long> errorCounts = errorCounts();
        long failed = errorCounts.values().stream().mapToLong(Long::longValue).sum();
        double seconds = Math.max(1, end - begin) / 1e9;
        long[] sorted = latencies.clone();
        Result.Timing timing = new Result.Timing(seconds, run.attempts() / seconds, Latencies.millis(sorted, 50), Latencies.millis(sorted, 99));
        Map<ErrorClass, String> sampled;
        synchronized (samples) {
            sampled = Map.copyOf(samples);
        }
        Result draft = new Result(run, tally, new Result.Callers(run.attempts(), run.attempts() - failed, splitRounds(), errorCounts, sampled),
                timing, "");
        return draft.withNote(Notes.explain(cell, draft));
    }
}
