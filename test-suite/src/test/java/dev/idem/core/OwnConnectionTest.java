package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.testing.DataSources;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Which connections {@code Idem.create(dataSource)} takes as its own. A transaction-aware data source
 * (Spring's TransactionAwareDataSourceProxy inside {@code @Transactional}) hands out the connection that
 * carries the caller's transaction, with auto-commit off; turning auto-commit on there commits the
 * caller's work, so Idem refuses such a connection before any statement.
 */
class OwnConnectionTest {

    /**
     * The naive variant, what Idem did before: 1. the caller begins a transaction and inserts "mine";
     * 2. the data source hands the same connection to Idem, which turns auto-commit on for its own
     * statements; 3. the caller rolls back. "mine" survives: turning auto-commit on committed it.
     */
    @DatabaseTest
    void turningAutoCommitOnAConnectionThatCarriesATransactionCommitsIt(TestDatabase db) throws Exception {
        Schemas.tags(db);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            insert(c, "mine");
            c.setAutoCommit(true);   // what a data source's "own" connection got
            c.setAutoCommit(false);
            c.rollback();
        }
        assertEquals(1, count(db, "mine"), "the caller's rolled-back row survived");
    }

    /**
     * 1. The caller begins a transaction and inserts "mine"; 2. Idem.create on a data source that hands out
     * that same connection is asked for "theirs" and refuses, before any statement; 3. the caller rolls
     * back. Nothing survives, and the connection is still in the caller's transaction.
     */
    @DatabaseTest
    void aConnectionThatCarriesTheCallersTransactionIsRefusedBeforeAnyStatement(TestDatabase db) throws Exception {
        Schemas.tags(db);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            insert(c, "mine");
            Idem idem = Idem.create(transactionAware(c));

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> idem.getOrCreate(TAG, Values.of("title", "theirs")));
            assertTrue(refused.getMessage().contains("idem.on(connection)"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> idem.inTransaction(conn -> idem.on(conn).getOrCreate(TAG, Values.of("title", "theirs"))));

            assertFalse(c.getAutoCommit(), "Idem changed the caller's auto-commit mode");
            c.rollback();
        }
        assertEquals(0, count(db, "mine"));
        assertEquals(0, count(db, "theirs"));
    }

    /** The same caller's transaction through idem.on(connection): Idem's row goes with the caller's rollback. */
    @DatabaseTest
    void theCallersTransactionIsJoinedThroughOnConnectionAndRolledBackWhole(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            insert(c, "mine");
            assertTrue(idem.on(c).getOrCreate(TAG, Values.of("title", "theirs")).created());
            assertFalse(c.getAutoCommit());
            c.rollback();
        }
        assertEquals(0, count(db, "mine"));
        assertEquals(0, count(db, "theirs"));
    }

    private static void insert(Connection c, String title) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("insert into tag (title) values ('" + title + "')");
        }
    }

    private static int count(TestDatabase db, String title) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from tag where title = '" + title + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Hands out {@code connection} every time, and ignores close(): what a transaction-aware data source does inside a transaction. */
    private static DataSource transactionAware(Connection connection) {
        Connection handle = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return DataSources.of(() -> handle);
    }
}
