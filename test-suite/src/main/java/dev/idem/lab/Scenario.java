package dev.idem.lab;

import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One race from the users' threads: the schema it runs on, the strategies that attempt it, and how to
 * count what went wrong afterwards. Every round uses a fresh key, so that every round is a real race
 * among all workers.
 */
interface Scenario {

    String id();

    /** A short title for reports, naming the thread it comes from. */
    String title();

    List<Strategy> strategies();

    /** Creates the tables in a fresh database, and the rows the {@code rounds} rounds need beforehand. */
    void setUp(TestDatabase db, Strategy strategy, int rounds) throws SQLException;

    /** Counts the rows per key of every round once the race is over. */
    Tally tally(Connection connection, int rounds) throws SQLException;

    /** What the rows say after a race. */
    record Tally(long duplicates, long duplicateKeys, long missing) {
    }
}
