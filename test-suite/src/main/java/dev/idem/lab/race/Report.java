package dev.idem.lab.race;

import dev.idem.lab.Databases;
import java.time.Instant;
import java.util.List;

/**
 * Everything one race of the lab produced: its settings, which databases ran or were skipped and why,
 * and one {@link Result} per database x scenario x strategy x isolation.
 */
public record Report(Instant startedAt, Race.Settings settings, List<Databases.Status> databases, List<Result> results) {

    /** Results of race-free strategies that were not clean: what {@code --check} fails on. */
    public List<Result> broken() {
        return results.stream().filter(r -> r.run().raceFree() && !r.clean()).toList();
    }
}
