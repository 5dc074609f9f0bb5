package dev.idem.core;

import static dev.idem.core.Ledger.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.NoSuchRowException;
import dev.idem.RetryTransactionException;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seed 002: {@code user.points += calculate_points(user); user.save()} run by two requests at once. The
 * naive read-compute-save loses one of them; {@code update} reads the row under a lock, so the second
 * request waits and computes from the first one's result.
 */
class LostUpdateTest {

    private static final Values ONE = Values.of("id", 1L);

    /**
     * 1. A reads points = 0.
     * 2. B reads points = 0.
     * 3. A saves 0 + 10.
     * 4. B saves 0 + 5: A's 10 points are lost.
     */
    @DatabaseTest
    void naiveReadComputeSaveLosesTheFirstRequestsPoints(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        try (Session a = Session.open(db); Session b = Session.open(db)) {
            long readByA = a.call(c -> Ledger.read(c, 1, "points"));
            long readByB = b.call(c -> Ledger.read(c, 1, "points"));
            a.call(c -> {
                Ledger.write(c, 1, "points", readByA + 10);
                return null;
            });
            b.call(c -> {
                Ledger.write(c, 1, "points", readByB + 5);
                return null;
            });
        }
        assertEquals(5, Ledger.read(db, 1, "points"), "A's 10 points should be lost");
    }

    /**
     * 1. A's update reads points = 0 under a lock; its change function is held open.
     * 2. B's update waits for A's lock (proved by asking the database; on SQLite, which cannot say,
     *    B has issued its BEGIN IMMEDIATE while A holds the write lock).
     * 3. A's change returns 0 + 10; A writes and commits.
     * 4. B reads 10 and writes 10 + 5: nothing is lost.
     */
    @DatabaseTest
    void updateMakesTheSecondRequestWaitAndComputeFromTheFirstOnesResult(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Idem idem = Idem.create(db.dataSource());
        CountDownLatch aRead = new CountDownLatch(1);
        CountDownLatch aMayWrite = new CountDownLatch(1);
        CountDownLatch bReachedItsLock = new CountDownLatch(1);
        try (Session a = Session.open(db); Session b = Session.open(db)) {
            Future<Row> byA = a.start(c -> idem.on(c).update(ACCOUNT, ONE, row -> {
                aRead.countDown();
                await(aMayWrite);
                return Values.of("points", row.getLong("points") + 10);
            }));
            assertTrue(aRead.await(30, TimeUnit.SECONDS));

            JdbcSpy spy = new JdbcSpy();
            spy.beforeExecute(sql -> {
                if (sql.contains("for update") || sql.equals("begin immediate")) {
                    bReachedItsLock.countDown();
                }
            });
            AtomicInteger bChanges = new AtomicInteger();
            Future<Row> byB = b.start(c -> idem.on(spy.wrap(c)).update(ACCOUNT, ONE, row -> {
                bChanges.incrementAndGet();
                return Values.of("points", row.getLong("points") + 5);
            }));
            awaitWaiting(db, b, bReachedItsLock);
            assertFalse(byB.isDone(), "B must wait for A's lock");
            assertEquals(0, bChanges.get(), "B must not read the row while A holds it");

            aMayWrite.countDown();
            assertEquals(10, byA.get(30, TimeUnit.SECONDS).getLong("points"));
            assertEquals(15, byB.get(30, TimeUnit.SECONDS).getLong("points"));
        }
        assertEquals(15, Ledger.read(db, 1, "points"));
    }

