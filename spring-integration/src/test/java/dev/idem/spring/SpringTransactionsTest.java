package dev.idem.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.IntegrityViolationException;
import dev.idem.Values;
import dev.idem.spring.app.Retries;
import dev.idem.spring.app.Tagged;
import dev.idem.spring.app.Wirings;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.IllegalTransactionStateException;

/**
 * Idem in a Spring Boot 4 application, on every server database: concurrent HTTP requests through
 * {@code @Transactional} services, rollbacks, and retries with Spring's own {@code @Retryable}.
 */
class SpringTransactionsTest {

    private static final int REQUESTS = 32;
    private static final int ROUNDS = 3;
    /** Fewer connections than concurrent requests: a wiring that needs two per request starves. */
    private static final int POOL = 8;

    /**
     * Per wiring and round: 32 requests, released together, each get-or-create the same new tag and link
     * the same image to it, in a {@code @Transactional} service (or none) on a pool of 8 connections.
     * Every request succeeds with the same id; one tag row, one link row; exactly one request created the
     * tag and exactly one added the link.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void concurrentRequestsGetOrCreateOneTagAndAddOneLinkThroughEveryWiring(TestDatabase db) throws Exception {
        try (RunningApp app = new RunningApp(db, POOL, Duration.ofSeconds(20))) {
            for (String wiring : List.of("jdbc", "proxy", "entity", "no-transaction")) {
                for (int round = 1; round <= ROUNDS; round++) {
                    long image = app.image(wiring + "-" + round);
                    String title = wiring + "-tag-" + round;
                    List<RunningApp.Response> responses = app.postAtOnce("/" + wiring + "/tag?image=" + image + "&title=" + title, REQUESTS);
                    String where = wiring + ", round " + round + ": ";
                    for (RunningApp.Response r : responses) {
                        assertEquals(200, r.status(), where + r.body());
                    }
                    List<Tagged> tagged = responses.stream().map(r -> Tagged.parse(r.body())).toList();
                    assertEquals(1, tagged.stream().mapToLong(Tagged::tagId).distinct().count(), where + "ids " + tagged);
                    assertEquals(1, tagged.stream().filter(Tagged::created).count(), where + "created");
                    assertEquals(1, tagged.stream().filter(Tagged::added).count(), where + "added");
                    assertEquals(1, app.count("select count(*) from tag where title = '" + title + "'"), where + "tag rows");
                    assertEquals(1, app.count("select count(*) from image_tags where image_id = " + image), where + "link rows");
                }
            }
        }
    }

    /**
     * The naive wiring: {@code Idem.create(pool)} inside {@code @Transactional}. Each request holds one pool
     * connection for its transaction and asks the pool for a second for Idem: once 8 requests hold all 8,
     * every one of them waits for a connection no one returns, until the pool's timeout fails them.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void theCoreOnThePoolInsideTransactionsStarvesAPoolSmallerThanTheRequests(TestDatabase db) throws Exception {
        try (RunningApp app = new RunningApp(db, POOL, Duration.ofSeconds(2))) {
            long image = app.image("starved");
            List<RunningApp.Response> responses = app.postAtOnce("/core-on-pool/tag?image=" + image + "&title=starved", REQUESTS);
            List<String> failures = responses.stream().filter(r -> r.status() != 200).map(RunningApp.Response::body).toList();
            assertTrue(!failures.isEmpty(), "no request timed out waiting for a second pool connection");
            for (String failure : failures) { // waiting for Idem's second connection, or for a first one all others hold
                assertTrue(failure.contains("Connection is not available") || failure.contains("Could not open JPA EntityManager"), failure);
            }
        }
    }

    /**
     * A request writes an image, tags it through Idem, then throws: Spring rolls the transaction back, and
     * neither the image, the tag nor the link survives, through every wiring. The core's Idem on a
     * TransactionAwareDataSourceProxy refuses the transaction's connection before writing anything.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void aRequestThatWritesCallsIdemAndThrowsLeavesNothingBehind(TestDatabase db) throws Exception {
        try (RunningApp app = new RunningApp(db, POOL, Duration.ofSeconds(20))) {
            for (String wiring : List.of("jdbc", "proxy", "entity", "core-on-proxy")) {
                RunningApp.Response response = app.post("/" + wiring + "/tag-then-fail?name=doomed-" + wiring + "&title=doomed-" + wiring);
                assertEquals(500, response.status(), wiring);
                assertTrue(response.body().contains(wiring.equals("core-on-proxy") ? "auto-commit off" : "the request fails after Idem's work"),
                        wiring + ": " + response.body());
                assertEquals(0, app.count("select count(*) from image where name = 'doomed-" + wiring + "'"), wiring + ": the request's own write survived");
                assertEquals(0, app.count("select count(*) from tag where title = 'doomed-" + wiring + "'"), wiring + ": Idem's tag survived");
            }
            assertEquals(0, app.count("select count(*) from image_tags"), "a link survived");
        }
    }

    /** Idem's exceptions arrive as Spring's, with Idem's message, and Idem's exception as the cause. */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void idemsExceptionsArriveAsSpringsOwn(TestDatabase db) throws Exception {
        try (RunningApp app = new RunningApp(db, POOL, Duration.ofSeconds(20))) {
            SpringIdem idem = app.bean(SpringIdem.class);
            long tag = idem.getOrCreate(Wirings.TAG, Values.of("title", "orphan")).longId();
            DataIntegrityViolationException e = assertThrows(DataIntegrityViolationException.class,
                    () -> idem.addLink(Wirings.IMAGE_TAGS, 999_999L, tag)); // no such image: the foreign key refuses it
            IntegrityViolationException cause = assertInstanceOf(IntegrityViolationException.class, e.getCause());
            assertEquals(cause.getMessage(), e.getMessage());
            assertThrows(IllegalTransactionStateException.class, () -> app.bean(SpringIdemSession.class).current(),
                    "outside a transaction there is no session to join");
        }
    }

