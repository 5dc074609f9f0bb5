package dev.idem.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Rounds of collisions: in each round every worker waits at a {@link CyclicBarrier}, then all call the
 * operation at once. Returns each round's outcomes so the test checks its invariants after every round.
 */
final class Collisions implements AutoCloseable {

    /** One worker's outcome in one round: a value or the error it threw. */
    record Outcome<T>(T value, Throwable error) {
    }

    interface Work<T> {
        T run(int worker) throws Exception;
    }

    private final int workers;
    private final ExecutorService threads;
    private final CyclicBarrier barrier;

    Collisions(int workers) {
        this.workers = workers;
        this.threads = Executors.newFixedThreadPool(workers);
        this.barrier = new CyclicBarrier(workers);
    }

    /** Runs one round: every worker runs {@code work} released together by the barrier. */
    <T> List<Outcome<T>> round(Work<T> work) throws InterruptedException {
        List<Future<T>> futures = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Callable<T> task = () -> {
                barrier.await(60, TimeUnit.SECONDS);
                return work.run(worker);
            };
            futures.add(threads.submit(task));
        }
        List<Outcome<T>> outcomes = new ArrayList<>(workers);
        for (Future<T> future : futures) {
            try {
                outcomes.add(new Outcome<>(future.get(120, TimeUnit.SECONDS), null));
            } catch (ExecutionException e) {
                outcomes.add(new Outcome<>(null, e.getCause()));
            } catch (java.util.concurrent.TimeoutException e) {
                outcomes.add(new Outcome<>(null, e));
            }
        }
        return outcomes;
    }

    /** Runs {@code rounds} rounds, handing each its number, and checks each with {@code check}. */
    <T> void rounds(int rounds, IntFunction<Work<T>> work, RoundCheck<T> check) throws Exception {
        for (int r = 0; r < rounds; r++) {
            check.verify(r, round(work.apply(r)));
        }
    }

    interface RoundCheck<T> {
        void verify(int round, List<Outcome<T>> outcomes) throws Exception;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
