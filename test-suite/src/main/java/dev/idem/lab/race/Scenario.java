package dev.idem.lab.race;

import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One race from the users' threads: the schema it runs on, the strategies that attempt it, and how to
 * count what went wrong afterwards. Every round uses a fresh key, so that every round is a real race
 * among all workers. To add one, implement this interface, give it its {@link Strategy strategies}, and
 * list it in {@link dev.idem.lab.scenario.Scenarios#all()}; the lab, its options, its documents and its
 * checks pick it up from there.
 */
public interface Scenario {

    /** The name used in options and reports, e.g. {@code get-or-create}. */
    String id();

    /** A short title for reports, naming the thread it comes from. */
    String title();

    List<Strategy> strategies();

    /** Creates the tables in a fresh database, and the rows the {@code rounds} rounds need beforehand. */
    void setUp(TestDatabase db, Strategy strategy, int rounds) throws SQLException;

    /** Counts the rows per key of every round once the race is over. */
    Tally tally(Connection connection, int rounds) throws SQLException;

    /** What the rows say after a race. */
    public record Tally(long duplicates, long duplicateKeys, long missing) {

        /** Counts, over the keys of rounds 0 to {@code rounds - 1}, the rows beyond one and the keys with none. */
        public static <K> Tally of(Map<K, Long> rowsPerKey, int rounds, IntFunction<K> keyOfRound) {
            long duplicates = 0;
            long duplicateKeys = 0;
            long missing = 0;
            for (int round = 0; round < rounds; round++) {
                long n = rowsPerKey.getOrDefault(keyOfRound.apply(round), 0L);
                missing += n == 0 ? 1 : 0;
                duplicateKeys += n > 1 ? 1 : 0;
                duplicates += Math.max(0, n - 1);
            }
            return new Tally(duplicates, duplicateKeys, missing);
        }
    }
}
