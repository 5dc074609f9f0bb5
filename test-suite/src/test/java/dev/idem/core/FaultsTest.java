package dev.idem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.DatabaseException;
import dev.idem.Idem;
import dev.idem.IdemException;
import dev.idem.OutcomeUnknownException;
import dev.idem.RetryPolicy;
import dev.idem.testing.Breakpoint;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Faults;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TcpProxy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Each operation while its session is killed, its lock wait is cut short, or the network loses the
 * database's answer. After every fault the caller was told the truth: the operation took effect exactly
 * once and the answer says so, or the caller got an Idem exception and the effect is whole or absent
 * (never a {@code created == true} for a row that is not there, never a {@code finish == false} for a row
 * this call finished, never half of an {@code addLinks} or a transfer, never an increment applied twice);
 * no connection stays checked out and no thread is left behind. One method per operation; each runs the
 * faults below, each on a fresh database. What Idem does after a loss depends on the write
 * ({@link FaultProbe.OnLoss}): in a transaction of Idem's own it is rolled back and run again; a write that
 * commits by itself is run again when it is idempotent, and reported as unknown when it is not.
 * <ol>
 * <li>Idem's own connection, killed just before the write: Idem runs the operation again on a new
 *     connection and it succeeds, made by the retry; an increment that commits by itself cannot know that
 *     it never ran, and says {@link OutcomeUnknownException}, having written nothing.</li>
 * <li>The caller's transaction ({@code idem.on(connection)}), killed just before the write: a
 *     {@link DatabaseException} that says the connection was lost, and nothing of the transaction survives,
 *     the caller's own earlier row included.</li>
 * <li>Idem's own connection, killed while its write waits for a row lock another transaction holds (the
 *     database reports the wait): Idem runs it again, it waits again, and succeeds once the lock is
 *     released (the increment as above). Not for a claim, which skips locked rows and never waits.</li>
 * <li>The database's answer to the write is lost (a proxy holds it back, the write commits, the proxy cuts
 *     the connection): in a transaction of Idem's own nothing committed, and Idem runs it again; a claim
 *     runs again and leaves the lost claim's row to its lease; an idempotent write run again finds the effect
 *     there, cannot know whether it was its own, and says so with {@link OutcomeUnknownException}, never with
 *     a wrong {@code created == false} or {@code finish == false}; an increment says so at once, applied
 *     once. Server databases only.</li>
 * </ol>
 */
class FaultsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @DatabaseTest
    void getOrCreateUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, FaultProbe.GET_OR_CREATE, true);
    }

    @DatabaseTest
    void addLinkUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, FaultProbe.ADD_LINK, true);
    }

    @DatabaseTest
    void addLinksUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, FaultProbe.ADD_LINKS, true);
    }

    @DatabaseTest
    void removeLinkUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, FaultProbe.REMOVE_LINK, true);
    }

    /** A unit of work of two writes, killed between them: the database rolls back the first, Idem runs the whole unit again. */
    @DatabaseTest
    void inTransactionUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, FaultProbe.IN_TRANSACTION, false);
    }

    @DatabaseTest
    void getOrCreateAllUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, FaultProbe.GET_OR_CREATE_ALL, true);
    }

    @DatabaseTest
    void claimUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, QueueProbes.CLAIM, true);
    }

    @DatabaseTest
    void finishUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, QueueProbes.FINISH, true);
    }

    @DatabaseTest
    void updateUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, UpdateProbes.UPDATE, true);
    }

    /** A transfer of two rows, killed between its two writes: whole or absent, never half. */
    @DatabaseTest
    void updateAllUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, UpdateProbes.TRANSFER, true);
    }

    @DatabaseTest
    void incrementUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, UpdateProbes.INCREMENT, true);
    }

    @DatabaseTest
    void updateOrCreateUnderFaults(TestDatabase db) throws Exception {
        underFaults(db, UpdateProbes.UPDATE_OR_CREATE, true);
    }

    private static <T> void underFaults(TestDatabase db, FaultProbe<T> probe, boolean joinsCallersTransaction) throws Exception {
        fresh(db, probe, fresh -> killedBeforeTheWriteIdemRunsItAgain(fresh, probe));
        if (joinsCallersTransaction) {
            fresh(db, probe, fresh -> killedBeforeTheWriteTheCallersTransactionIsGoneWhole(fresh, probe));
        }
        if (db.engine() != Engine.SQLITE && probe.canWaitOnLock()) { // SQLite shows no lock waits to aim at
            fresh(db, probe, fresh -> killedWhileWaitingOnALockIdemRunsItAgain(fresh, probe));
        }
        if (db.engine().isServer() && probe != FaultProbe.IN_TRANSACTION) { // a lost COMMIT has no statement to hold back
            fresh(db, probe, fresh -> answerLostAfterTheWriteIsReportedAsUnknown(fresh, probe));
        }
    }

    private static <T> void killedBeforeTheWriteIdemRunsItAgain(TestDatabase db, FaultProbe<T> probe) throws Exception {
        try (Rig rig = new Rig(db, db.url())) {
            Breakpoint write = Breakpoint.before(db.engine(), probe::isWrite).on(rig.spy);
            Future<T> call = rig.start(() -> probe.run(rig.idem, rig.idem));
            rig.faults.kill(write.awaitReached(call));
            write.resume();
            if (probe.onLoss(db.engine()) == FaultProbe.OnLoss.UNKNOWN) {
                unknownAndNothingWritten(db, probe, rig.failure(call, probe + ": killed before the write"));
                return;
            }
            T result = rig.await(call, probe + ": killed before the write");
            assertTrue(probe.claimsEffect(result), probe + ": the retry made the effect, and says so: " + result);
            checkOnce(db, probe, result);
        }
    }

    /**
     * A write that commits by itself and must not be applied twice, whose connection was lost when it was sent:
     * Idem cannot tell whether it ran, so it says the outcome is unknown and does not run it again. Here the test
     * knows the session was gone before the write arrived: nothing was written.
     */
    private static <T> void unknownAndNothingWritten(TestDatabase db, FaultProbe<T> probe, IdemException e) throws Exception {
        assertInstanceOf(OutcomeUnknownException.class, e, e.toString());
        assertTrue(e.getMessage().contains("may or may not have committed"), e.getMessage());
        assertEquals(0, probe.effect(db), probe + ": the write never reached the database, and was not run again");
    }

    private static <T> void killedBeforeTheWriteTheCallersTransactionIsGoneWhole(TestDatabase db, FaultProbe<T> probe) throws Exception {
        try (Rig rig = new Rig(db, db.url())) {
            Connection connection = rig.spy.wrap(rig.pool.getConnection());
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.execute("insert into tag (title) values ('callers')");
            }
            Breakpoint write = Breakpoint.before(db.engine(), probe::isWrite).on(rig.spy);
            Future<T> call = rig.start(() -> probe.run(rig.idem, rig.idem.on(connection)));
            rig.faults.kill(write.awaitReached(call));
            write.resume();
            IdemException e = rig.failure(call, probe + ": killed in the caller's transaction");
            assertInstanceOf(DatabaseException.class, e, e.toString());
            assertTrue(e.getMessage().contains("connection to the database was lost"), e.getMessage());
            try {
                connection.close();
            } catch (Exception ignored) {
                // the connection is gone
            }
            assertEquals(0, probe.effect(db), probe + ": nothing of the killed transaction took effect");
            assertEquals(0, FaultProbe.count(db, "select count(*) from tag where title = 'callers'"), "the caller's own row survived");
        }
    }

    private static <T> void killedWhileWaitingOnALockIdemRunsItAgain(TestDatabase db, FaultProbe<T> probe) throws Exception {
        try (Rig rig = new Rig(db, db.url()); Session holder = Session.open(db)) {
            holder.begin();
            probe.holdLock(holder);
            Breakpoint waits = Breakpoint.observe(db.engine(), probe::waitsOnLock).on(rig.spy);
            Future<T> call = rig.start(() -> probe.run(rig.idem, rig.idem));
            Faults.Victim victim = waits.awaitReached(call);
            rig.faults.awaitBlocked(victim.sessionId());
            rig.faults.kill(victim);
            holder.rollback();
            if (db.engine() == Engine.H2) {
                // H2 fails a session aborted in a lock wait with a general error (50000, "transaction has status
                // CLOSED"), which Idem cannot tell from other failures and does not retry: an exception, nothing written.
                // At times it reports the aborted wait as an error Idem retries as transient (a concurrent update, a lock
                // timeout), even for a one-statement increment: the failed statement did not apply, so the retry's answer is exact.
                Outcome<T> outcome = rig.outcome(call);
                if (outcome.failure() != null) {
                    assertEquals(0, probe.effect(db), probe + ": failed with " + outcome.failure() + ", yet took effect");
                } else {
                    assertTrue(probe.claimsEffect(outcome.result()), probe + ": the retry made the effect: " + outcome.result());
                    checkOnce(db, probe, outcome.result());
                }
                return;
            }
            if (probe.onLoss(db.engine()) == FaultProbe.OnLoss.UNKNOWN) {
                unknownAndNothingWritten(db, probe, rig.failure(call, probe + ": killed while waiting on a lock"));
                return;
            }
            T result = rig.await(call, probe + ": killed while waiting on a lock");
            assertTrue(probe.claimsEffect(result), probe + ": the retry made the effect once the lock was released: " + result);
            checkOnce(db, probe, result);
        }
    }

    private static <T> void answerLostAfterTheWriteIsReportedAsUnknown(TestDatabase db, FaultProbe<T> probe) throws Exception {
        try (TcpProxy proxy = TcpProxy.inFrontOf(db.url()); Rig rig = new Rig(db, proxy.route(db.url()))) {
            Breakpoint write = Breakpoint.before(db.engine(), probe::isWrite).on(rig.spy);
            Future<T> call = rig.start(() -> probe.run(rig.idem, rig.idem));
            write.awaitReached(call);
            proxy.stall(TcpProxy.Direction.TO_CLIENT);
            write.resume();
            proxy.awaitHeldAnswer();           // the server ran the write and answered; the answer is held back
            FaultProbe.OnLoss onLoss = probe.onLoss(db.engine());
            boolean inATransaction = onLoss == FaultProbe.OnLoss.RUN_AGAIN;
            if (!inATransaction) {
                awaitEffect(db, probe);        // committed by itself (the commit may trail the first bytes of the answer)
            }
            proxy.cutAll();
            proxy.resume();
            switch (onLoss) {
                case RUN_AGAIN -> {
                    // The database rolled the transaction back with the connection: Idem knows nothing took effect and runs it again.
                    T result = rig.await(call, probe + ": answer lost inside Idem's transaction");
                    assertTrue(probe.claimsEffect(result), probe + ": the retry made the effect: " + result);
                    checkOnce(db, probe, result);
                }
                case RUN_AGAIN_WHATEVER_WAS_WRITTEN -> {
                    // The lost write stands, abandoned (nobody holds its answer), next to the retry's, which is the answer.
                    T result = rig.await(call, probe + ": answer lost");
                    assertTrue(probe.claimsEffect(result), probe + ": the retry made the effect: " + result);
                    assertEquals(2 * probe.whole(), probe.effect(db), probe + ": the lost write's effect and the retry's");
                    probe.checkResult(db, result);
                }
                case RUN_AGAIN_UNLESS_FOUND_DONE -> {
                    IdemException e = rig.failure(call, probe + ": answer lost");
                    assertInstanceOf(OutcomeUnknownException.class, e, e.toString());
                    assertTrue(e.getMessage().contains("whether this call did it is unknown"), e.getMessage());
                    assertEquals(probe.whole(), probe.effect(db), probe + ": the lost write took effect exactly once");
                }
                case UNKNOWN -> {
                    IdemException e = rig.failure(call, probe + ": answer lost");
                    assertInstanceOf(OutcomeUnknownException.class, e, e.toString());
                    assertTrue(e.getMessage().contains("may or may not have committed"), e.getMessage());
                    assertEquals(probe.whole(), probe.effect(db), probe + ": the lost write took effect once, and was not run again");
                }
            }
        }
    }

    /** Once the call returned: the effect is whole, exactly once, and what the call returned is what is stored. */
    private static <T> void checkOnce(TestDatabase db, FaultProbe<T> probe, T result) throws Exception {
        assertEquals(probe.whole(), probe.effect(db), probe + ": effect after " + result);
        probe.checkResult(db, result);
    }

    private static <T> void awaitEffect(TestDatabase db, FaultProbe<T> probe) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (probe.effect(db) != probe.whole()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(probe + ": the write never committed; sessions:" + new Faults(db).sessions());
            }
            Thread.sleep(5); // polling the database for the commit, from another connection
        }
    }

    /** What a call ended with: a result, or an Idem exception. */
    private record Outcome<T>(T result, IdemException failure) {
    }

    private interface Scenario {
        void run(TestDatabase db) throws Exception;
    }

    /** Runs {@code scenario} on a database of its own, of the same target, set up for {@code probe}. */
    private static void fresh(TestDatabase db, FaultProbe<?> probe, Scenario scenario) throws Exception {
        try (TestDatabase fresh = new TestDatabase(db.target())) {
            probe.setUp(fresh);
            scenario.run(fresh);
        }
    }

    /**
     * What every scenario needs: a pool of its own (on {@code url}, the database's or a proxy's), a spy
     * for breakpoints, Idem with a retry policy patient enough for a kill, one thread for the call; on
     * close, the checks that no connection and no thread leaked.
     */
    private static final class Rig implements AutoCloseable {
        final Faults faults;
        final HikariDataSource pool;
        final JdbcSpy spy = new JdbcSpy();
        final Idem idem;
        private final ExecutorService caller = Executors.newSingleThreadExecutor();
        private final Set<String> threadsBefore;

        Rig(TestDatabase db, String url) throws Exception {
            faults = new Faults(db);
            pool = Faults.pool("faults-" + db.target().id(), url, db.properties());
            try (Connection warm = pool.getConnection(); Statement s = warm.createStatement()) {
                s.execute("select 1");   // drivers start their own threads once; they are not leaks
            }
            idem = Idem.create(spy.wrap(pool), new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(500)));
            threadsBefore = Faults.threads();
        }

        <T> Future<T> start(java.util.concurrent.Callable<T> call) {
            return caller.submit(call);
        }

        <T> T await(Future<T> call, String what) throws Exception {
            try {
                return call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(what + ": expected to succeed, got " + e.getCause(), e.getCause());
            }
        }

        <T> Outcome<T> outcome(Future<T> call) throws Exception {
            try {
                return new Outcome<>(call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), null);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IdemException idemException) {
                    return new Outcome<>(null, idemException);
                }
                throw new AssertionError("expected a result or an Idem exception, got " + e.getCause(), e.getCause());
            }
        }

        IdemException failure(Future<?> call, String what) throws Exception {
            try {
                Object result = call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                throw new AssertionError(what + ": expected an Idem exception, got " + result);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IdemException idemException) {
                    return idemException;
                }
                throw new AssertionError(what + ": expected an Idem exception, got " + e.getCause(), e.getCause());
            }
        }

        @Override
        public void close() throws Exception {
            caller.shutdown();
            assertTrue(caller.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the call never ended");
            try {
                Faults.assertNoLeaks(pool, threadsBefore);
            } finally {
                pool.close();
            }
        }
    }
}
