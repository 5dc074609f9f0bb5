package dev.idem.core;

import static dev.idem.core.Ledger.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.Values;
import dev.idem.testing.DataSources;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;

/**
 * How a transaction ends on SQLite. sqlite-jdbc's {@code commit()} runs the COMMIT and then, before it returns,
 * a BEGIN for the next transaction; with {@code transaction_mode=IMMEDIATE} (which a SQLite application needs,
 * and which Idem's own transactions use) that BEGIN waits for the write lock, and when another connection takes
 * the lock in between and keeps it past the busy timeout, {@code commit()} throws {@code SQLITE_BUSY} although
 * the COMMIT took effect. Work that committed would then be reported as failed, and run again.
 *
 * <p>The tests make that moment happen every time: a progress handler on the committing connection, which runs
 * between the statement's steps, lets a second connection take the write lock as soon as it can see the commit.
 */
class SqliteTransactionEndTest {

    private static final Values ONE = Values.of("id", 1L);

    /** The naive variant, plain JDBC: {@code commit()} throws {@code SQLITE_BUSY}, and yet the row is written. */
    @DatabaseTest(Engine.SQLITE)
    void sqliteJdbcsCommitThrowsBusyAfterTheCommitTookEffect(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Properties immediate = db.properties();
        immediate.setProperty("transaction_mode", "IMMEDIATE");
        try (LockTaker other = new LockTaker(db); Connection c = armed(DriverManager.getConnection(db.url(), immediate), other, new Trigger())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("update account set balance = 70 where id = 1");
            }
            SQLException thrown = assertThrows(SQLException.class, c::commit);
            assertTrue(thrown.getMessage().contains("SQLITE_BUSY"), thrown.getMessage());
            other.release();
            assertEquals(70, Ledger.read(db, 1, "balance"), "the transaction whose commit() failed is committed");
        }
    }

    /** {@code inTransaction}'s work committed: it returns once, and the work ran once, though the next transaction's lock was taken. */
    @DatabaseTest(Engine.SQLITE)
    void inTransactionReturnsWorkThatCommittedWhenTheNextTransactionsLockIsTaken(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        try (LockTaker other = new LockTaker(db)) {
            Idem idem = Idem.create(committer(db.newPool(1, -1, true), other));
            int[] runs = {0};
            long points = idem.inTransaction(c -> {
                runs[0]++;
                return idem.on(c).increment(ACCOUNT, ONE, "points", 5).getLong("points");
            }, RetryPolicy.defaults());
            assertTrue(other.taken, "the other connection never took the lock: the test did not make the moment it is about");
            assertEquals(5, points);
            assertEquals(1, runs[0], "the work ran again after it had committed");
            other.release();
            assertEquals(5, Ledger.read(db, 1, "points"));
            assertEquals(10, idem.increment(ACCOUNT, ONE, "points", 5).getLong("points"), "the connection went back to the pool unusable");
        }
    }

    /** An update in a transaction of Idem's own: applied once, and said so, though the next transaction's lock was taken. */
    @DatabaseTest(Engine.SQLITE)
    void anUpdateOfIdemsOwnIsAppliedOnceWhenTheLockIsTakenAtItsCommit(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        try (LockTaker other = new LockTaker(db)) {
            Idem idem = Idem.create(committer(db.newPool(1, -1, true), other));
            long balance = idem.update(ACCOUNT, ONE, row -> Values.of("balance", row.getLong("balance") - 30)).getLong("balance");
            assertTrue(other.taken, "the other connection never took the lock: the test did not make the moment it is about");
            assertEquals(70, balance);
            other.release();
            assertEquals(70, Ledger.read(db, 1, "balance"), "the update was applied again after it had committed");
        }
    }

    /**
     * Another connection holds the write lock past the busy timeout, so Idem's transaction on the caller's
     * connection, in auto-commit mode, cannot begin: Idem says to retry, and the caller's connection is back
     * in auto-commit mode, not left in a transaction that would keep the caller's next statements uncommitted.
     */
    @DatabaseTest(Engine.SQLITE)
    void aCallersConnectionStaysInAutoCommitWhenIdemsTransactionCannotBegin(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        try (LockTaker other = new LockTaker(db); Connection c = db.connect()) {
            busyTimeout(c, 50);
            other.take();
            Idem idem = Idem.forConnections();
            assertThrows(RetryTransactionException.class, () -> idem.on(c).update(ACCOUNT, ONE, row -> Values.of("balance", 0)));
            assertTrue(c.getAutoCommit(), "the caller's connection was left with auto-commit off");
            other.release();
            assertEquals(0, idem.on(c).update(ACCOUNT, ONE, row -> Values.of("balance", 0)).getLong("balance"));
            try (Connection reader = db.connect()) {
                assertEquals(0, Ledger.read(reader, 1, "balance"), "the caller's connection was left in a transaction that never committed");
            }
        }
    }

    /** {@code pool}'s connections, each {@link #armed} with {@code other}; the lock is taken once, at the first COMMIT on any of them. */
    private static DataSource committer(DataSource pool, LockTaker other) {
        Trigger trigger = new Trigger();
        return DataSources.wrapping(pool, c -> armed(c, other, trigger));
    }

    /**
     * {@code c}, with a short busy timeout and a progress handler, which runs between the steps of its statements,
     * that has {@code other} take the write lock as soon as {@code other} can see that account 1 changed: right after
     * a COMMIT, before the next statement.
     */
    private static Connection armed(Connection c, LockTaker other, Trigger trigger) throws SQLException {
        busyTimeout(c, 100);
        ProgressHandler.setHandler(c.unwrap(SQLiteConnection.class), 1, new ProgressHandler() {
            @Override
            protected int progress() throws SQLException {
                if (!trigger.fired) {
                    long now = Ledger.read(other.connection, 1, "balance") + Ledger.read(other.connection, 1, "points");
                    if (trigger.seen == null) {
                        trigger.seen = now;
                    } else if (now != trigger.seen) {
                        other.take();
                        trigger.fired = true; // once: later statements find the lock as the test leaves it
                    }
                }
                return 0;
            }
        });
        return c;
    }

    /** What the committed account looked like at first, and whether the lock was taken. */
    private static final class Trigger {
        Long seen;
        boolean fired;
    }

    private static void busyTimeout(Connection c, int millis) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("pragma busy_timeout = " + millis);
        }
    }

    /** A second connection, which takes the write lock when asked and holds it until released; it never waits for the lock. */
    private static final class LockTaker implements AutoCloseable {
        final Connection connection;
        boolean taken;

        LockTaker(TestDatabase db) throws SQLException {
            connection = db.connect();
            busyTimeout(connection, 0);
        }

        void take() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("begin immediate");
            }
            taken = true;
        }

        void release() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("rollback");
            }
            taken = false;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
