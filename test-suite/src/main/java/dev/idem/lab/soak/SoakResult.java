package dev.idem.lab.soak;

import java.util.List;
import java.util.Map;

/**
 * What a soak did on one database and what the history check found.
 *
 * @param workload {@code idem} or {@code naive}
 * @param operations calls made, all kinds together (the drain at the end not included)
 * @param elapsedSeconds wall time of the mixed workload, until the last call returned
 * @param byKind how the calls of each kind ended
 * @param errors calls that failed with an unexpected exception, by its class; {@code errorSamples} one message each
 * @param emptyClaims claims that found no row they could take (none waiting, or every waiting row held by other workers)
 * @param drainedRows queue rows the drain at the end finished
 * @param checked what the check looked at
 * @param violationCount broken promises found; {@code violations} the first few
 */
public record SoakResult(String database, String version, String workload, int workers, long operations, double elapsedSeconds,
                         Map<Kind, Outcomes.Counts> byKind, Map<String, Long> errors, Map<String, String> errorSamples, long emptyClaims, long drainedRows,
                         Checker.Checked checked, long violationCount, List<Violations.Violation> violations) {

    public double throughput() {
        return elapsedSeconds > 0 ? operations / elapsedSeconds : 0;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public long retries() {
        return byKind.values().stream().mapToLong(Outcomes.Counts::retries).sum();
    }

    public long unknown() {
        return byKind.values().stream().mapToLong(Outcomes.Counts::unknown).sum();
    }

    /** No violation and no unexpected error. */
    public boolean passed() {
        return violationCount == 0 && errorCount() == 0;
    }
}
