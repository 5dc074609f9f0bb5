package dev.idem.lab.race;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.lab.ErrorClass;
import dev.idem.lab.Isolation;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one {@link Cell} of a {@link Backlog} scenario: a fresh database with the backlog's rows, a pool
 * with one connection per worker, then all workers at once, each asking for the next row, handling it
 * and finishing it, until no row is left. In the dying-worker variant, the first delivery of every
 * {@value #DIE_EVERY}th row goes to a worker that dies holding it: it never finishes the row, and a
 * replacement (a new worker name) takes its place. Afterwards the finished rows are counted.
 */
final class Drain {

    /** The dying-worker variant abandons the first delivery of rows 20, 40, 60, ... */
    static final int DIE_EVERY = 20;
    /** How long a worker that found nothing to claim waits before asking again, while other workers hold rows. */
    private static final long POLL_MILLIS = 20;
    /** A run that has not drained its backlog by then is stopped, and its unfinished rows reported. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Drain() {
    }

    static Result run(Cell cell, Backlog backlog, Race.Settings settings, Progress progress) throws Exception {
        QueueStrategy strategy = (QueueStrategy) cell.strategy();
        int rows = settings.backlog();
        int workers = settings.backlogWorkers();
        try (TestDatabase db = new TestDatabase(cell.target())) {
            backlog.setUp(db, strategy, rows);
            Tracker tracker = new Tracker(cell, rows);
            try (HikariDataSource pool = db.newPool(workers, cell.isolation().jdbcLevel(), cell.isolation() == Isolation.IMMEDIATE)) {
                Race.warm(pool, workers);
                try (Arena arena = new Arena(cell.engine(), cell.isolation(), pool, settings.think())) {
                    drain(arena, backlog, strategy, workers, tracker);
                }
            }
            progress.round(rows, rows);
            try (Connection c = db.connect()) {
                String version = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
                return tracker.summarize(cell.run(version, workers, rows), rows - backlog.finished(c));
            }
        }
    }

    private static void drain(Arena arena, Backlog backlog, QueueStrategy strategy, int workers, Tracker tracker) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "race-lab-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            tracker.begin();
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                futures.add(threads.submit(() -> {
                    work(arena, backlog, strategy, worker, tracker);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    tracker.stop("a worker of " + strategy.id() + " stopped: " + e.getCause());
                    throw new IllegalStateException("a worker of " + strategy.id() + " stopped: " + e.getCause(), e.getCause());
                }
            }
            tracker.end();
        } finally {
            threads.shutdownNow();
        }
    }

    /** One worker: next, handle, finish, until nothing is waiting; a dying worker abandons its row and is replaced. */
    private static void work(Arena arena, Backlog backlog, QueueStrategy strategy, int worker, Tracker tracker) throws Exception {
        int life = 1;
        String name = "worker-" + worker;
        while (!tracker.stopped()) {
            long t0 = System.nanoTime();
            QueueStrategy.Delivery delivery;
            try {
                delivery = strategy.next(arena, name);
            } catch (Exception e) {
                tracker.failed(e, System.nanoTime() - t0);
                continue;
            }
            if (delivery == null) {
                long waiting;
                try (Connection c = arena.pool().getConnection()) {
                    waiting = backlog.waiting(c);
                }
                if (waiting == 0) {
                    return;
                }
                Thread.sleep(POLL_MILLIS);
                continue;
            }
            boolean first = tracker.delivered(delivery.id(), System.nanoTime() - t0);
            if (backlog.workersDie() && first && delivery.id() % DIE_EVERY == 0) {
                tracker.abandoned(delivery.id());
                name = "worker-" + worker + "." + ++life;
                continue;
            }
            try {
                tracker.finished(delivery.id(), strategy.finish(arena, delivery));
            } catch (Exception e) {
                tracker.failed(e, -1);
            }
        }
    }

    /** What the workers were handed and finished, row by row; shared by all workers of one run. */
    private static final class Tracker {

        private final Cell cell;
        private final AtomicIntegerArray delivered;
        private final AtomicIntegerArray finished;
        private final AtomicIntegerArray abandonedRows;
        private final AtomicLong deliveries = new AtomicLong();
        private final AtomicLong abandoned = new AtomicLong();
        private final AtomicLong lateFinishes = new AtomicLong();
        private final Map<ErrorClass, Long> errors = new EnumMap<>(ErrorClass.class);
        private final Map<ErrorClass, String> samples = new EnumMap<>(ErrorClass.class);
        private final List<Long> latencies = new ArrayList<>();
        private final long maxErrors;
        private volatile long begin;
        private volatile long end;
        private volatile String stopped;

        Tracker(Cell cell, int rows) {
            this.cell = cell;
            this.delivered = new AtomicIntegerArray(rows + 1);
            this.finished = new AtomicIntegerArray(rows + 1);
            this.abandonedRows = new AtomicIntegerArray(rows + 1);
            this.maxErrors = 10L * rows + 100;
        }

        void begin() {
            begin = System.nanoTime();
        }

        void end() {
            end = System.nanoTime();
        }

        boolean stopped() {
            if (stopped == null && System.nanoTime() - begin > DEADLINE.toNanos()) {
                stop("stopped after " + DEADLINE.toSeconds() + " s with rows left");
            }
            return stopped != null;
        }

        synchronized void stop(String why) {
            if (stopped == null) {
                stopped = why;
            }
        }

        /** Counts a delivery; true when it was the row's first. */
        boolean delivered(long id, long nanos) {
            deliveries.incrementAndGet();
            synchronized (latencies) {
                latencies.add(nanos);
            }
            return delivered.incrementAndGet((int) id) == 1;
        }

        void abandoned(long id) {
            abandoned.incrementAndGet();
            abandonedRows.incrementAndGet((int) id);
        }

        void finished(long id, boolean accepted) {
            if (accepted) {
                finished.incrementAndGet((int) id);
            } else {
                lateFinishes.incrementAndGet();
            }
        }

        /** Counts an error; {@code nanos} is the failed call's latency, negative for a failed finish (not a claim). */
        void failed(Exception e, long nanos) {
            ErrorClass kind = ErrorClass.of(e, cell.engine());
            long count;
            synchronized (errors) {
                count = errors.merge(kind, 1L, Long::sum);
                samples.putIfAbsent(kind, ErrorClass.sample(e));
            }
            if (nanos >= 0) {
                synchronized (latencies) {
                    latencies.add(nanos);
                }
            }
            if (count > maxErrors) {
                stop("stopped after " + count + " " + kind.id() + " errors");
            }
        }

        Result summarize(Result.Run run, long unfinished) {
            long doubles = 0;
            long rowsTwice = 0;
            long never = 0;
            long stuck = 0;
            for (int id = 1; id < finished.length(); id++) {
                doubles += Math.max(0, finished.get(id) - 1);
                rowsTwice += finished.get(id) > 1 ? 1 : 0;
                never += delivered.get(id) == 0 ? 1 : 0;
                stuck += abandonedRows.get(id) > 0 && finished.get(id) == 0 ? 1 : 0;
            }
            long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
            long attempts = deliveries.get() + errorCount;
            double seconds = Math.max(1, (end == 0 ? System.nanoTime() : end) - begin) / 1e9;
            long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
            Result.Timing timing = new Result.Timing(seconds, attempts / seconds, Latencies.millis(sorted, 50), Latencies.millis(sorted, 99));
            Result.Deliveries deliveryCounts = new Result.Deliveries(finished.length() - 1, deliveries.get(), abandoned.get(), doubles,
                    rowsTwice, never, unfinished, lateFinishes.get());
            Result draft = new Result(run, new Scenario.Tally(doubles, rowsTwice, unfinished),
                    new Result.Callers(attempts, deliveries.get(), 0, errors, samples), timing, "", deliveryCounts);
            List<String> notes = new ArrayList<>();
            String general = Notes.explain(cell, draft);
            if (!general.isEmpty()) {
                notes.add(general);
            }
            if (doubles > 0) {
                notes.add("workers read the same first unhandled row before any of them marked it, and handled it each");
            }
            if (stuck > 0) {
                notes.add(stuck + " rows stayed with workers that died holding them: nothing hands them back");
            }
            if (lateFinishes.get() > 0) {
                notes.add(lateFinishes.get() + " finishes came after their lease had lapsed and were refused, nothing written;"
                        + " another worker had the row");
            }
            if (stopped != null) {
                notes.add(stopped);
            }
            return draft.withNote(String.join("; ", notes));
        }
    }
}
