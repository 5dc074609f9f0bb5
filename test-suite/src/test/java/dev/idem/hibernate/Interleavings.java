package dev.idem.hibernate;

import dev.idem.testing.Engine;
import dev.idem.testing.LockWaits;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.Transaction;

/** Two sessions on two threads, driven step by step with latches. */
final class Interleavings {

    /** What each session ended with: null when it committed, else the exception it got. */
    record Outcome(Throwable first, Throwable second) {
    }

    private Interleavings() {
    }

    /**
     * 1. A begins and reads; B begins and reads (neither sees a row).
     * 2. A writes and commits.
     * 3. B writes and commits.
     */
    static Outcome bothReadThenEachWritesInTurn(Lab lab, Function<Session, Object> read, BiConsumer<Session, Object> write) throws Exception {
        CountDownLatch bothRead = new CountDownLatch(2);
        CountDownLatch firstCommitted = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Throwable> a = threads.submit(() -> session(lab, s -> {
                Object state = read.apply(s);
                await(countDownAndWait(bothRead));
                write.accept(s, state);
            }, firstCommitted));
            Future<Throwable> b = threads.submit(() -> session(lab, s -> {
                Object state = read.apply(s);
                await(countDownAndWait(bothRead));
                await(firstCommitted);
                write.accept(s, state);
            }, null));
            return new Outcome(a.get(2, TimeUnit.MINUTES), b.get(2, TimeUnit.MINUTES));
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * 1. A begins and writes, not committing.
     * 2. B begins and writes the same row: the database shows B waiting for a lock (SQLite, which shows no
     *    lock waits: B's thread waits inside the driver for the write lock).
     * 3. A commits; B goes on and commits.
     */
    static Outcome secondWritesWhileFirstHoldsItsRow(Lab lab, Consumer<Session> write) throws Exception {
        CountDownLatch firstWrote = new CountDownLatch(1);
        CountDownLatch secondWaits = new CountDownLatch(1);
        CountDownLatch secondKnown = new CountDownLatch(1);
        Object[] backendId = new Object[1];
        Thread[] secondThread = new Thread[1];
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Throwable> a = threads.submit(() -> session(lab, s -> {
                write.accept(s);
                firstWrote.countDown();
                await(secondWaits);
            }, null));
            await(firstWrote);
            Future<Throwable> b = threads.submit(() -> {
                secondThread[0] = Thread.currentThread();
                if (lab.db.engine() == Engine.SQLITE) {
                    secondKnown.countDown(); // an IMMEDIATE transaction waits in its BEGIN already
                }
                return session(lab, s -> {
                    if (lab.db.engine() != Engine.SQLITE) {
                        backendId[0] = s.doReturningWork(c -> LockWaits.backendId(c, lab.db.engine()));
                        secondKnown.countDown();
                    }
                    write.accept(s);
                }, null);
            });
            await(secondKnown);
            if (lab.db.engine() == Engine.SQLITE) {
                LockWaits.awaitInDriver(secondThread[0]);
            } else {
                LockWaits.awaitBlocked(lab.db, backendId[0]);
            }
            if (b.isDone()) {
                throw new AssertionError("the second session did not wait for the first one's uncommitted row: " + b.get());
            }
            secondWaits.countDown();
            return new Outcome(a.get(2, TimeUnit.MINUTES), b.get(2, TimeUnit.MINUTES));
        } finally {
            secondWaits.countDown();
            threads.shutdownNow();
        }
    }

    private static Throwable session(Lab lab, Consumer<Session> steps, CountDownLatch committed) {
        try (Session s = lab.factory.openSession()) {
            Transaction tx = s.beginTransaction();
            try {
                steps.accept(s);
                tx.commit();
                return null;
            } catch (RuntimeException | Error e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                return e;
            }
        } catch (RuntimeException e) {
            return e;
        } finally {
            if (committed != null) {
                committed.countDown();
            }
        }
    }

    private static CountDownLatch countDownAndWait(CountDownLatch latch) {
        latch.countDown();
        return latch;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("a step of the interleaving never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** True when {@code t} or a cause is of {@code type}. */
    static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
