package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.RetryTransactionException;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The embedded databases' own ways to fail under concurrency: SQLite's SQLITE_BUSY, H2's 23505 and 90131. */
class EmbeddedConcurrencyTest {

    private static final int ROUNDS = 50;

    /** Eight threads, each on its own connection to one SQLite file, in auto-commit mode: no SQLITE_BUSY reaches them. */
    @DatabaseTest(Engine.SQLITE)
    void eightSqliteConnectionsOnOneFileSeeOneRowAndNoBusyError(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        List<Connection> connections = connections(db, 8);
        try (Collisions collisions = new Collisions(8)) {
            collisions.<Got>rounds(ROUNDS, round -> worker -> idem.on(connections.get(worker)).getOrCreate(TAG, Values.of("title", "k" + round)),
                    (round, outcomes) -> assertOneCreatorOneId(round, outcomes));
        } finally {
            closeAll(connections);
        }
        assertOneRowPerKey(db);
    }

    /**
     * SQLite's deferred transactions: both sessions read, A writes and commits, then B's write cannot
     * take the lock without losing its snapshot and fails at once with SQLITE_BUSY, busy timeout or not.
     * Naive code gets the raw error; Idem in B's transaction says to retry it.
     */
    @DatabaseTest(Engine.SQLITE)
    void deferredTransactionThatReadFirstCannotWriteAfterAnotherCommitted(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db); Session b = Session.open(db)) {
            a.begin();
            b.begin();
            a.execute("select count(*) from tag");
            b.execute("select count(*) from tag");
            a.call(c -> Naive.selectThenInsert(c, "first"));
            a.commit();

            SQLiteException naive = assertThrows(SQLiteException.class, () -> b.call(c -> Naive.selectThenInsert(c, "second")));
            assertEquals(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT, naive.getResultCode());
            RetryTransactionException retry = assertThrows(RetryTransactionException.class,
                    () -> b.call(c -> idem.on(c).getOrCreate(TAG, Values.of("title", "second"))));
            assertTrue(retry.getMessage().contains("IMMEDIATE"), retry::getMessage);
            b.rollback();
        }
    }

    /**
     * SQLite in its default rollback-journal mode: a reader holds the database past the busy timeout, so
     * the commit of Idem's auto-commit INSERT ... RETURNING fails and SQLite rolls the row back. That
     * failure surfaces only when the statement is stepped to its end; Idem must not report a row it
     * does not have.
     */
    @DatabaseTest(Engine.SQLITE)
    void rolledBackSqliteInsertIsNeverReportedAsCreated(TestDatabase db) throws Exception {
        Schemas.tags(db);
        java.util.Properties rollbackJournal = db.properties();
        rollbackJournal.setProperty("journal_mode", "DELETE");
        rollbackJournal.setProperty("busy_timeout", "50");
        try (Connection setup = java.sql.DriverManager.getConnection(db.url(), rollbackJournal)) {
            Naive.count(setup, "select count(*) from tag");
        }
        Idem idem = Idem.create(db.dataSource());
        try (Connection reader = java.sql.DriverManager.getConnection(db.url(), rollbackJournal);
             Connection writer = java.sql.DriverManager.getConnection(db.url(), rollbackJournal)) {
            reader.setAutoCommit(false);
            Naive.count(reader, "select count(*) from tag"); // holds a SHARED lock until it ends
            RetryTransactionException busy = assertThrows(RetryTransactionException.class,
                    () -> idem.on(writer).getOrCreate(TAG, Values.of("title", "held")));
            assertTrue(busy.getMessage().contains("SQLITE_BUSY"), busy::getMessage);
            reader.rollback();
            assertEquals(0, Naive.count(writer, "select count(*) from tag"));
        }
    }

    /** The same work through inTransaction, which begins IMMEDIATE: eight threads, no error, one row per key. */
    @DatabaseTest(Engine.SQLITE)
    void inTransactionBeginsImmediateSoReadThenWriteNeverFails(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Collisions collisions = new Collisions(8)) {
            collisions.<Got>rounds(ROUNDS, round -> worker -> idem.inTransaction(c -> {
                Naive.count(c, "select count(*) from tag");
                return idem.on(c).getOrCreate(TAG, Values.of("title", "k" + round));
            }, dev.idem.RetryPolicy.none()), (round, outcomes) -> assertOneCreatorOneId(round, outcomes));
        }
        assertOneRowPerKey(db);
    }

    /** Sixteen H2 sessions, each in its own transaction, insert the same key at once: 23505 and 90131 never reach them. */
    @DatabaseTest(Engine.H2)
    void concurrentH2TransactionsNeverSeeDuplicateKeyOrConcurrentUpdateErrors(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        List<Connection> connections = connections(db, 16);
        for (Connection c : connections) {
            c.setAutoCommit(false);
        }
        try (Collisions collisions = new Collisions(16)) {
            collisions.<Got>rounds(ROUNDS, round -> worker -> {
                Connection c = connections.get(worker);
                Got got = idem.on(c).getOrCreate(TAG, Values.of("title", "k" + round));
                c.commit();
                return got;
            }, (round, outcomes) -> assertOneCreatorOneId(round, outcomes));
        } finally {
            closeAll(connections);
        }
        assertOneRowPerKey(db);
    }

    private static void assertOneCreatorOneId(int round, List<Collisions.Outcome<Got>> outcomes) {
        StressTest.assertNoErrors(round, outcomes);
        Set<Object> ids = new HashSet<>();
        long created = 0;
        for (Collisions.Outcome<Got> o : outcomes) {
            ids.add(o.value().id());
            created += o.value().created() ? 1 : 0;
        }
        assertEquals(1, created, "round " + round);
        assertEquals(1, ids.size(), "round " + round + ": " + ids);
    }

    private static void assertOneRowPerKey(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            assertEquals(ROUNDS, Naive.count(c, "select count(*) from tag"));
            assertFalse(Naive.count(c, "select count(*) from (select title from tag group by title having count(*) > 1) d") > 0);
        }
    }

    private static List<Connection> connections(TestDatabase db, int n) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            connections.add(db.connect());
        }
        return connections;
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }
}
