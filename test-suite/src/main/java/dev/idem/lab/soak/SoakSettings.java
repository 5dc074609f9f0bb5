package dev.idem.lab.soak;

import java.time.Duration;

/**
 * What a soak runs.
 *
 * @param operations calls per database, all workers together; null when only the duration limits the run
 * @param duration how long each database runs; null when only the number of operations limits it
 * @param seed the seed of every worker's choices (worker i draws from {@code seed + i})
 * @param workers concurrent callers per database, each borrowing connections from the database's one pool
 * @param keys tags; the links, counters and accounts follow from it ({@link Space#of})
 * @param naive run the naive code of the users' threads instead of Idem, to see the check fail
 * @param parallel run the databases at the same time, each with its own pool and workers
 */
public record SoakSettings(Long operations, Duration duration, long seed, int workers, int keys, boolean naive, boolean parallel) {

    /** How many operations a run makes when neither a number nor a duration is given. */
    public static final long DEFAULT_OPERATIONS = 20_000;

    public SoakSettings {
        if (operations == null && duration == null) {
            operations = DEFAULT_OPERATIONS;
        }
    }
}