    /**
     * MySQL's and MariaDB's REPEATABLE READ: a plain SELECT reads the transaction's snapshot, but the
     * UPDATE writes over the newest row, so a save computed from the snapshot silently loses what another
     * session committed after it.
     * 1. A begins at REPEATABLE READ and reads points = 0 (the snapshot is fixed).
     * 2. B adds 1 and commits.
     * 3. Naive A saves 0 + 10: B's point is lost. With Idem, A's locking read sees 1 and saves 11.
     */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL})
    void repeatableReadSnapshotLosesTheNaiveSaveButNotTheLockingRead(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100, 100);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_REPEATABLE_READ)) {
            a.begin();
            long naiveRead = a.call(c -> Ledger.read(c, 1, "points"));
            a.call(c -> Ledger.read(c, 2, "points"));
            idem.increment(ACCOUNT, Values.of("id", 1L), "points", 1);
            idem.increment(ACCOUNT, Values.of("id", 2L), "points", 1);

            a.call(c -> {
                Ledger.write(c, 1, "points", naiveRead + 10);
                return null;
            });
            Row byIdem = a.call(c -> idem.on(c).update(ACCOUNT, Values.of("id", 2L), row -> Values.of("points", row.getLong("points") + 10)));
            a.commit();
            assertEquals(11, byIdem.getLong("points"));
        }
        assertEquals(10, Ledger.read(db, 1, "points"), "the naive save should have lost B's point");
        assertEquals(11, Ledger.read(db, 2, "points"));
    }

    /**
     * PostgreSQL's REPEATABLE READ raises 40001 instead of losing the update; Idem, owning the
     * transaction, runs the whole update again. The failure comes at the locking read, before the change
     * function ran: it runs once, on the newest row.
     * 1. B begins and adds 1 (holding the row's lock).
     * 2. A, Idem's own REPEATABLE READ transaction, takes its snapshot and waits for B's lock.
     * 3. B commits: A's locking read fails with 40001.
     * 4. Idem rolls back and runs A again: the change sees 1 and writes 11.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void serializationFailureAtTheLockingReadRunsTheWholeUpdateAgain(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource(Connection.TRANSACTION_REPEATABLE_READ)));
        AtomicInteger changes = new AtomicInteger();
        try (Session b = Session.open(db); Session a = Session.open(db)) {
            b.begin();
            b.execute("update account set points = points + 1 where id = 1");
            Future<Row> byA = a.start(c -> idem.update(ACCOUNT, ONE, row -> {
                changes.incrementAndGet();
                return Values.of("points", row.getLong("points") + 10);
            }));
            b.awaitAnotherBlockedBehindMe();
            b.commit();
            assertEquals(11, byA.get(30, TimeUnit.SECONDS).getLong("points"));
        }
        assertEquals(1, changes.get(), "the first attempt failed before its change ran");
        assertEquals(2, spy.executed().stream().filter(sql -> sql.endsWith("for update")).count(), "two attempts: " + spy.executed());
        assertEquals(11, Ledger.read(db, 1, "points"));
    }

    /**
     * The change function may run more than once: here the first attempt fails after it ran.
     * 1. B inserts an account owned by "taken" and does not commit.
     * 2. A's update locks account 1; its change sets owner = "taken"; its write waits for B's insert
     *    (the unique check).
     * 3. B asks for account 1's lock, which A holds: a deadlock. A waited first, so PostgreSQL's deadlock
     *    check runs in A's session and fails A's transaction (40P01).
     * 4. Idem rolls A back and runs it again; B gets the lock and rolls back; A's change runs a second
     *    time and its write now succeeds.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void deadlockAfterTheChangeRanRunsTheChangeAgain(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        db.execute("alter table account add constraint account_owner_key unique (owner)");
        Idem idem = Idem.create(db.dataSource());
        AtomicInteger changes = new AtomicInteger();
        try (Session b = Session.open(db); Session a = Session.open(db)) {
            b.begin();
            b.execute("insert into account (id, owner, balance) values (9, 'taken', 0)");
            Future<Row> byA = a.start(c -> idem.update(ACCOUNT, ONE, row -> {
                changes.incrementAndGet();
                return Values.of("owner", "taken", "points", row.getLong("points") + 10);
            }));
            b.awaitAnotherBlockedBehindMe();
            b.call(c -> Ledger.lockForUpdate(c, 1));
            b.rollback();
            Row row = byA.get(30, TimeUnit.SECONDS);
            assertEquals("taken", row.getString("owner"));
            assertEquals(10, row.getLong("points"));
        }
        assertEquals(2, changes.get(), "the change should have run once per attempt");
    }

    /** The same interleaving inside the caller's REPEATABLE READ transaction: Idem says to retry it, and it can still be rolled back. */
    @DatabaseTest(Engine.POSTGRESQL)
    void serializationFailureInTheCallersTransactionAsksForARetry(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Idem idem = Idem.create(db.dataSource());
        try (Session b = Session.open(db); Session a = Session.open(db, Connection.TRANSACTION_REPEATABLE_READ)) {
            a.begin();
            a.execute("select count(*) from account");
            b.execute("update account set points = points + 1 where id = 1");
            assertThrows(RetryTransactionException.class,
                    () -> a.call(c -> idem.on(c).update(ACCOUNT, ONE, row -> Values.of("points", row.getLong("points") + 10))));
            a.rollback();
            Row retried = a.call(c -> idem.on(c).update(ACCOUNT, ONE, row -> Values.of("points", row.getLong("points") + 10)));
            assertEquals(11, retried.getLong("points"));
        }
    }

    @DatabaseTest
    void updateOfAMissingRowIsAnErrorNamingTableAndKey(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Idem idem = Idem.create(db.dataSource());
        AtomicInteger changes = new AtomicInteger();
        NoSuchRowException e = assertThrows(NoSuchRowException.class, () -> idem.update(ACCOUNT, Values.of("id", 42L), row -> {
            changes.incrementAndGet();
            return Values.of("points", 1);
        }));
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("account") && e.getMessage().contains("42"), e::getMessage);
        assertEquals(Values.of("id", 42L), e.key());
        assertEquals(0, changes.get());
    }

    @DatabaseTest
    void updateReturnsTheRowAsStoredAndAnEmptyChangeWritesNothing(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Idem idem = Idem.create(db.dataSource());
        Row row = idem.update(ACCOUNT, ONE, r -> Values.of("points", 7, "owner", "ann"));
        assertEquals(7, row.getLong("points"));
        assertEquals("ann", row.getString("owner"));
        assertEquals(100, row.getLong("balance"));
        assertEquals(row, idem.update(ACCOUNT, ONE, r -> Values.empty()));
        assertThrows(IllegalArgumentException.class, () -> idem.update(ACCOUNT, ONE, r -> Values.of("id", 2L)));
    }

    /** Waits until B waits for a lock: the database says so, or on SQLite B has reached its BEGIN IMMEDIATE. */
    static void awaitWaiting(TestDatabase db, Session b, CountDownLatch reachedLock) throws Exception {
        if (db.engine() == Engine.SQLITE) {
            assertTrue(reachedLock.await(30, TimeUnit.SECONDS), "B never reached its BEGIN IMMEDIATE");
        } else {
            b.awaitBlocked();
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the change");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
