package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.DatabaseException;
import dev.idem.internal.Vendor;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Target;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lab counts right: what it reports is what happened in the database and to the callers. */
class LabCountingTest {

    @DatabaseTest
    void aPlantedDuplicateAndAMissingRowAreCounted(TestDatabase db) throws SQLException {
        GetOrCreate scenario = new GetOrCreate();
        scenario.setUp(db, new NaiveGetOrCreate(false), 3);
        try (Connection c = db.connect()) {
            GetOrCreate.insert(c, GetOrCreate.title(0));
            GetOrCreate.insert(c, GetOrCreate.title(0));
            GetOrCreate.insert(c, GetOrCreate.title(1));
            // Round 2 has no row at all.
            assertEquals(new Scenario.Tally(1, 1, 1), scenario.tally(c, 3));
        }
    }

    @DatabaseTest
    void aLinkThatNoCallerAddedIsCountedMissing(TestDatabase db) throws SQLException {
        AddLink scenario = new AddLink();
        scenario.setUp(db, new NaiveAddLink(), 2);
        try (Connection c = db.connect()) {
            AddLink.link(c, AddLink.id(0), AddLink.id(0));
            assertEquals(new Scenario.Tally(0, 0, 1), scenario.tally(c, 2));
        }
    }

    @DatabaseTest
    void aSecondInsertOfTheSameKeyIsClassifiedAsUniqueViolation(TestDatabase db) throws SQLException {
        new GetOrCreate().setUp(db, new NaiveGetOrCreate(true), 1);
        try (Connection c = db.connect()) {
            GetOrCreate.insert(c, "urgent");
            SQLException duplicate = assertThrows(SQLException.class, () -> GetOrCreate.insert(c, "urgent"));
            assertEquals("unique_violation", ErrorClasses.classify(duplicate, Arena.vendor(db.engine())));
            assertEquals("unique_violation", ErrorClasses.classify(new DatabaseException("wrapped", duplicate), Arena.vendor(db.engine())));
            assertEquals("invisible_row", ErrorClasses.classify(new InvisibleRowException(duplicate), Arena.vendor(db.engine())));
            assertTrue(ErrorClasses.sample(duplicate).startsWith("SQLSTATE "), ErrorClasses.sample(duplicate));
        }
    }

    @Test
    void aDeferredSqliteTransactionThatReadsThenWritesAfterAnotherCommitIsClassifiedBusy() throws SQLException {
        try (TestDatabase db = new TestDatabase(Target.SQLITE)) {
            db.execute("create table t (id integer primary key, v text)");
            try (Connection reader = db.connect(); Connection writer = db.connect();
                 Statement r = reader.createStatement(); Statement w = writer.createStatement()) {
                reader.setAutoCommit(false);
                r.executeQuery("select count(*) from t").close(); // step 1: the deferred transaction reads, taking a snapshot
                w.execute("insert into t (v) values ('other')");    // step 2: another connection commits a write
                SQLException busy = assertThrows(SQLException.class, () -> r.execute("insert into t (v) values ('mine')"));
                assertEquals("busy", ErrorClasses.classify(busy, Vendor.SQLITE)); // step 3: SQLITE_BUSY, no waiting
                reader.rollback();
            }
        }
    }

    @Test
    void roundsWhereCallersDisagreeAreSplitAndErrorsAreCountedByClass() {
        Attempts attempts = new Attempts(2, 3, Vendor.POSTGRESQL);
        attempts.succeeded(0, 0, Outcome.created(1L), 1_000_000);   // round 0: both created a row of their own
        attempts.succeeded(0, 1, Outcome.created(2L), 1_000_000);
        attempts.succeeded(1, 0, Outcome.created(3L), 1_000_000);   // round 1: one created, the other found it
        attempts.succeeded(1, 1, Outcome.found(3L), 1_000_000);
        attempts.succeeded(2, 0, Outcome.created(4L), 1_000_000);   // round 2: the other failed on the unique key
        attempts.failed(2, 1, new SQLException("duplicate key value violates unique constraint", "23505"), 1_000_000);
        assertEquals(1, attempts.splitRounds());
        assertEquals(Map.of("unique_violation", 1L), attempts.errorCounts());
    }

    @Test
    void percentilesUseTheNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (100 - i) * 1_000_000L;
        }
        assertEquals(50.0, Latencies.millis(nanos, 50));
        assertEquals(99.0, Latencies.millis(nanos, 99));
        assertEquals(0.0, Latencies.millis(new long[0], 50));
    }
}
