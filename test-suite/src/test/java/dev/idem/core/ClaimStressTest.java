package dev.idem.core;

import static dev.idem.core.Tasks.TASKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Claim;
import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many workers drain one backlog at once, released together by a barrier. Afterwards: every row was
 * delivered to one worker, none to two, none lost; and where workers die holding rows, every row is
 * still finished exactly once.
 */
class ClaimStressTest {

    private static final Values DONE = Values.of("status", "done");

    /**
     * 32 workers, 2,000 rows, batches of 1 to 4: each row reaches exactly one worker, once. On the embedded
     * databases 500 rows: SQLite runs every claim under its one write lock, so more rows only repeat the same
     * serialized step, and H2's claim reads along the primary key past every finished row, so its cost grows
     * with the square of the backlog; 500 rows still keep all 32 workers contending for the same first rows.
     */
    @DatabaseTest
    void thirtyTwoWorkersDrainTwoThousandRowsEachRowDeliveredOnce(TestDatabase db) throws Exception {
        int rows = db.engine() == Engine.SQLITE || db.engine() == Engine.H2 ? 500 : 2_000;
        Tasks.create(db, rows);
        Idem idem = Idem.create(db.dataSource());
        Map<Long, Integer> deliveries = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        try (Collisions collisions = new Collisions(32)) {
            List<Collisions.Outcome<Integer>> outcomes = collisions.round(worker -> {
                int handled = 0;
                while (true) {
                    List<Claim> claims = idem.claim(TASKS, "w" + worker, 1 + worker % 4, Duration.ofMinutes(5));
                    if (claims.isEmpty()) {
                        return handled;
                    }
                    for (Claim claim : claims) {
                        deliveries.merge(((Number) claim.key()).longValue(), 1, Integer::sum);
                        if (!idem.finish(TASKS, claim, DONE)) {
                            problems.add("worker " + worker + " could not finish its row " + claim.key());
                        }
                        handled++;
                    }
                }
            });
            StressTest.assertNoErrors(0, outcomes);
            assertEquals(rows, outcomes.stream().mapToInt(Collisions.Outcome::value).sum(), "rows handled");
        }
        assertEquals(List.of(), problems);
        assertEquals(rows, deliveries.size(), "rows delivered");
        deliveries.forEach((key, times) -> assertEquals(1, times, "deliveries of row " + key));
        assertEquals(rows, Tasks.count(db, "status = 'done' and claim_token is null"));
        assertEquals(0, Tasks.count(db, "status = 'new'"));
    }

    /**
     * 8 workers, 300 rows, one-second leases. Each worker dies on one row in ten it claims: it walks away
     * without finishing, and comes back later to finish it anyway. Live workers pick the abandoned rows up
     * once their leases lapse. In the end every row is finished exactly once, and every late finish of a
     * row another worker has taken over returned false.
     */
    @DatabaseTest
    void rowsOfWorkersThatDieMidRowAreFinishedExactlyOnceByOthers(TestDatabase db) throws Exception {
        int rows = 300;
        Tasks.create(db, rows);
        Idem idem = Idem.create(db.dataSource());
        Map<Long, Integer> finished = new ConcurrentHashMap<>();
        List<Claim> abandoned = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (Collisions collisions = new Collisions(8)) {
            List<Collisions.Outcome<Integer>> outcomes = collisions.round(worker -> {
                Random random = new Random(worker);
                while (done.get() < rows && System.nanoTime() < deadline) {
                    List<Claim> claims = idem.claim(TASKS, "w" + worker, 1 + worker % 3, Duration.ofSeconds(1));
                    if (claims.isEmpty()) {
                        Thread.sleep(50); // a worker's polling interval: abandoned rows come back when their leases lapse
                        continue;
                    }
                    for (Claim claim : claims) {
                        if (random.nextInt(10) == 0) {
                            abandoned.add(claim);
                        } else if (idem.finish(TASKS, claim, DONE)) {
                            finished.merge(((Number) claim.key()).longValue(), 1, Integer::sum);
                            done.incrementAndGet();
                        }
                    }
                }
                return 0;
            });
            StressTest.assertNoErrors(0, outcomes);
        }
        assertEquals(rows, finished.size(), "rows finished");
        finished.forEach((key, times) -> assertEquals(1, times, "finishes of row " + key));
        assertFalse(abandoned.isEmpty(), "no worker died: the test proved nothing");
        for (Claim late : abandoned) {
            assertFalse(idem.finish(TASKS, late, DONE), "a late finish went through for row " + late.key());
        }
        assertEquals(rows, Tasks.count(db, "status = 'done'"));
        assertTrue(abandoned.size() > 5, "abandoned " + abandoned.size());
    }
}
