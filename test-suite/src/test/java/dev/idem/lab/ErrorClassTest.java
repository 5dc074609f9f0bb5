package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.DatabaseException;
import dev.idem.lab.scenario.GetOrCreate;
import dev.idem.lab.scenario.InvisibleRowException;
import dev.idem.lab.scenario.NaiveGetOrCreate;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Target;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The lab classifies what callers saw under its own names, whatever the wrapping. */
class ErrorClassTest {

    @DatabaseTest
    void aSecondInsertOfTheSameKeyIsClassifiedAsUniqueViolation(TestDatabase db) throws SQLException {
        new GetOrCreate().setUp(db, new NaiveGetOrCreate(true), 1);
        try (Connection c = db.connect()) {
            GetOrCreate.insert(c, "urgent");
            SQLException duplicate = assertThrows(SQLException.class, () -> GetOrCreate.insert(c, "urgent"));
            assertEquals(ErrorClass.UNIQUE_VIOLATION, ErrorClass.of(duplicate, db.engine()));
            assertEquals(ErrorClass.UNIQUE_VIOLATION, ErrorClass.of(new DatabaseException("wrapped", duplicate), db.engine()));
            assertEquals(ErrorClass.INVISIBLE_ROW, ErrorClass.of(new InvisibleRowException(duplicate), db.engine()));
            assertTrue(ErrorClass.sample(duplicate).startsWith("SQLSTATE "), ErrorClass.sample(duplicate));
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
                assertEquals(ErrorClass.BUSY, ErrorClass.of(busy, Engine.SQLITE)); // step 3: SQLITE_BUSY, no waiting
                reader.rollback();
            }
        }
    }

    @Test
    void anErrorWithoutSqlCauseIsOther() {
        assertEquals(ErrorClass.OTHER, ErrorClass.of(new IllegalStateException("no"), Engine.H2));
        assertEquals("IllegalStateException: no", ErrorClass.sample(new IllegalStateException("no")));
    }
}
