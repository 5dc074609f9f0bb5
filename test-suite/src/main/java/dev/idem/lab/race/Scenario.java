package dev.idem.lab.race;

import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One race from the users' threads: the schema it runs on, the strategies that attempt it, and how to
 * count what went wrong afterwards. Every round releases all workers at once: on a fresh key where the race is
 * about creating a row (get-or-create, links), on the same rows where it is about changing them (counter,
 * transfer), so that every round is a real race among all workers. To add one, implement this interface, give it its {@link Strategy strategies}, and
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

    /**
     * Counts once the race is over, knowing how many attempts returned without an error: the scenarios
     * whose expected state depends on it (a counter) override this one; by default it is
     * {@link #tally(Connection, int)}.
     */
    default Tally tally(Connection connection, int rounds, long succeeded) throws SQLException {
        return tally(connection, rounds);
    }

    /**
     * What the rows say after a race.
     *
     * @param amounts for the scenarios that update amounts (counter, transfer): the total expected and found;
     *                null for the others
     */
    public record Tally(long duplicates, long duplicateKeys, long missing, Amounts amounts) {

        public Tally(long duplicates, long duplicateKeys, long missing) {
            this(duplicates, duplicateKeys, missing, null);
        }

        /** A tally of amounts only: no row is ever inserted, so nothing can be duplicated or missing. */
        public static Tally of(Amounts amounts) {
            return new Tally(0, 0, 0, amounts);
        }

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

    /**
     * The sum of one column over the scenario's rows after a race of updates, against what it must be.
     *
     * @param conserved true when the total must stay what it was (money moved between accounts), false when
     *                  every successful attempt adds to it (a counter)
     * @param expected the start (conserved), or the start plus what the successful attempts added
     * @param actual the sum found
     * @param negative rows below zero, which the scenario's change refuses to produce
     */
    public record Amounts(boolean conserved, long expected, long actual, long negative) {

        /** Additions the callers were told succeeded and the rows do not hold (counter); null for a conserved total. */
        public Long lostUpdates() {
            return conserved ? null : expected - actual;
        }

        /** Money found minus money at the start (transfer): above zero created, below zero destroyed; null for a counter. */
        public Long moneyCreated() {
            return conserved ? actual - expected : null;
        }

        /** Rows below zero (transfer); null for a counter. */
        public Long negativeBalances() {
            return conserved ? negative : null;
        }

        /** {@code total 1600, expected 1600: no update lost}, or what went wrong: updates lost, money created or destroyed, balances below zero. */
        public String describe() {
            String text = "total " + actual + ", expected " + expected;
            if (!conserved) {
                return text + (expected == actual ? ": no update lost" : ": " + (expected - actual) + " updates lost");
            }
            long created = actual - expected;
            return text + (created == 0 ? ": money conserved" : created > 0 ? ": " + created + " created" : ": " + -created + " destroyed")
                    + (negative == 0 ? "" : ", " + negative + " negative balances");
        }

        /** True when the total is what it must be and no row went below zero. */
        public boolean exact() {
            return expected == actual && negative == 0;
        }

        /**
         * A lower bound of the callers whose update the rows do not reflect: every lost addition of a
         * counter; for a transfer, one for a wrong total and one per negative balance.
         */
        public long damage() {
            return conserved ? (expected != actual ? 1 : 0) + negative : Math.abs(expected - actual);
        }
    }
}
