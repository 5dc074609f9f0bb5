package dev.idem.lab.race;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.lab.Isolation;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link Cell}: a fresh database, the scenario's tables, a pool with one connection per
 * worker, then {@code rounds} rounds in which all workers are released together by a
 * {@link CyclicBarrier} and make one attempt each at the round's key. Afterwards the rows are counted.
 */
public final class Race {

    /**
     * How hard to race: callers per round, rounds (all callers released together in each), and the pause between a naive read
     * and write; for the {@link Backlog} scenarios, the rows of the backlog and the workers draining it.
     */
    public record Settings(int workers, int rounds, Duration think, int backlog, int backlogWorkers) {

        public static final int DEFAULT_BACKLOG = 400;
        public static final int DEFAULT_BACKLOG_WORKERS = 16;

        /** Settings for the scenarios that race rounds; the backlog scenarios get their defaults. */
        public Settings(int workers, int rounds, Duration think) {
            this(workers, rounds, think, DEFAULT_BACKLOG, DEFAULT_BACKLOG_WORKERS);
        }
    }

    private static final long BARRIER_TIMEOUT_SECONDS = 120;

    private Race() {
    }

    static Result run(Cell cell, Settings settings, Progress progress) throws Exception {
        if (cell.scenario() instanceof Backlog backlog) {
            return Drain.run(cell, backlog, settings, progress);
        }
        try (TestDatabase db = new TestDatabase(cell.target())) {
            cell.scenario().setUp(db, cell.strategy(), settings.rounds());
            Attempts attempts;
            try (HikariDataSource pool = db.newPool(settings.workers(), cell.isolation().jdbcLevel(), cell.isolation() == Isolation.IMMEDIATE)) {
                warm(pool, settings.workers());
                try (Arena arena = new Arena(cell.engine(), cell.isolation(), pool, settings.think())) {
                    attempts = race(arena, cell.strategy(), settings, progress);
                }
            }
            try (Connection c = db.connect()) {
                String version = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
                return attempts.summarize(cell, version, cell.scenario().tally(c, settings.rounds(), attempts.succeeded()));
            }
        }
    }

    private static Attempts race(Arena arena, Strategy strategy, Settings settings, Progress progress) throws Exception {
        int workers = settings.workers();
        int rounds = settings.rounds();
        Attempts attempts = new Attempts(workers, rounds, arena.engine());
        int[] completed = {-1};
        CyclicBarrier start = new CyclicBarrier(workers, () -> {
            // Runs once per round, before the workers are released: the previous round is over.
            if (completed[0] >= 0) {
                progress.round(completed[0] + 1, rounds);
            } else {
                attempts.begin();
            }
            completed[0]++;
        });
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "race-lab-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        start.await(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        long t0 = System.nanoTime();
                        try {
                            attempts.succeeded(round, worker, strategy.attempt(arena, round), System.nanoTime() - t0);
                        } catch (Exception e) {
                            attempts.failed(round, worker, e, System.nanoTime() - t0);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    start.reset();
                    throw new IllegalStateException("a worker of " + strategy.id() + " stopped: " + e.getCause(), e.getCause());
                }
            }
            attempts.end();
            progress.round(rounds, rounds);
            return attempts;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Opens every connection before the race, so that connecting is not timed as racing. */
    static void warm(HikariDataSource pool, int workers) throws SQLException {
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                open.add(pool.getConnection());
            }
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }
}
