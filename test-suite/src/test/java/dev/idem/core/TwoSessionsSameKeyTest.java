package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Two sessions ask for the same key at READ COMMITTED (SQLite: its only level), after PostgreSQL's
 * isolation spec insert-conflict-do-nothing: the second waits for the first, then returns its row, or
 * creates the row itself when the first rolls back. The naive select-then-insert fails in the very same
 * interleaving.
 */
class TwoSessionsSameKeyTest {

    private static final Values URGENT = Values.of("title", "urgent");

    /**
     * 1. A begins and getOrCreate inserts "urgent", uncommitted.
     * 2. B calls getOrCreate("urgent"): its SELECT sees nothing and its INSERT waits for A.
     * 3. A commits.
     * 4. B's INSERT finds the key taken; B reads A's row: created == false, same id.
     */
    @DatabaseTest
    void secondSessionWaitsForTheFirstToCommitThenReturnsItsRow(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED);
             Session b = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            Got first = a.call(c -> idem.on(c).getOrCreate(TAG, URGENT));

            Future<Got> second = b.startBlockedInInsert(c -> idem.on(c).getOrCreate(TAG, URGENT));
            a.commit();

            Got got = second.get(30, TimeUnit.SECONDS);
            assertTrue(first.created());
            assertFalse(got.created());
            assertEquals(first.longId(), got.longId());
        }
        assertEquals(1, rows(db, "urgent"));
    }

    /** As above, but A rolls back in step 3: B's waiting INSERT goes through and B created the row. */
    @DatabaseTest
    void secondSessionCreatesTheRowWhenTheFirstRollsBack(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED);
             Session b = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            assertTrue(a.call(c -> idem.on(c).getOrCreate(TAG, URGENT)).created());

            Future<Got> second = b.startBlockedInInsert(c -> idem.on(c).getOrCreate(TAG, URGENT));
            a.rollback();

            assertTrue(second.get(30, TimeUnit.SECONDS).created());
        }
        assertEquals(1, rows(db, "urgent"));
    }

    /**
     * PostgreSQL aborts a transaction at its first error. B's getOrCreate meets A's row in its INSERT,
     * and B's transaction goes on: it inserts another row and commits both.
     */
    @DatabaseTest
    void getOrCreateThatMetAConflictLeavesTheCallersTransactionUsable(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED);
             Session b = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            a.call(c -> Naive.selectThenInsert(c, "urgent"));

            Future<Got> second = b.startBlockedInInsert(c -> {
                Got got = idem.on(c).getOrCreate(TAG, URGENT);
                Naive.selectThenInsert(c, "after");
                return got;
            });
            a.commit();

            assertFalse(second.get(30, TimeUnit.SECONDS).created());
        }
        assertEquals(1, rows(db, "urgent"));
        assertEquals(1, rows(db, "after"));
    }

    /** The same interleaving with the code users write: B's INSERT fails with a unique violation after A commits. */
    @DatabaseTest
    void naiveSelectThenInsertFailsInTheSameInterleaving(TestDatabase db) throws Exception {
        Schemas.tags(db);
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED);
             Session b = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            a.call(c -> Naive.selectThenInsert(c, "urgent"));

            Future<Long> second = b.startBlockedInInsert(c -> Naive.selectThenInsert(c, "urgent"));
            a.commit();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof SQLException, failed::toString);
            assertTrue(String.valueOf(failed.getCause().getMessage()).toLowerCase().matches("(?s).*(unique|duplicate).*"), failed.getCause()::getMessage);
        }
    }

    static long rows(TestDatabase db, String title) throws SQLException {
        try (Connection c = db.connect()) {
            return Naive.count(c, "select count(*) from tag where title = '" + title + "'");
        }
    }

}
