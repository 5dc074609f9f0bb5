package dev.idem.lab;

import dev.idem.internal.Vendor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the workers of one race saw, attempt by attempt; each worker writes only its own slots, and
 * the results are read after all workers have been joined.
 */
final class Attempts {

    private final int workers;
    private final int rounds;
    private final Vendor vendor;
    private final Outcome[][] outcomes;
    private final String[][] errors;
    private final long[] latencies;
    private final Map<String, String> samples = new TreeMap<>();
    private volatile long begin;
    private volatile long end;

    Attempts(int workers, int rounds, Vendor vendor) {
        this.workers = workers;
        this.rounds = rounds;
        this.vendor = vendor;
        this.outcomes = new Outcome[rounds][workers];
        this.errors = new String[rounds][workers];
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
        String kind = ErrorClasses.classify(error, vendor);
        errors[round][worker] = kind;
        latencies[round * workers + worker] = nanos;
        synchronized (samples) {
            samples.putIfAbsent(kind, ErrorClasses.sample(error));
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

    Map<String, Long> errorCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (String[] round : errors) {
            for (String kind : round) {
                if (kind != null) {
                    counts.merge(kind, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    Result summarize(Cell cell, String version, Scenario.Tally tally) {
        long attempts = (long) workers * rounds;
        Map<String, Long> errorCounts = errorCounts();
        long failed = errorCounts.values().stream().mapToLong(Long::longValue).sum();
        double seconds = Math.max(1, end - begin) / 1e9;
        long[] sorted = latencies.clone();
        double p50 = Latencies.millis(sorted, 50);
        double p99 = Latencies.millis(sorted, 99);
        Result draft = new Result(cell.target().id(), version, cell.scenario().id(), cell.strategy().id(), cell.isolation().id(),
                workers, rounds, attempts, attempts - failed, tally.duplicates(), tally.duplicateKeys(), tally.missing(), splitRounds(),
                errorCounts, Map.copyOf(samples), seconds, attempts / seconds, p50, p99, cell.strategy().raceFree(), "");
        return withNote(draft, Notes.explain(cell, draft));
    }

    private static Result withNote(Result r, String note) {
        return new Result(r.database(), r.version(), r.scenario(), r.strategy(), r.isolation(), r.workers(), r.rounds(), r.attempts(),
                r.succeeded(), r.duplicates(), r.duplicateKeys(), r.missing(), r.splitRounds(), r.errors(), r.errorSamples(),
                r.elapsedSeconds(), r.throughput(), r.p50Millis(), r.p99Millis(), r.raceFree(), note);
    }
}
