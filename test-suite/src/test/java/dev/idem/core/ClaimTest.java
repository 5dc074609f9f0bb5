package dev.idem.core;

import static dev.idem.core.Tasks.TASKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Claim;
import dev.idem.DatabaseException;
import dev.idem.Idem;
import dev.idem.Queue;
import dev.idem.RetryTransactionException;
import dev.idem.SchemaMismatchException;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * "Give me the next unhandled row" for workers sharing one table (seed 000): each row to exactly one
 * worker, claims that skip rows others hold instead of waiting, leases on the database's clock that
 * hand a dead worker's row to the next, and a fencing token that stops the dead worker's late finish.
 */
class ClaimTest {

    private static final Duration LONG = Duration.ofMinutes(5);
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final Values DONE = Values.of("status", "done");

    @DatabaseTest
    void claimsTheFirstWaitingRowsInQueueOrderAndEachOnlyOnce(TestDatabase db) throws Exception {
        Tasks.create(db, 10);
        Idem idem = Idem.create(db.dataSource());

        List<Claim> first = idem.claim(TASKS, "w1", 3, LONG);
        assertEquals(List.of(1L, 2L, 3L), keys(first));
        assertEquals("w1", first.get(0).row().getString("claimed_by"));
        assertEquals(first.get(0).token(), first.get(0).row().getString("claim_token"));
        assertEquals(32, first.get(0).token().length());
        assertEquals(List.of(4L, 5L, 6L), keys(idem.claim(TASKS, "w2", 3, LONG)));

        assertTrue(idem.finish(TASKS, first.get(0), DONE));
        assertFalse(idem.finish(TASKS, first.get(0), DONE), "a claim finishes its row once");
        assertEquals(List.of(7L, 8L, 9L, 10L), keys(idem.claim(TASKS, "w3", 10, LONG)), "rows 2 and 3 are still w1's");
        assertTrue(idem.claim(TASKS, "w4", 10, LONG).isEmpty());
        assertEquals("w1", Tasks.single(db, "select claimed_by from task where id = 1"));
        assertEquals(1, Tasks.count(db, "status = 'done' and claim_token is null and claimed_until is null"));
    }

    /**
     * The code users write, two workers in autocommit mode:
     * 1. A selects the first unhandled row: 1.
     * 2. B selects the first unhandled row: 1, for A has not marked it yet.
     * 3. A marks row 1 as its own: one row updated.
     * 4. B marks row 1 as its own: one row updated. Both now work on row 1.
     * Idem's claim reads and marks in one atomic step that skips rows others hold: A gets 1, B gets 2.
     */
    @DatabaseTest
    void naiveSelectThenMarkHandsOneRowToTwoWorkers(TestDatabase db) throws Exception {
        Tasks.create(db, 2);
        try (Connection a = db.connect(); Connection b = db.connect()) {
            long seenByA = firstUnclaimed(a);
            long seenByB = firstUnclaimed(b);
            assertEquals(1, mark(a, seenByA, "A"));
            assertEquals(1, mark(b, seenByB, "B"));
            assertEquals(seenByA, seenByB, "both workers hold the same row");
        }
        db.execute("update task set claimed_by = null");

        Idem idem = Idem.create(db.dataSource());
        try (Connection a = db.connect(); Connection b = db.connect()) {
            assertEquals(List.of(1L), keys(idem.on(a).claim(TASKS, "A", 1, LONG)));
            assertEquals(List.of(2L), keys(idem.on(b).claim(TASKS, "B", 1, LONG)));
        }
    }

