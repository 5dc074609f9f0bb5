package dev.idem.lab;

import java.time.Instant;
import java.util.List;

/**
 * Everything one run of the lab produced: its settings, which databases ran or were skipped and why,
 * and one {@link Result} per database x scenario x strategy x isolation.
 */
record Report(Instant startedAt, int workers, int rounds, long thinkMillis, List<DatabaseStatus> databases, List<Result> results) {

    /** A database the lab was asked to run on: its version when it ran, the reason when it was skipped. */
    record DatabaseStatus(String database, boolean available, String version, String problem) {
    }

    /** Results of race-free strategies that were not clean: what {@code --check} fails on. */
    List<Result> broken() {
        return results.stream().filter(r -> r.raceFree() && !r.clean()).toList();
    }
}
