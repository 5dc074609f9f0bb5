package dev.idem.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Proves the database facility is real: every database accepts connections, enforces constraints and isolates tests. */
class DatabaseFacilityTest {

    /**
     * sqlite-jdbc can count a transaction open that SQLite does not have (its commit() begins the next one, and
     * that BEGIN can fail; SQLite also ends a transaction by itself after some errors). Here the work ends it,
     * then fails: the helper's ROLLBACK and its return to auto-commit find no transaction, and the first failure
     * must still be what the caller sees, with theirs attached. The lab's soak once reported "cannot commit - no
     * transaction is active" in place of the failure that came first.
     */
    @DatabaseTest(Engine.SQLITE)
    void inTransactionThrowsTheWorksFailureWhenTheDatabaseEndedTheTransactionItself(TestDatabase db) throws Exception {
        IllegalStateException workFailure = new IllegalStateException("the work's failure");
        try (Connection c = db.connect()) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Jdbc.inTransaction(c, tx -> {
                try (Statement s = tx.createStatement()) {
                    s.execute("rollback"); // as SQLite does after some errors, behind the driver's back
                }
                throw workFailure;
            }));
            assertSame(workFailure, thrown);
            assertTrue(thrown.getSuppressed().length > 0, "the failed rollback and return to auto-commit are attached");
            assertTrue(c.getAutoCommit());
        }
    }

    /**
     * sqlite-jdbc switches auto-commit off before it sends the BEGIN. When the BEGIN fails (another connection holds
     * the write lock past the busy timeout), the helper must switch it back: otherwise the connection goes back to
     * the pool with auto-commit off and no transaction open, the next caller's statements commit one by one, and
     * its COMMIT fails. The lab's soak met that as "cannot commit - no transaction is active".
     */
    @DatabaseTest(Engine.SQLITE)
    void inTransactionLeavesTheConnectionInAutoCommitWhenItsBeginFails(TestDatabase db) throws Exception {
        Properties immediate = db.properties();
        immediate.setProperty("transaction_mode", "IMMEDIATE");
        try (Connection holder = db.connect(); Connection c = DriverManager.getConnection(db.url(), immediate)) {
            try (Statement s = c.createStatement()) {
                s.execute("pragma busy_timeout = 50");
            }
            try (Statement s = holder.createStatement()) {
                s.execute("begin immediate");
            }
            SQLException busy = assertThrows(SQLException.class, () -> Jdbc.inTransaction(c, tx -> 1));
            assertTrue(busy.getMessage().contains("SQLITE_BUSY"), busy.getMessage());
            assertTrue(c.getAutoCommit(), "the connection was left with auto-commit off and no transaction open");
            try (Statement s = holder.createStatement()) {
                s.execute("rollback");
            }
            assertEquals(Integer.valueOf(1), Jdbc.inTransaction(c, tx -> 1), "the connection is usable again");
        }
    }

    @DatabaseTest
    void twoConnectionsInsertTheSameKeyAtOnceOneWinsTheOtherHitsTheUniqueConstraint(TestDatabase db) throws Exception {
        db.execute("create table smoke (id integer primary key, title varchar(40) not null, constraint smoke_title_key unique (title))");
        CyclicBarrier bothConnected = new CyclicBarrier(2);
        ExecutorService sessions = Executors.newFixedThreadPool(2);
        try {
            List<Future<SQLException>> outcomes = new ArrayList<>();
            for (int session = 1; session <= 2; session++) {
                int id = session;
                outcomes.add(sessions.submit(() -> {
                    try (Connection c = db.connect();
                         PreparedStatement insert = c.prepareStatement("insert into smoke (id, title) values (?, ?)")) {
                        insert.setInt(1, id);
                        insert.setString(2, "urgent");
                        bothConnected.await(30, TimeUnit.SECONDS);
                        insert.executeUpdate();
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                }));
            }
            List<SQLException> errors = new ArrayList<>();
            for (Future<SQLException> outcome : outcomes) {
                SQLException error = outcome.get(60, TimeUnit.SECONDS);
                if (error != null) {
                    errors.add(error);
                }
            }
            assertEquals(1, errors.size(), "exactly one of the two inserts must fail, got " + errors);
            SQLException loser = errors.get(0);
            assertTrue(isUniqueViolation(db.engine(), loser),
                    "expected a unique violation, got SQLState " + loser.getSQLState() + " code " + loser.getErrorCode() + ": " + loser);
        } finally {
            sessions.shutdownNow();
        }
        assertEquals(1, count(db, "select count(*) from smoke where title = 'urgent'"));
    }

    @DatabaseTest
    void eachTestGetsItsOwnDatabase(TestDatabase db) throws Exception {
        db.execute("create table mine (id integer primary key)", "insert into mine (id) values (1)");
        try (TestDatabase other = new TestDatabase(db.target())) {
            SQLException missing = assertThrows(SQLException.class, () -> count(other, "select count(*) from mine"));
            assertTrue(missing.getMessage().toLowerCase().contains("mine"), missing::getMessage);
        }
        assertEquals(1, count(db, "select count(*) from mine"));
    }

    /** What each database reports for a duplicate key, spelled out per engine. */
    private static boolean isUniqueViolation(Engine engine, SQLException e) {
        return switch (engine) {
            case POSTGRESQL, H2 -> "23505".equals(e.getSQLState());
            case MARIADB, MYSQL -> e.getErrorCode() == 1062;
            case SQLITE -> e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
        };
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
