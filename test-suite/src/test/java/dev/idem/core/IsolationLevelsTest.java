package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * getOrCreate at the isolation levels where the usual patterns break: MySQL's and MariaDB's REPEATABLE
 * READ, whose snapshot hides a row that another session committed, and PostgreSQL's REPEATABLE READ and
 * SERIALIZABLE, where a conflict with such a row can only be settled by running the transaction again.
 */
class IsolationLevelsTest {

    private static final Values URGENT = Values.of("title", "urgent");

    /**
     * 1. A begins at REPEATABLE READ and reads the table: its snapshot has no "urgent".
     * 2. B creates "urgent" and commits.
     * 3. A calls getOrCreate("urgent"): its SELECT misses (snapshot), its INSERT hits B's row, and the
     *    locking re-read returns B's row: created == false, B's id.
     */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL})
    void repeatableReadSnapshotHidesTheCommittedRowYetGetOrCreateReturnsIt(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_REPEATABLE_READ)) {
            a.begin();
            a.execute("select count(*) from tag");
            Got byB = idem.getOrCreate(TAG, URGENT);

            Got got = a.call(c -> idem.on(c).getOrCreate(TAG, URGENT));
            a.commit();

            assertFalse(got.created());
            assertEquals(byB.longId(), got.longId());
        }
    }

    /** The same interleaving with Django's select / insert / catch / re-select: the re-select finds nothing. */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL})
    void catchAndReselectFindsNothingUnderRepeatableRead(TestDatabase db) throws Exception {
        Schemas.tags(db);
        try (Session a = Session.open(db, Connection.TRANSACTION_REPEATABLE_READ)) {
            a.begin();
            a.execute("select count(*) from tag");
            Idem.create(db.dataSource()).getOrCreate(TAG, URGENT);

            assertNull(a.call(c -> Naive.catchAndReselect(c, "urgent")), "the snapshot hides the row the duplicate key error is about");
            a.rollback();
        }
    }

    /**
     * 1. A begins at REPEATABLE READ (then SERIALIZABLE) and reads: its snapshot has no "urgent".
     * 2. B creates "urgent" and commits.
     * 3. A's getOrCreate: ON CONFLICT meets a row its snapshot cannot see; PostgreSQL raises 40001, and
     *    Idem, which must not roll back the caller's transaction, says to retry it. The transaction can still be rolled back.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void callersRepeatableReadOrSerializableTransactionIsToldToRetry(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        for (int isolation : List.of(Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE)) {
            Values key = Values.of("title", "urgent-" + isolation);
            try (Session a = Session.open(db, isolation)) {
                a.begin();
                a.execute("select count(*) from tag");
                idem.getOrCreate(TAG, key);

                RetryTransactionException retry = assertThrows(RetryTransactionException.class, () -> a.call(c -> idem.on(c).getOrCreate(TAG, key)));
                assertEquals("40001", retry.sqlState());
                a.rollback();
                assertTrue(a.call(c -> idem.on(c).getOrCreate(TAG, key)).row() != null, "the connection is usable after the rollback");
            }
        }
    }

    /**
     * On a data source whose connections run at REPEATABLE READ (then SERIALIZABLE):
     * 1. B begins and inserts "urgent", uncommitted.
     * 2. Idem's getOrCreate (one statement that reads, then inserts on a miss) misses and its INSERT waits for B.
     * 3. B commits: the statement fails with 40001, and Idem, owning its transaction, runs the operation
     *    again: the new statement finds B's row.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void dataSourceModeRetriesASerializationFailureItself(TestDatabase db) throws Exception {
        Schemas.tags(db);
        for (int isolation : List.of(Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE)) {
            JdbcSpy spy = new JdbcSpy();
            Idem idem = Idem.create(spy.wrap(db.dataSource(isolation)));
            try (Connection c = db.connect()) {
                idem.check(c, TAG); // the catalog, read once, is not what is counted
            }
            Values key = Values.of("title", "urgent-" + isolation);
            try (Session b = Session.open(db)) {
                b.begin();
                Got byB = b.call(c -> Idem.create(db.dataSource()).on(c).getOrCreate(TAG, key));
                CountDownLatch inserting = new CountDownLatch(1);
                spy.beforeExecute(sql -> {
                    if (sql.contains("insert into")) {
                        inserting.countDown();
                    }
                });
                ExecutorService caller = Executors.newSingleThreadExecutor();
                try {
                    Future<Got> got = caller.submit(() -> idem.getOrCreate(TAG, key));
                    assertTrue(inserting.await(30, TimeUnit.SECONDS));
                    b.awaitAnotherBlockedBehindMe();
                    b.commit();
                    Got result = got.get(30, TimeUnit.SECONDS);
                    assertFalse(result.created());
                    assertEquals(byB.longId(), result.longId());
                    assertEquals(2, spy.count(), "read-or-insert (40001), then read-or-insert again: " + spy.executed());
                } finally {
                    caller.shutdownNow();
                }
            }
        }
    }

    /**
     * inTransaction at REPEATABLE READ: the first run reads, then another session commits the key, then
     * getOrCreate fails with 40001; inTransaction rolls back and runs the work again, which finds the row.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void inTransactionRunsTheWholeUnitOfWorkAgain(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem other = Idem.create(db.dataSource());
        Idem idem = Idem.create(db.dataSource(Connection.TRANSACTION_REPEATABLE_READ));
        AtomicInteger runs = new AtomicInteger();
        Got got = idem.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("select count(*) from tag");
            }
            if (runs.incrementAndGet() == 1) {
                other.getOrCreate(TAG, URGENT);
            }
            return idem.on(c).getOrCreate(TAG, URGENT);
        }, RetryPolicy.attempts(3));
        Got byOther = other.getOrCreate(TAG, URGENT);
        assertEquals(2, runs.get());
        assertFalse(got.created());
        assertEquals(byOther.longId(), got.longId());
    }
}
