package dev.idem.lab;

import java.util.Map;

/**
 * What one database x scenario x strategy x isolation run measured. The fields are those of the JSON
 * document (see test-suite/RACE-LAB.md); keep them stable.
 *
 * @param duplicates rows beyond the first for a key, summed over all keys (each one a caller that got a row of its own)
 * @param duplicateKeys keys with more than one row
 * @param missing keys of a round with no row at all (every caller failed)
 * @param splitRounds rounds in which more than one caller said it created the row, or callers that succeeded got different rows
 * @param errors errors the callers saw, by {@linkplain ErrorClasses class}
 * @param errorSamples one message per error class
 * @param throughput attempts per second over the whole run, all workers together
 * @param raceFree whether the strategy claims to be race-free (it is checked)
 * @param note why a strategy that can fail did not, or other remarks; empty when there is nothing to say
 */
record Result(String database, String version, String scenario, String strategy, String isolation, int workers, int rounds,
              long attempts, long succeeded, long duplicates, long duplicateKeys, long missing, long splitRounds,
              Map<String, Long> errors, Map<String, String> errorSamples, double elapsedSeconds, double throughput,
              double p50Millis, double p99Millis, boolean raceFree, String note) {

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Callers who got a wrong answer: a row of their own (a duplicate) or an error. */
    long failures() {
        return duplicates + errorCount();
    }

    /** True when nothing went wrong: no duplicate, no error, no missing row, no disagreement. */
    boolean clean() {
        return duplicates == 0 && errorCount() == 0 && missing == 0 && splitRounds == 0;
    }

    /** {@code ok}, {@code duplicates}, {@code errors} or {@code split}, the worst first. */
    String verdict() {
        if (duplicates > 0) {
            return "duplicates";
        }
        if (errorCount() > 0) {
            return "errors";
        }
        return missing > 0 || splitRounds > 0 ? "split" : "ok";
    }
}
