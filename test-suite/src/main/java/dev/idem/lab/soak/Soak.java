package dev.idem.lab.soak;

import dev.idem.OutcomeUnknownException;
import dev.idem.RetryTransactionException;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * One soak on one database: the tables, one pool, the workers running the mix until the operations or the
 * time are used up, a drain of the queue, and the history check.
 */
public final class Soak {

    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(60);

    private Soak() {
    }

    /** Runs the soak {@code settings} ask for on {@code db}, a fresh database, and checks its history. */
    public static SoakResult run(TestDatabase db, SoakSettings settings, Consumer<String> progress) throws Exception {
        Space space = Space.of(settings.keys());
        Schema schema = new Schema();
        schema.create(db, space, settings.naive());
        String version;
        try (Connection c = db.connect()) {
            version = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        }
        // One pool per database, one connection per worker; SQLite's transactions begin IMMEDIATE, as an application's must.
        DataSource pool = db.newPool(settings.workers(), -1, true);
        Workload workload = settings.naive() ? new NaiveWorkload(pool) : new IdemWorkload(pool, db.engine());
        History history = new History(space);
        Outcomes outcomes = new Outcomes();
        Budget budget = new Budget(settings);
        String name = db.target().id();

        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashed = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < settings.workers(); i++) {
            int index = i;
            Thread worker = new Thread(() -> {
                try {
                    work(new SplittableRandom(settings.seed() + index), "w" + index, space, workload, schema, pool, history, outcomes, budget);
                } catch (Throwable t) {
                    crashed.add(t);
                }
            }, "soak-" + name + "-" + i);
            worker.start();
            workers.add(worker);
        }
        long nextReport = started + PROGRESS_NANOS;
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                worker.join(1_000);
                if (System.nanoTime() >= nextReport) {
                    long calls = budget.used();
                    double seconds = (System.nanoTime() - started) / 1e9;
                    progress.accept(String.format(Locale.ROOT, "%s: %,d operations in %.0f s, %,.0f/s", name, calls, seconds, calls / seconds));
                    nextReport += PROGRESS_NANOS;
                }
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        if (!crashed.isEmpty()) {
            throw new IllegalStateException("a worker crashed", crashed.get(0));
        }
        long finishedBefore = countFinished(pool);
        workload.drain(history, System.nanoTime() + DRAIN_NANOS);
        Checker checker = new Checker(space, history);
        try (Connection c = pool.getConnection()) {
            checker.check(c);
        }
        progress.accept(String.format(Locale.ROOT, "%s: drained the queue and checked the history in %.1f s", name,
                (System.nanoTime() - started) / 1e9 - elapsed));
        long operations = outcomes.byKind().values().stream().mapToLong(Outcomes.Counts::calls).sum();
        return new SoakResult(name, version, workload.id(), settings.workers(), operations, elapsed, outcomes.byKind(), outcomes.errors(),
                outcomes.errorSamples(), outcomes.emptyClaims(), countFinished(pool) - finishedBefore, checker.checked(), checker.violations().count(),
                checker.violations().first());
    }

    private static void work(SplittableRandom random, String worker, Space space, Workload workload, Schema schema, DataSource pool,
                             History history, Outcomes outcomes, Budget budget) {
        while (budget.next()) {
            Call call = Call.plan(random, space, Kind.pick(random), Mode.pick(random));
            try {
                workload.run(call, worker).record(history);
                outcomes.ended(call.kind, Outcomes.End.SUCCEEDED);
            } catch (Exception e) {
                if (refused(e)) {
                    outcomes.ended(call.kind, Outcomes.End.REFUSED);
                } else if (e instanceof RetryTransactionException) {
                    outcomes.ended(call.kind, Outcomes.End.RETRY);
                    if (call.kind == Kind.CLAIM_FINISH && call.mode == Mode.OWN) {
                        call.uncertain(history); // the claim and the finishes before the failed one committed on their own
                    }
                } else if (e instanceof OutcomeUnknownException || e instanceof Workload.CallersOutcomeUnknown) {
                    outcomes.ended(call.kind, Outcomes.End.UNKNOWN);
                    call.uncertain(history);
                } else {
                    outcomes.failed(call.kind, e);
                    call.uncertain(history);
                }
            }
            if (call.queueEmpty) {
                outcomes.emptyClaim();
                try {
                    // A claim may come back empty while every waiting row is held by other workers: refill only a short queue.
                    if (waiting(pool) < Schema.REFILL) {
                        schema.archiveFinished(pool);
                        schema.addTasks(pool, Schema.REFILL);
                    }
                } catch (SQLException e) {
                    outcomes.failed(Kind.CLAIM_FINISH, e);
                }
            }
        }
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Workload.Refused) {
                return true;
            }
        }
        return false;
    }

    private static long countFinished(DataSource pool) throws SQLException {
        return count(pool, "select count(*) from soak_task where status = 'done'") + count(pool, "select count(*) from soak_task_done");
    }

    static long waiting(DataSource pool) throws SQLException {
        return count(pool, "select count(*) from soak_task where status = 'new'");
    }

    private static long count(DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Hands out the run's operations until their number or the time is used up, whichever comes first. */
    private static final class Budget {
        private final AtomicLong issued = new AtomicLong();
        private final long limit;
        private final long deadline;

        Budget(SoakSettings settings) {
            limit = settings.operations() == null ? Long.MAX_VALUE : settings.operations();
            deadline = settings.duration() == null ? Long.MAX_VALUE : System.nanoTime() + settings.duration().toNanos();
        }

        boolean next() {
            return System.nanoTime() < deadline && issued.getAndIncrement() < limit;
        }

        long used() {
            return Math.min(issued.get(), limit);
        }
    }
}
