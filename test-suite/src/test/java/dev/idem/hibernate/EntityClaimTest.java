package dev.idem.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Queue;
import dev.idem.Values;
import dev.idem.hibernate.model.Task;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import jakarta.persistence.TransactionRequiredException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;

/** Work-queue claims for entities: managed entities out, fenced writes in, inside the session's transaction. */
class EntityClaimTest {

    private static final Queue TASKS = Queue.named("task").key("id").eligible(Values.of("status", "new")).orderBy("id")
            .claimColumns("claimed_by", "claimed_until", "claim_token");

    @DatabaseTest
    void claimedRowsAreManagedEntitiesAndFinishWritesOnlyUnderTheClaim(TestDatabase db) throws SQLException {
        try (Lab lab = new Lab(db)) {
            backlog(lab, 5);
            try (Session s = lab.factory.openSession()) {
                s.beginTransaction();
                List<ClaimedEntity<Task>> claimed = IdemSession.of(s).claim(Task.class, TASKS, "w1", 2, Duration.ofMinutes(5));
                assertEquals(List.of(1L, 2L), claimed.stream().map(c -> c.entity().getId()).toList());
                assertTrue(s.contains(claimed.get(0).entity()));
                assertEquals("w1", claimed.get(0).entity().getClaimedBy());
                assertEquals(claimed.get(0).claim().token(), claimed.get(0).entity().getClaimToken());
                s.getTransaction().commit();

                s.beginTransaction();
                assertTrue(IdemSession.of(s).finish(claimed.get(0), Map.of("status", "done")));
                assertEquals("done", claimed.get(0).entity().getStatus(), "the entity shows its row as finished");
                assertFalse(IdemSession.of(s).finish(claimed.get(0), Map.of("status", "done")));
                assertTrue(IdemSession.of(s).release(claimed.get(1)));
                s.getTransaction().commit();
            }
            assertEquals(1, lab.count("select count(*) from task where status = 'done' and claim_token is null"));
            assertEquals(4, lab.count("select count(*) from task where status = 'new' and claimed_by is null"));
        }
    }

    /**
     * 1. Worker A claims the only task with a one-second lease and commits, then stalls.
     * 2. Once the lease lapses, worker B's claim gets the task.
     * 3. A's late finish returns false, writes nothing, and A's entity now shows B's claim.
     */
    @DatabaseTest
    void lateFinishAfterTheLeaseLapsedWritesNothingAndShowsTheNewOwner(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db)) {
            backlog(lab, 1);
            try (Session a = lab.factory.openSession()) {
                a.beginTransaction();
                ClaimedEntity<Task> stalled = IdemSession.of(a).claim(Task.class, TASKS, "A", 1, Duration.ofSeconds(1)).get(0);
                a.getTransaction().commit();

                ClaimedEntity<Task> taken = claimOnceLapsed(lab, "B");
                assertEquals(stalled.entity().getId(), taken.entity().getId());
                assertNotSame(stalled.entity(), taken.entity());

                a.beginTransaction();
                assertFalse(IdemSession.of(a).finish(stalled, Map.of("status", "done")));
                assertEquals("B", stalled.entity().getClaimedBy());
                assertEquals("new", stalled.entity().getStatus());
                a.getTransaction().commit();
            }
            assertEquals(0, lab.count("select count(*) from task where status = 'done'"));
        }
    }

    @DatabaseTest
    void claimRefusesAQueueOnAnotherTableAndNeedsATransaction(TestDatabase db) throws SQLException {
        try (Lab lab = new Lab(db)) {
            backlog(lab, 1);
            try (Session s = lab.factory.openSession()) {
                assertThrows(TransactionRequiredException.class, () -> IdemSession.of(s).claim(Task.class, TASKS, "w", 1, Duration.ofMinutes(1)));
                s.beginTransaction();
                assertThrows(IllegalArgumentException.class, () -> IdemSession.of(s).claim(Task.class, Queue.named("tag").eligible(Values.of("color", "red")),
                        "w", 1, Duration.ofMinutes(1)));
                s.getTransaction().rollback();
            }
        }
    }

    private static ClaimedEntity<Task> claimOnceLapsed(Lab lab, String worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            ClaimedEntity<Task> taken = lab.inTransaction(s -> {
                List<ClaimedEntity<Task>> got = IdemSession.of(s).claim(Task.class, TASKS, worker, 1, Duration.ofMinutes(5));
                return got.isEmpty() ? null : got.get(0);
            });
            if (taken != null) {
                return taken;
            }
            Thread.sleep(50); // a worker's polling interval
        }
        throw new AssertionError("the lapsed claim never returned to the queue");
    }

    /** Adds the lease column, whose type differs per database, and {@code rows} waiting tasks. */
    private static void backlog(Lab lab, int rows) throws SQLException {
        String lease = switch (lab.db.engine()) {
            case POSTGRESQL -> "timestamptz";
            case MARIADB, MYSQL -> "datetime(6)";
            case H2 -> "timestamp with time zone";
            case SQLITE -> "text";
        };
        lab.db.execute("alter table task add " + (lab.db.engine() == Engine.SQLITE ? "column " : "") + "claimed_until " + lease);
        lab.inTransaction(s -> {
            for (long id = 1; id <= rows; id++) {
                s.persist(new Task(id, "job " + id));
            }
            return null;
        });
    }
}