    /**
     * Two REPEATABLE READ transactions get-or-create the same two new tags in opposite orders:
     * 1. A inserts "alpha", B inserts "beta"; 2. A inserts "beta" and waits for B; B inserts "alpha" and
     * waits for A; 3. the database fails one of them (a deadlock; on PostgreSQL, on a retry, a serialization
     * failure too), Idem's exception arrives as Spring's {@code TransientDataAccessException}, Spring rolls
     * the transaction back, and {@code @Retryable} runs it again. Both end with the same two ids.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void aDeadlockUnderRepeatableReadIsRetriedByRetryableOnSpringsExceptionType(TestDatabase db) throws Exception {
        try (RunningApp app = new RunningApp(db, POOL, Duration.ofSeconds(20))) {
            Retries.Retrying retrying = app.bean(Retries.Retrying.class);
            CyclicBarrier firstInserted = new CyclicBarrier(2);
            IntConsumer meetOnFirstAttempt = attempt -> {
                if (attempt == 1) {
                    await(firstInserted);
                }
            };
            long started = System.nanoTime();
            AtomicInteger attemptsA = new AtomicInteger();
            AtomicInteger attemptsB = new AtomicInteger();
            CompletableFuture<List<Long>> a = CompletableFuture.supplyAsync(() -> retrying.tagBoth("alpha", "beta", attemptsA, meetOnFirstAttempt));
            CompletableFuture<List<Long>> b = CompletableFuture.supplyAsync(() -> retrying.tagBoth("beta", "alpha", attemptsB, meetOnFirstAttempt));

            assertEquals(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
            System.err.println("[idem] " + db.engine().id() + ": deadlock test attempts " + attemptsA + " and " + attemptsB
                    + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            assertTrue(attemptsA.get() + attemptsB.get() > 2, "neither transaction was failed and retried");
            assertEquals(2, app.count("select count(*) from tag"));
        }
    }

    /**
     * 1. A REPEATABLE READ transaction reads, which fixes its snapshot; 2. another transaction commits the
     * tag; 3. the first gets-or-creates the tag. PostgreSQL fails it with a serialization failure, which
     * {@code @Retryable} retries on Spring's exception type; the retry finds the tag, and a plain find sees
     * it. MySQL and MariaDB return the tag at once, through a locking read, but the transaction's plain
     * reads cannot see a row newer than its snapshot (the gap documented on {@code Idem.on}): a locking
     * find does.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void aTagCommittedAfterTheSnapshotUnderRepeatableRead(TestDatabase db) throws Exception {
        try (RunningApp app = new RunningApp(db, POOL, Duration.ofSeconds(20))) {
            AtomicInteger attempts = new AtomicInteger();
            Retries.Seen seen = app.bean(Retries.Retrying.class).readThenGetOrCreate("late", attempts, attempt -> {
                if (attempt == 1) {
                    try (Connection c = db.connect(); Statement s = c.createStatement()) {
                        s.executeUpdate("insert into tag (title) values ('late')");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            assertFalse(seen.created());
            assertTrue(seen.lockingFind());
            if (db.engine() == Engine.POSTGRESQL) {
                assertEquals(2, attempts.get(), "the serialization failure was not retried");
                assertTrue(seen.plainFind());
            } else {
                assertEquals(1, attempts.get());
                assertFalse(seen.plainFind(), "InnoDB let a row newer than the snapshot into a plain read");
            }
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
