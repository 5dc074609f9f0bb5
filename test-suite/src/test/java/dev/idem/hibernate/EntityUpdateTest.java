package dev.idem.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.NoSuchRowException;
import dev.idem.RetryPolicy;
import dev.idem.hibernate.model.Purse;
import dev.idem.hibernate.model.Tag;
import dev.idem.hibernate.model.Wallet;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import jakarta.persistence.OptimisticLockException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.hibernate.Session;

/**
 * Lost updates and transfers with entities: {@code lockAll}, {@code increment} and {@code updateOrCreate}
 * of {@link IdemSession}, next to the read-change-flush code they replace, and {@code @Version} kept.
 * On SQLite the labs begin transactions IMMEDIATE, as {@link IdemSession#lockAll}'s Javadoc asks.
 */
class EntityUpdateTest {

    private static final int WORKERS = 16;

    /**
     * The naive read-change-flush loses an update:
     * 1. A and B each find the wallet (0 points).
     * 2. A adds 1 in memory and commits (1).
     * 3. B adds 1 in memory and commits: 1, not 2.
     * The same steps with increment leave 2, and B's instance holds 2 after its increment.
     */
    @DatabaseTest
    void readChangeFlushLosesAnUpdateAndIncrementLosesNone(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.DEFERRED)) {
            lab.inTransaction(s -> persistWallets(s, 0, 0));
            Interleavings.Outcome naive = Interleavings.bothReadThenEachWritesInTurn(lab, s -> s.find(Wallet.class, 1L),
                    (s, w) -> ((Wallet) w).setPoints(((Wallet) w).getPoints() + 1));
            if (naive.second() == null) {
                assertEquals(1, points(lab, 1), "the naive code lost B's update");
            } // else: SQLite refuses B's write from a stale snapshot (SQLITE_BUSY), an error but no loss

            lab.inTransaction(s -> {
                s.find(Wallet.class, 2L).setPoints(0);
                return null;
            });
            long[] seen = new long[2];
            AtomicInteger turn = new AtomicInteger();
            Interleavings.Outcome idem = Interleavings.bothReadThenEachWritesInTurn(lab, s -> s.find(Wallet.class, 2L),
                    (s, w) -> seen[turn.getAndIncrement()] = IdemSession.of(s).increment((Wallet) w, "points", 1).getPoints());
            assertNull(idem.first());
            if (idem.second() != null && db.engine() == Engine.SQLITE) {
                assertEquals(1, points(lab, 2), "SQLite refuses the second write from a stale snapshot (SQLITE_BUSY): an error to retry, no loss");
            } else {
                assertNull(idem.second());
                assertEquals(2, points(lab, 2), "no increment lost");
                assertEquals(2, seen[1], "the second session's instance holds the stored sum, not its stale 0 + 1");
            }
        }
    }

    /** After an increment the instance holds the sum, the flush writes the entity's other changes and not the old points. */
    @DatabaseTest
    void incrementKeepsTheManagedInstanceInStepWithItsRow(TestDatabase db) {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.DEFERRED)) {
            lab.inTransaction(s -> persistWallets(s, 100));
            lab.inTransaction(s -> {
                Wallet w = s.find(Wallet.class, 1L);
                w.setBalance(70); // a pending change to another attribute survives
                IdemSession.of(s).increment(w, "points", 2); // the first call also reads the table's catalog
                long before = lab.statements();
                IdemSession.of(s).increment(w, "points", 3);
                assertTrue(lab.statements() - before <= 2, "one statement (and a read back where there is no RETURNING)");
                assertEquals(5, w.getPoints());
                assertThrows(IllegalStateException.class, () -> {
                    w.setPoints(99);
                    IdemSession.of(s).increment(w, "points", 1);
                }, "a pending change to the attribute itself is refused");
                w.setPoints(5);
                return null;
            });
            lab.inTransaction(s -> {
                Wallet w = s.find(Wallet.class, 1L);
                assertEquals(5, w.getPoints());
                assertEquals(70, w.getBalance());
                assertThrows(IllegalArgumentException.class, () -> IdemSession.of(s).increment(new Wallet(9, 0), "points", 1));
                return null;
            });
        }
    }

    /**
     * {@code @Version} is kept:
     * 1. A finds the purse (version 0).
     * 2. B increments it through Idem and commits: the version is raised.
     * 3. A changes its stale copy and commits: OptimisticLockException, nothing of A's written.
     * Run through inTransaction, the same unit of work is run again from a fresh session and succeeds.
     */
    @DatabaseTest
    void aStaleVersionedCopyFailsAfterAnIncrementAndInTransactionRunsTheUnitAgain(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.DEFERRED)) {
            lab.inTransaction(s -> {
                s.persist(new Purse(1));
                return null;
            });
            AtomicInteger turn = new AtomicInteger();
            Interleavings.Outcome outcome = Interleavings.bothReadThenEachWritesInTurn(lab, s -> s.find(Purse.class, 1L), (s, p) -> {
                if (turn.getAndIncrement() == 0) {
                    IdemSession.of(s).increment((Purse) p, "points", 1);
                } else {
                    ((Purse) p).setNote("stale");
                }
            });
            assertNull(outcome.first());
            if (db.engine() == Engine.SQLITE) {
                assertTrue(outcome.second() != null, "SQLite refuses a write from a stale snapshot (SQLITE_BUSY) before the version is compared");
            } else {
                assertTrue(Interleavings.causedBy(outcome.second(), OptimisticLockException.class)
                        || Interleavings.causedBy(outcome.second(), org.hibernate.StaleStateException.class), String.valueOf(outcome.second()));
            }
            assertEquals(0, lab.count("select count(*) from Purse where note is not null"), "nothing of the stale copy written");
            AtomicInteger attempts = new AtomicInteger();
            String note = IdemSession.inTransaction(lab.factory, em -> {
                Purse p = em.find(Purse.class, 1L);
                if (attempts.incrementAndGet() == 1) {
                    lab.inTransaction(other -> IdemSession.of(other).increment(other.find(Purse.class, 1L), "points", 10));
                }
                p.setNote("attempt " + attempts.get());
                em.flush();
                return p.getNote();
            }, RetryPolicy.attempts(3));
            assertEquals("attempt 2", note);
            lab.inTransaction(s -> {
                Purse p = s.find(Purse.class, 1L);
                assertEquals(11, p.getPoints());
                assertEquals("attempt 2", p.getNote());
                return null;
            });
        }
    }

    /** lockAll returns the entities in the caller's order, reads a stale instance again under the lock, and refuses a missing or repeated id. */
    @DatabaseTest
    void lockAllReturnsInputOrderAndRefreshesAStaleInstance(TestDatabase db) {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.IMMEDIATE)) {
            lab.inTransaction(s -> persistWallets(s, 100, 100));
            try (Session a = lab.factory.openSession()) {
                Wallet stale = a.find(Wallet.class, 1L); // read outside any lock
                lab.inTransaction(s -> {
                    s.find(Wallet.class, 1L).setBalance(40);
                    return null;
                });
                a.beginTransaction();
                List<Wallet> locked = IdemSession.of(a).lockAll(Wallet.class, List.of(2L, 1L));
                assertEquals(List.of(2L, 1L), locked.stream().map(Wallet::getId).toList());
                assertSame(stale, locked.get(1));
                assertEquals(40, stale.getBalance(), "read again under the lock");
                NoSuchRowException missing = assertThrows(NoSuchRowException.class, () -> IdemSession.of(a).lockAll(Wallet.class, List.of(1L, 7L)));
                assertEquals(7L, missing.key().values().get(0));
                assertThrows(IllegalArgumentException.class, () -> IdemSession.of(a).lockAll(Wallet.class, List.of(1L, 1L)));
                a.getTransaction().rollback();
            }
        }
    }

    /**
     * 16 workers a round, each moving money between two of four wallets in either direction through
     * lockAll, with no retries: rows locked in id order never deadlock, so no transfer may fail; the total
     * is conserved and no wallet overdrawn after every round.
     */
    @DatabaseTest
    void transfersThroughLockAllConserveTheTotalAndNeverDeadlock(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.IMMEDIATE)) {
            lab.inTransaction(s -> persistWallets(s, 1000, 1000, 1000, 1000));
            rounds(20, round -> worker -> {
                Random random = new Random(round * 100L + worker);
                long from = 1 + random.nextInt(4);
                long to = 1 + (from + random.nextInt(3)) % 4;
                long amount = 1 + random.nextInt(400);
                return IdemSession.inTransaction(lab.factory, em -> {
                    List<Wallet> pair = IdemSession.of(em).lockAll(Wallet.class, List.of(from, to));
                    if (pair.get(0).getBalance() >= amount) {
                        pair.get(0).setBalance(pair.get(0).getBalance() - amount);
                        pair.get(1).setBalance(pair.get(1).getBalance() + amount);
                    }
                    return null;
                }, RetryPolicy.none());
            }, round -> {
                assertEquals(4000, lab.count("select sum(balance) from Wallet"), "round " + round + ": money created or destroyed");
                assertEquals(0, lab.count("select count(*) from Wallet where balance < 0"), "round " + round + ": an overdrawn wallet");
            });
        }
    }

    /**
     * 16 workers a round call updateOrCreate on a fresh tag, each setting its own color: one row, exactly
     * one created, one worker's color. Each call runs as a whole unit in inTransaction, which runs it again
     * when InnoDB breaks a deadlock between the insert's losers.
     */
    @DatabaseTest
    void concurrentUpdateOrCreateLeavesOneEntityOneCreatedAndOneWritersValue(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.IMMEDIATE)) {
            List<Boolean> created = new java.util.concurrent.CopyOnWriteArrayList<>();
            rounds(5, round -> worker -> IdemSession.inTransaction(lab.factory, em -> {
                GotEntity<Tag> got = IdemSession.of(em).updateOrCreate(Tag.class, "t" + round, t -> t.setColor("w" + worker));
                return got.created();
            }, RetryPolicy.attempts(20)), round -> {
                assertEquals(1, lab.count("select count(*) from Tag where title = 't" + round + "'"), "round " + round);
            }, created);
            assertEquals(5, created.stream().filter(c -> c).count(), "exactly one created per round");
            lab.inTransaction(s -> {
                Tag tag = IdemSession.of(s).updateOrCreate(Tag.class, "t0", t -> t.setColor("last")).entity();
                assertEquals("last", tag.getColor());
                return null;
            });
            assertEquals(1, lab.count("select count(*) from Tag where title = 't0' and color = 'last'"));
        }
    }

    private static Object persistWallets(Session s, long... balances) {
        for (int i = 0; i < balances.length; i++) {
            s.persist(new Wallet(i + 1, balances[i]));
        }
        return null;
    }

    private static long points(Lab lab, long id) {
        return lab.count("select points from Wallet where id = " + id);
    }

    interface Work<T> {
        T run(int worker) throws Exception;
    }

    interface Check {
        void verify(int round) throws Exception;
    }

    private static <T> void rounds(int rounds, IntFunction<Work<T>> work, Check check) throws Exception {
        rounds(rounds, work, check, new ArrayList<>());
    }

    /** Rounds of WORKERS calls released together; every call must succeed; its values are added to {@code values}. */
    private static <T> void rounds(int rounds, IntFunction<Work<T>> work, Check check, List<T> values) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
        CyclicBarrier barrier = new CyclicBarrier(WORKERS);
        try {
            for (int r = 0; r < rounds; r++) {
                Work<T> w = work.apply(r);
                List<Future<T>> futures = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    int worker = i;
                    futures.add(threads.submit(() -> {
                        barrier.await(60, TimeUnit.SECONDS);
                        return w.run(worker);
                    }));
                }
                Set<Throwable> errors = new HashSet<>();
                for (Future<T> f : futures) {
                    try {
                        values.add(f.get(2, TimeUnit.MINUTES));
                    } catch (java.util.concurrent.ExecutionException e) {
                        errors.add(e.getCause());
                    }
                }
                if (!errors.isEmpty()) {
                    AssertionError failure = new AssertionError("round " + r + ": " + errors.size() + " calls failed");
                    errors.forEach(failure::addSuppressed);
                    throw failure;
                }
                check.verify(r);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
