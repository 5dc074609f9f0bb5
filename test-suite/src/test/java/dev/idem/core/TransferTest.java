package dev.idem.core;

import static dev.idem.core.Ledger.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.NoSuchRowException;
import dev.idem.Operations;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seed 003: {@code transfer_money(from, to, amount)} reads two accounts and writes both. Locking them
 * with {@code SELECT ... FOR UPDATE} in the order of the call deadlocks when two transfers go opposite
 * ways; {@code updateAll} locks them in the key's order whatever the call's, so they never do.
 */
class TransferTest {

    /** The transfer as one call: the change refuses to overdraw {@code from}. */
    static List<Row> transfer(Operations idem, long from, long to, long amount) {
        return idem.updateAll(ACCOUNT, List.of(Values.of("id", from), Values.of("id", to)), rows -> {
            long balance = rows.get(0).getLong("balance");
            if (balance < amount) {
                throw new InsufficientFunds(from, balance, amount);
            }
            return List.of(Values.of("balance", balance - amount), Values.of("balance", rows.get(1).getLong("balance") + amount));
        });
    }

    /** The application's own refusal, thrown from the change function. */
    static final class InsufficientFunds extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsufficientFunds(long account, long balance, long amount) {
            super("account " + account + " holds " + balance + ", cannot pay " + amount);
        }
    }

    /**
     * 1. A begins a transfer 1 -> 2 and locks account 1 (FOR UPDATE).
     * 2. B begins a transfer 2 -> 1 and locks account 2.
     * 3. A asks for account 2 and waits for B (asked of the database).
     * 4. B asks for account 1: each waits for the other, and the database fails one of them.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void lockingInCallOrderDeadlocksWhenTwoTransfersGoOppositeWays(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100, 100);
        try (Session a = Session.open(db); Session b = Session.open(db)) {
            a.begin();
            b.begin();
            a.call(c -> Ledger.lockForUpdate(c, 1));
            b.call(c -> Ledger.lockForUpdate(c, 2));
            Future<Long> aWaits = a.start(c -> Ledger.lockForUpdate(c, 2));
            a.awaitBlocked();
            Future<Long> bWaits = b.start(c -> Ledger.lockForUpdate(c, 1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!aWaits.isDone() && !bWaits.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5); // polling for the database's verdict, not timing the interleaving
            }
            // PostgreSQL and InnoDB release the failed transaction's locks at once, and the other then gets its
            // lock; H2 keeps them until the failed one rolls back, as its application would.
            boolean aFirst = aWaits.isDone();
            Future<Long> first = aFirst ? aWaits : bWaits;
            Future<Long> second = aFirst ? bWaits : aWaits;
            if (failed(first)) {
                (aFirst ? a : b).rollback();
                second.get(60, TimeUnit.SECONDS);
                (aFirst ? b : a).rollback();
            } else {
                ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(60, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof SQLException, e.getCause()::toString);
                a.rollback();
                b.rollback();
            }
            assertTrue(failed(aWaits) != failed(bWaits), "exactly one transfer should have been failed by the database");
        }
    }

    private static boolean failed(Future<Long> step) throws InterruptedException {
        if (!step.isDone()) {
            return false;
        }
        try {
            step.get();
            return false;
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof SQLException, e.getCause()::toString);
            return true;
        }
    }


    /**
     * 1. A's transfer 1 -> 2 locks accounts 1 and 2; its change function is held open.
     * 2. B's transfer 2 -> 1 asks for account 1 first (the key's order) and waits: it holds nothing A needs.
     * 3. A writes and commits; B proceeds. Both succeed, no deadlock, the total is conserved.
     */
    @DatabaseTest
    void updateAllLocksInKeyOrderSoOppositeTransfersNeverDeadlock(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100, 100);
        Idem idem = Idem.create(db.dataSource());
        CountDownLatch aRead = new CountDownLatch(1);
        CountDownLatch aMayWrite = new CountDownLatch(1);
        CountDownLatch bReachedItsLock = new CountDownLatch(1);
        JdbcSpy spy = new JdbcSpy();
        try (Session a = Session.open(db); Session b = Session.open(db)) {
            Future<List<Row>> byA = a.start(c -> idem.on(c).updateAll(ACCOUNT, List.of(Values.of("id", 1L), Values.of("id", 2L)), rows -> {
                aRead.countDown();
                LostUpdateTest.await(aMayWrite);
                return List.of(Values.of("balance", rows.get(0).getLong("balance") - 30), Values.of("balance", rows.get(1).getLong("balance") + 30));
            }));
            assertTrue(aRead.await(30, TimeUnit.SECONDS));
            spy.beforeExecute(sql -> {
                if (sql.contains("for update") || sql.equals("begin immediate")) {
                    bReachedItsLock.countDown();
                }
            });
            Future<List<Row>> byB = b.start(c -> transfer(idem.on(spy.wrap(c)), 2, 1, 50));
            LostUpdateTest.awaitWaiting(db, b, bReachedItsLock);
            assertFalse(byB.isDone());

            aMayWrite.countDown();
            List<Row> a1 = byA.get(30, TimeUnit.SECONDS);
            List<Row> b1 = byB.get(30, TimeUnit.SECONDS);
            assertEquals(List.of(70L, 130L), List.of(a1.get(0).getLong("balance"), a1.get(1).getLong("balance")));
            assertEquals(List.of(80L, 120L), List.of(b1.get(0).getLong("balance"), b1.get(1).getLong("balance")), "B's rows in B's order: 2, then 1");
            assertEquals(2L, b1.get(0).getLong("id"));
        }
        assertEquals(120, Ledger.read(db, 1, "balance"));
        assertEquals(80, Ledger.read(db, 2, "balance"));
        if (db.engine() != Engine.SQLITE) {
            List<String> locks = spy.executed().stream().filter(sql -> sql.contains("for update")).toList();
            assertEquals(2, locks.size(), "one locking read per account: " + spy.executed());
        }
    }

    /** The change refuses (insufficient funds): the exception reaches the caller as thrown, and nothing is written. */
    @DatabaseTest
    void aRefusedTransferWritesNothing(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100, 100);
        Idem idem = Idem.create(db.dataSource());
        assertThrows(InsufficientFunds.class, () -> transfer(idem, 1, 2, 500));
        try (Session a = Session.open(db)) {
            a.begin();
            InsufficientFunds refused = new InsufficientFunds(2, 0, 0);
            InsufficientFunds thrown = assertThrows(InsufficientFunds.class, () -> a.call(c -> idem.on(c).updateAll(ACCOUNT,
                    List.of(Values.of("id", 2L), Values.of("id", 1L)), rows -> {
                        throw refused;
                    })));
            assertSame(refused, thrown);
            a.call(c -> transfer(idem.on(c), 1, 2, 10));
            a.commit();
        }
        assertEquals(90, Ledger.read(db, 1, "balance"));
        assertEquals(110, Ledger.read(db, 2, "balance"));
    }

    /** A write the database refuses halfway (a CHECK on the second account) leaves the first unwritten too, in the caller's transaction as in Idem's. */
    @DatabaseTest
    void aWriteRefusedHalfwayLeavesNothingWritten(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100, 100);
        switch (db.engine()) {
            case SQLITE -> db.execute("create trigger account_level_small before update of level on account when new.level >= 10"
                    + " begin select raise(abort, 'level too high'); end");
            // MySQL enforces CHECK constraints only from 8.0.16 on; before, it parses and ignores them.
            case MYSQL -> db.execute("create trigger account_level_small before update on account for each row"
                    + " if new.level >= 10 then signal sqlstate '45000' set message_text = 'level too high'; end if");
            default -> db.execute("alter table account add constraint account_level_small check (level < 10)");
        }
        Idem idem = Idem.create(db.dataSource());
        List<Values> keys = List.of(Values.of("id", 1L), Values.of("id", 2L));
        assertThrows(RuntimeException.class, () -> idem.updateAll(ACCOUNT, keys, rows -> List.of(Values.of("level", 1), Values.of("level", 99))));
        try (Session a = Session.open(db)) {
            a.begin();
            assertThrows(RuntimeException.class, () -> a.call(c -> idem.on(c).updateAll(ACCOUNT, keys,
                    rows -> List.of(Values.of("level", 2), Values.of("level", 99)))));
            a.call(c -> idem.on(c).increment(ACCOUNT, Values.of("id", 2L), "points", 1)); // the transaction is still usable
            a.commit();
        }
        assertEquals(0, Ledger.read(db, 1, "level"));
        assertEquals(0, Ledger.read(db, 2, "level"));
        assertEquals(1, Ledger.read(db, 2, "points"));
    }

    @DatabaseTest
    void aMissingAccountIsAnErrorAndNothingIsWritten(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100, 100);
        Idem idem = Idem.create(db.dataSource());
        AtomicInteger changes = new AtomicInteger();
        NoSuchRowException e = assertThrows(NoSuchRowException.class, () -> idem.updateAll(ACCOUNT,
                List.of(Values.of("id", 1L), Values.of("id", 99L)), rows -> {
                    changes.incrementAndGet();
                    return List.of(Values.of("balance", 0), Values.of("balance", 0));
                }));
        assertEquals(Values.of("id", 99L), e.key());
        assertEquals(0, changes.get());
        assertEquals(200, Ledger.total(db));
        assertThrows(IllegalArgumentException.class, () -> transfer(idem, 1, 1, 10));
    }
}
