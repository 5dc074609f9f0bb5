package dev.idem.hibernate;

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
     * 2. B begins and writes the same row: it must wait for A (checked half a second later).
     * 3. A commits; B goes on and commits.
     */
    static Outcome secondWritesWhileFirstHoldsItsRow(Lab lab, Consumer<Session> write) throws Exception {
        CountDownLatch firstWrote = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] second = new Future<?>[1];
            boolean[] secondWaited = new boolean[1];
            CountDownLatch secondStarted = new CountDownLatch(1);
            Future<Throwable> a = threads.submit(() -> session(lab, s -> {
                write.accept(s);
                firstWrote.countDown();
                await(secondStarted);
                sleep(500);
                secondWaited[0] = !second[0].isDone();
            }, null));
            await(firstWrote);
            Future<Throwable> b = threads.submit(() -> session(lab, write, null));
            second[0] = b;
            secondStarted.countDown();
            Outcome outcome = new Outcome(a.get(2, TimeUnit.MINUTES), b.get(2, TimeUnit.MINUTES));
            if (outcome.first() == null && !secondWaited[0]) {
                throw new AssertionError("the second session did not wait for the first one's uncommitted row: the interleaving did not happen");
            }
            return outcome;
        } finally {
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
