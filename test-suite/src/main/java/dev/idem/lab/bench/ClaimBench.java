package dev.idem.lab.bench;

import dev.idem.Claim;
import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.lab.scenario.ClaimNext;
import dev.idem.lab.scenario.FilteredUpdateClaim;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The work-queue operations of the benchmark: one call handles one job (or ten), claiming it, then
 * marking it done, on the claim race's {@code task} table. The backlog never runs dry: a call that finds
 * no waiting row adds {@value #REFILL} more (once, whichever worker gets there first) and claims again, so
 * every operation pays its share of refills.
 */
final class ClaimBench {

    private static final int INITIAL = 20_000;
    private static final int REFILL = 10_000;
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Object LOCK = new Object();
    private static volatile int generation;
    private static long nextId;

    private ClaimBench() {
    }

    /** The task table and its first backlog, on a fresh database. */
    static void setUp(TestDatabase db) throws SQLException {
        new ClaimNext(false).setUp(db, new FilteredUpdateClaim(), INITIAL);
        synchronized (LOCK) {
            nextId = INITIAL + 1;
            generation = 0;
        }
    }

    /** Select the first waiting row, mark it taken, then done: three statements, and no protection at all. */
    static void naive(DataSource pool, Idem idem, long n) throws Exception {
        while (true) {
            int seen = generation;
            try (Connection c = pool.getConnection()) {
                Long id = ClaimNext.first(c, "");
                if (id != null) {
                    ClaimNext.take(c, id, "bench", false);
                    ClaimNext.done(c, id);
                    return;
                }
            }
            refill(pool, seen);
        }
    }

    /** Select the first waiting row, {@code UPDATE ... AND status = 'new'}, again until one changed; then done. */
    static void filteredUpdate(DataSource pool, Idem idem, long n) throws Exception {
        while (true) {
            int seen = generation;
            try (Connection c = pool.getConnection()) {
                for (Long id = ClaimNext.first(c, ""); id != null; id = ClaimNext.first(c, "")) {
                    if (ClaimNext.take(c, id, "bench", true) == 1) {
                        ClaimNext.done(c, id);
                        return;
                    }
                }
            }
            refill(pool, seen);
        }
    }

    /** {@code jobs} jobs: claimed by {@code idem.claim} in batches of up to {@code batch}, each finished. */
    static void idem(DataSource pool, Idem idem, int batch) throws Exception {
        int handled = 0;
        while (handled < batch) {
            int seen = generation;
            List<Claim> claims = idem.claim(ClaimNext.TASKS, "bench", batch - handled, LEASE);
            if (claims.isEmpty()) {
                refill(pool, seen);
            }
            for (Claim claim : claims) {
                if (!idem.finish(ClaimNext.TASKS, claim, Values.of("status", "done"))) {
                    throw new AssertionError("a finish within the lease was refused: " + claim);
                }
                handled++;
            }
        }
    }

    /** Adds {@value #REFILL} waiting rows, unless another worker refilled since {@code seen}. */
    private static void refill(DataSource pool, int seen) throws SQLException {
        synchronized (LOCK) {
            if (generation != seen) {
                return;
            }
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("insert into task (id, payload, status) values (?, 'job', 'new')")) {
                c.setAutoCommit(false);
                try {
                    for (int i = 0; i < REFILL; i++) {
                        ps.setLong(1, nextId++);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    c.commit();
                } finally {
                    c.setAutoCommit(true);
                }
            }
            generation = seen + 1;
        }
    }
}
