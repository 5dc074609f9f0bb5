package dev.idem.core;

import static dev.idem.core.Ledger.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.RetryPolicy;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.Random;

/**
 * 32 workers released together by a barrier, round after round, the invariants checked after every
 * round: a counter that {@code update} and {@code increment} add to is exact, and transfers among four
 * accounts (high contention, both directions) conserve the total and never overdraw. Idem runs with no
 * retries: rows locked in one order never deadlock, so no call may fail even once.
 *
 * <p>100 rounds (3,200 calls) on the databases with row locks, a few seconds each. SQLite's one write
 * lock serialises every call, so a round there is 32 write transactions queued on its busy handler one
 * after another, each committed with a sync, nearly a second a round: every round takes the same path,
 * and 10 rounds show what more would.
 */
class UpdateStressTest {

    private static final int WORKERS = 32;
    private static final int ROUNDS = 100;
    private static final int SQLITE_ROUNDS = 10;

    static int rounds(TestDatabase db) {
        return db.engine() == Engine.SQLITE ? SQLITE_ROUNDS : ROUNDS;
    }

    @DatabaseTest
    void counterIsExactAfterEveryRound(TestDatabase db) throws Exception {
        Ledger.accounts(db, 0);
        Idem idem = Idem.create(db.dataSource(), RetryPolicy.none());
        Values one = Values.of("id", 1L);
        try (Collisions collisions = new Collisions(WORKERS)) {
            collisions.<Row>rounds(rounds(db), round -> worker -> worker % 2 == 0
                    ? idem.update(ACCOUNT, one, row -> Values.of("points", row.getLong("points") + 1))
                    : idem.increment(ACCOUNT, one, "points", 1), (round, outcomes) -> {
                StressTest.assertNoErrors(round, outcomes);
                assertEquals((round + 1L) * WORKERS, Ledger.read(db, 1, "points"), "round " + round + ": lost updates");
            });
        }
    }

    @DatabaseTest
    void transfersConserveTheTotalAndNeverOverdraw(TestDatabase db) throws Exception {
        Ledger.accounts(db, 1000, 1000, 1000, 1000);
        Idem idem = Idem.create(db.dataSource(), RetryPolicy.none());
        try (Collisions collisions = new Collisions(WORKERS)) {
            collisions.<List<Row>>rounds(rounds(db), round -> worker -> {
                Random random = new Random(round * 1000L + worker);
                long from = 1 + random.nextInt(4);
                long to = 1 + (from + random.nextInt(3)) % 4;
                try {
                    return TransferTest.transfer(idem, from, to, 1 + random.nextInt(400));
                } catch (TransferTest.InsufficientFunds refused) {
                    return List.of();
                }
            }, (round, outcomes) -> {
                StressTest.assertNoErrors(round, outcomes);
                assertEquals(4000, Ledger.total(db), "round " + round + ": money created or destroyed");
                try (Connection c = db.connect()) {
                    assertTrue(Naive.count(c, "select count(*) from account where balance < 0") == 0, "round " + round + ": an overdrawn account");
                }
            });
        }
    }
}