    /**
     * 1. A begins and claims row 1 inside its own transaction, and does not commit.
     * 2. B claims (in a transaction of Idem's own): it skips row 1, which A holds, and gets row 2 at once.
     * 3. A commits. Nobody got a row twice. (SQLite has one write lock for the whole database: B would wait.)
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void claimInsideAnOpenTransactionIsSkippedByTheNextWorker(TestDatabase db) throws Exception {
        Tasks.create(db, 3);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            assertEquals(List.of(1L), keys(a.call(c -> idem.on(c).claim(TASKS, "A", 1, LONG))));

            assertEquals(List.of(2L), keys(idem.claim(TASKS, "B", 1, LONG)));
            a.commit();
        }
        assertEquals(List.of(3L), keys(idem.claim(TASKS, "C", 5, LONG)));
    }

    /**
     * Where a claim is a locking read then an update (MySQL, MariaDB, H2), in a transaction of Idem's own:
     * 1. A's claim has locked row 1 with its read and pauses before its update.
     * 2. B's claim skips the locked row and gets row 2, while A is still paused.
     * 3. A goes on and gets row 1.
     */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void claimPausedBetweenItsReadAndItsUpdateIsSkippedByTheNextWorker(TestDatabase db) throws Exception {
        Tasks.create(db, 3);
        JdbcSpy spy = new JdbcSpy();
        CountDownLatch picked = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        spy.beforeExecute(sql -> {
            if (sql.contains("update") && !sql.contains("skip locked")) {
                picked.countDown();
                await(goOn);
            }
        });
        Idem paused = Idem.create(spy.wrap(db.dataSource()));
        Idem idem = Idem.create(db.dataSource());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<List<Claim>> a = thread.submit(() -> paused.claim(TASKS, "A", 1, LONG));
            assertTrue(picked.await(30, TimeUnit.SECONDS), "A never reached its update");

            assertEquals(List.of(2L), keys(idem.claim(TASKS, "B", 1, LONG)));
            assertFalse(a.isDone());
            goOn.countDown();
            assertEquals(List.of(1L), keys(a.get(30, TimeUnit.SECONDS)));
        } finally {
            goOn.countDown();
            thread.shutdownNow();
        }
    }

    /**
     * 1. A locks row 1 (SELECT ... FOR UPDATE) and keeps its transaction open.
     * 2. B allows itself one second of lock waiting, and claims: it gets row 2 and no lock timeout.
     * 3. B's naive locking read of the first waiting row, without SKIP LOCKED, waits on A: the database
     *    shows B waiting for a lock.
     * 4. A rolls back; B's naive read gets row 1.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void claimNeverWaitsOnARowAnotherTransactionHolds(TestDatabase db) throws Exception {
        Tasks.create(db, 3);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED);
             Session b = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            a.execute("select * from task where id = 1 for update");

            b.execute(lockTimeoutOfOneSecond(db.engine()));
            b.begin(); // in B's transaction Idem does not retry: a claim that waited on row 1 would fail with a lock timeout
            assertEquals(List.of(2L), keys(b.call(c -> idem.on(c).claim(TASKS, "B", 1, LONG))));
            b.commit();

            b.execute(lockTimeoutOfThirtySeconds(db.engine()));
            b.begin();
            Future<Long> naive = b.start(c -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select id from task where status = 'new' and claimed_by is null order by id limit 1 for update")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            b.awaitBlocked();
            a.rollback();
            assertEquals(1L, naive.get(30, TimeUnit.SECONDS));
            b.rollback();
        }
    }

    /**
     * 1. A claims the only row with a one-second lease, on a connection in autocommit mode, and dies: its
     *    connection is closed before it finishes.
     * 2. B asks at once: nothing, for A's lease has not lapsed.
     * 3. Once the lease lapses on the database's clock, B's claim gets the row.
     * 4. A's late finish, release and renew return false and write nothing: the row is B's.
     * 5. B finishes it.
     */
    @DatabaseTest
    void workerWhoseConnectionClosedMidRowLosesItAfterItsLeaseAndCannotFinishItLate(TestDatabase db) throws Exception {
        Tasks.create(db, 1);
        Idem idem = Idem.create(db.dataSource());
        Claim dead;
        try (Connection a = db.connect()) {
            dead = idem.on(a).claim(TASKS, "A", 1, SHORT).get(0);
        }
        assertTrue(idem.claim(TASKS, "B", 1, SHORT).isEmpty(), "A's lease still runs");

        Claim survivor = claimWhenFree(idem, "B");
        assertEquals(1L, ((Number) survivor.key()).longValue());

        assertFalse(idem.finish(TASKS, dead, DONE));
        assertFalse(idem.release(TASKS, dead));
        assertFalse(idem.renew(TASKS, dead, LONG));
        assertEquals("B", Tasks.single(db, "select claimed_by from task where id = 1"));
        assertEquals(survivor.token(), Tasks.single(db, "select claim_token from task where id = 1"));
        assertEquals(1, Tasks.count(db, "status = 'new'"));

        assertTrue(idem.finish(TASKS, survivor, DONE));
        assertEquals(1, Tasks.count(db, "status = 'done' and claimed_by = 'B'"));
    }

    /**
     * A worker that dies inside the transaction of its claim leaves nothing behind: the rollback frees the
     * row long before its five-minute lease would lapse. The server ends a closed session's transaction on
     * its own time, after the client has gone (PostgreSQL 18 may still hold the row when the next statement
     * arrives), so B polls as a worker does; the poll gives up after 30 seconds, well inside the lease.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void workerThatDiesInsideItsClaimTransactionFreesTheRowAtOnce(TestDatabase db) throws Exception {
        Tasks.create(db, 1);
        Idem idem = Idem.create(db.dataSource());
        try (Connection a = db.connect()) {
            a.setAutoCommit(false);
            assertEquals(1, idem.on(a).claim(TASKS, "A", 1, LONG).size());
        }
        assertEquals(1L, ((Number) claimWhenFree(idem, "B").key()).longValue());
    }

    /**
     * A slow worker renews its one-second lease every 300 ms for two seconds, twice the lease; meanwhile no other worker
     * can claim its row. It then finishes the row.
     */
    @DatabaseTest
    void renewKeepsASlowWorkersRow(TestDatabase db) throws Exception {
        Tasks.create(db, 1);
        Idem idem = Idem.create(db.dataSource());
        Claim slow = idem.claim(TASKS, "slow", 1, SHORT).get(0);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            Thread.sleep(300); // the slow worker's work, not a wait for another session
            assertTrue(idem.renew(TASKS, slow, SHORT), "the lease had lapsed before the renewal");
            assertTrue(idem.claim(TASKS, "other", 1, SHORT).isEmpty(), "another worker got the slow worker's row");
        }
        assertTrue(idem.finish(TASKS, slow, DONE));
    }

    /** Release hands the row back at once, with the changes it writes; the released claim can do nothing more. */
    @DatabaseTest
    void releaseHandsTheRowBackAtOnce(TestDatabase db) throws Exception {
        Tasks.create(db, 2);
        Idem idem = Idem.create(db.dataSource());
        Claim first = idem.claim(TASKS, "A", 1, LONG).get(0);
        assertTrue(idem.release(TASKS, first, Values.of("payload", "retry")));
        assertFalse(idem.release(TASKS, first));
        assertFalse(idem.finish(TASKS, first, DONE));

        Claim again = idem.claim(TASKS, "B", 1, LONG).get(0);
        assertEquals(first.key(), again.key());
        assertEquals("retry", again.row().getString("payload"));
        assertTrue(idem.finish(TASKS, again, DONE));
    }

    /** In the caller's transaction Idem never commits: a claim rolled back with it never happened. */
    @DatabaseTest
    void claimAndFinishInTheCallersTransactionCommitAndRollBackWithIt(TestDatabase db) throws Exception {
        Tasks.create(db, 2);
        Idem idem = Idem.create(db.dataSource());
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            Claim claim = idem.on(c).claim(TASKS, "A", 1, LONG).get(0);
            assertTrue(idem.on(c).finish(TASKS, claim, DONE));
            c.rollback();
            Claim kept = idem.on(c).claim(TASKS, "A", 2, LONG).get(1);
            assertTrue(idem.on(c).finish(TASKS, kept, DONE));
            c.commit();
        }
        assertEquals(1, Tasks.count(db, "status = 'done' and id = 2"));
        assertEquals(1, Tasks.count(db, "status = 'new' and claimed_by = 'A' and id = 1"));
    }

    /**
     * Under REPEATABLE READ the caller's snapshot still shows row 1 waiting after another worker claimed
     * it: 1. A begins and reads, fixing its snapshot. 2. B claims row 1 and commits. 3. A claims: it gets
     * row 2 (InnoDB's locking read sees the newest row) or is told to retry its transaction (PostgreSQL,
     * H2), never row 1.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void claimUnderRepeatableReadNeverTakesARowItsSnapshotStillShowsWaiting(TestDatabase db) throws Exception {
        Tasks.create(db, 2);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_REPEATABLE_READ)) {
            a.begin();
            a.execute("select count(*) from task where status = 'new'");
            assertEquals(List.of(1L), keys(idem.claim(TASKS, "B", 1, LONG)));
            try {
                assertEquals(List.of(2L), keys(a.call(c -> idem.on(c).claim(TASKS, "A", 1, LONG))));
                a.commit();
            } catch (RetryTransactionException e) {
                a.rollback();
            }
        }
        assertEquals("B", Tasks.single(db, "select claimed_by from task where id = 1"));
    }

    /**
     * A queue that drained faster than its statistics were taken: ANALYZE saw 20,000 rows waiting, then 10,000 were
     * finished (autovacuum is off for the table, so no new ANALYZE comes in between). A pick that tests {@code
     * status = 'new'} and orders by {@code status, id} lets PostgreSQL drop the constant status from the order;
     * believing nearly every row waits, it then reads along the primary key and steps over the 10,000 finished
     * rows on every claim, the custom plans and the generic one alike. Idem's pick reads the queue's index
     * instead: ten claims read at most a few index entries each from the primary key (the update of the claimed
     * key), which the database's own counters show. PostgreSQL only: its counters flush on request
     * ({@code pg_stat_force_next_flush}, 15 and later), and the other planners do not drop the order's column.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void claimsOfAQueueThatDrainedSinceItsStatisticsReadTheQueuesIndexNotEveryFinishedRow(TestDatabase db) throws Exception {
        Idem idem = Idem.create(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // Every step on this one session, so that its statistics are flushed before the counters are read.
            s.execute("create table task (id bigint primary key, payload varchar(100), status varchar(20) not null,"
                    + " claimed_by varchar(100), claimed_until timestamptz, claim_token varchar(32)) with (autovacuum_enabled = false)");
            s.execute("create index task_claim on task (status, id)");
            s.execute("insert into task (id, payload, status) select g, 'job', 'new' from generate_series(1, 20000) g");
            s.execute("analyze task");
            s.execute("update task set status = 'done' where id <= 10000");
            long before = primaryKeyEntriesRead(s);
            List<Long> claimed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                claimed.addAll(keys(idem.on(c).claim(TASKS, "w", 1, LONG)));
            }
            long read = primaryKeyEntriesRead(s) - before;

            assertEquals(List.of(10001L, 10002L, 10003L, 10004L, 10005L, 10006L, 10007L, 10008L, 10009L, 10010L), claimed);
            assertTrue(read < 1_000, "ten claims read " + read + " entries of the primary key index: the pick walked past the finished rows");
        }
    }

    /** Entries of the task table's primary key index read so far, this session's own reads flushed first. */
    private static long primaryKeyEntriesRead(Statement s) throws SQLException {
        s.execute("select pg_stat_force_next_flush()"); // flushed when the session goes idle, before the answer
        try (ResultSet rs = s.executeQuery("select idx_tup_read from pg_stat_user_indexes where indexrelname = 'task_pkey'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * What cannot hold a claim is refused before a row is touched: claim columns that are missing, NOT NULL
     * or of the wrong type, a queue InnoDB would serve by locking every row, a database that cannot skip
     * locked rows (as MySQL before 8.0.1 and MariaDB before 10.6); so is a finish that would leave the row waiting.
     */
    @DatabaseTest
    void queuesThatCannotHoldAClaimAreRefusedBeforeAnyRowIsTouched(TestDatabase db) throws Exception {
        Tasks.create(db, 3);
        String id = db.engine() == Engine.SQLITE ? "integer" : "bigint";
        String lease = Tasks.leaseType(db.engine());
        db.execute("create table no_token (id " + id + " primary key, status varchar(20), claimed_by varchar(100), claimed_until " + lease + ")",
                "create table int_lease (id " + id + " primary key, status varchar(20), claimed_by varchar(100), claimed_until integer, claim_token varchar(32))",
                "create table strict_by (id " + id + " primary key, status varchar(20), claimed_by varchar(100) not null, claimed_until " + lease
                        + ", claim_token varchar(32))",
                "create table short_token (id " + id + " primary key, status varchar(20), claimed_by varchar(100), claimed_until " + lease
                        + ", claim_token varchar(10))");
        Idem idem = Idem.create(db.dataSource());
        List<String> refused = new ArrayList<>(List.of("no_token", "int_lease", "strict_by"));
        if (db.engine() != Engine.SQLITE) {
            refused.add("short_token"); // SQLite does not enforce a declared length
        }
        for (String table : refused) {
            Queue queue = Queue.named(table).eligible(Values.of("status", "new"));
            assertThrows(SchemaMismatchException.class, () -> idem.claim(queue, "w", 1, LONG), table);
        }
        db.execute("create table unindexed (id " + id + " primary key, status varchar(20), claimed_by varchar(100), claimed_until " + lease
                + ", claim_token varchar(32))", "insert into unindexed (id, status) values (1, 'new')");
        Queue unindexed = Queue.named("unindexed").eligible(Values.of("status", "new"));
        if (db.engine().isMysqlFamily()) {
            SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> idem.claim(unindexed, "w", 1, LONG));
            assertTrue(e.getMessage().contains("create index"), e::getMessage);
            assertEquals("new", Tasks.single(db, "select status from unindexed where claimed_by is null"));
        } else {
            assertEquals(1, idem.claim(unindexed, "w", 1, LONG).size(), "elsewhere a missing index costs speed, and Idem warns");
        }

        JdbcSpy spy = new JdbcSpy();
        Idem withoutSkipLocked = Idem.create(spy.wrap(db.dataSource()), () -> "a database without skip locked");
        DatabaseException e = assertThrows(DatabaseException.class, () -> withoutSkipLocked.claim(TASKS, "w", 1, LONG));
        assertTrue(e.getMessage().contains("SKIP LOCKED"), e::getMessage);
        assertTrue(spy.executed().stream().noneMatch(sql -> sql.contains("update")), "no fallback to a claim that waits: " + spy.executed());

        Claim claim = idem.claim(TASKS, "w", 1, LONG).get(0);
        assertThrows(IllegalArgumentException.class, () -> idem.finish(TASKS, claim, Values.of("status", "new")));
        assertThrows(IllegalArgumentException.class, () -> idem.finish(TASKS, claim, Values.of("claimed_by", "x", "status", "done")));
        assertThrows(IllegalArgumentException.class, () -> idem.claim(TASKS, "w", 0, LONG));
        assertThrows(IllegalArgumentException.class, () -> idem.claim(TASKS, "w", 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> idem.claim(TASKS, "w".repeat(101), 1, LONG));
        assertEquals(3, Tasks.count(db, "status = 'new'"));
        assertEquals(2, Tasks.count(db, "claimed_by is null"));
    }

    /** Polls, as a worker does, until the row is free to claim again (its lease lapsed, or its claim rolled back), for 30 seconds at most. */
    static Claim claimWhenFree(Idem idem, String worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<Claim> got = idem.claim(TASKS, worker, 1, Duration.ofMinutes(5));
            if (!got.isEmpty()) {
                return got.get(0);
            }
            Thread.sleep(50); // a worker's polling interval
        }
        throw new AssertionError("the row never returned to the queue");
    }

    static List<Long> keys(List<Claim> claims) {
        List<Long> keys = new ArrayList<>();
        claims.forEach(c -> keys.add(((Number) c.key()).longValue()));
        return keys;
    }

    private static long firstUnclaimed(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id from task where status = 'new' and claimed_by is null order by id limit 1")) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static int mark(Connection c, long id, String worker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update task set claimed_by = ? where id = ?")) {
            ps.setString(1, worker);
            ps.setLong(2, id);
            return ps.executeUpdate();
        }
    }

    static String lockTimeoutOfOneSecond(Engine engine) {
        return switch (engine) {
            case POSTGRESQL -> "set lock_timeout = '1s'";
            case MARIADB, MYSQL -> "set innodb_lock_wait_timeout = 1";
            case H2 -> "set lock_timeout 1000";
            case SQLITE -> throw new IllegalArgumentException("SQLite locks the whole database");
        };
    }

    private static String lockTimeoutOfThirtySeconds(Engine engine) {
        return switch (engine) {
            case POSTGRESQL -> "set lock_timeout = '30s'";
            case MARIADB, MYSQL -> "set innodb_lock_wait_timeout = 30";
            case H2 -> "set lock_timeout 30000";
            case SQLITE -> throw new IllegalArgumentException("SQLite locks the whole database");
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
