package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.DatabaseException;
import dev.idem.Idem;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Faults;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.time.Duration;
import java.util.Set;

/**
 * Lock wait and statement timeouts while another transaction holds the key: Idem mode runs a lock
 * timeout again (the lock may be free next time) as its retry policy allows and then says it gave up; a
 * cancelled statement is never run again (the caller's time budget is spent). Either way nothing is
 * written, and the call succeeds once the lock is free.
 */
class TimeoutsTest {

    /**
     * 1. A holds the key "k" (an uncommitted insert); 2. Idem's getOrCreate("k") waits, its session's lock
     * timeout fires (55P03, 1205, H2 50200; SQLITE_BUSY after busy_timeout), three times; 3. Idem gives up with
     * RetryTransactionException saying so; nothing written; 4. A rolls back; 5. getOrCreate creates "k".
     */
    @DatabaseTest
    void aLockTimeoutIsRetriedThenTheGivingUpSaysHowOften(TestDatabase db) throws Exception {
        Schemas.tags(db);
        try (HikariDataSource pool = Faults.pool("timeouts-" + db.target().id(), db.url(), db.properties(),
                Faults.lockTimeout(db.engine(), Duration.ofMillis(100)));
             Session holder = Session.open(db)) {
            Idem idem = Idem.create(pool, new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20)));
            holder.begin();
            holder.execute("insert into tag (title) values ('k')");
            Set<String> threads = Faults.threads();

            RetryTransactionException e = assertThrows(RetryTransactionException.class, () -> idem.getOrCreate(TAG, Values.of("title", "k")));
            assertTrue(e.getMessage().startsWith("Gave up after 3 attempts"), e.getMessage());
            holder.rollback();
            assertEquals(0, FaultProbe.count(db, "select count(*) from tag"));

            assertTrue(idem.getOrCreate(TAG, Values.of("title", "k")).created());
            Faults.assertNoLeaks(pool, threads);
        }
    }

    /**
     * 1. A holds the key "k"; 2. Idem's getOrCreate("k") waits until its session's statement timeout
     * cancels the statement (PostgreSQL 57014, MariaDB 1969, H2 57014); 3. Idem does not run it again: one
     * insert reached the database, and the exception says it was cancelled. MySQL's max_execution_time bounds
     * only SELECTs, and SQLite has only the driver's timeout, which Idem does not set.
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.H2})
    void aCancelledStatementIsNeverRunAgain(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        try (HikariDataSource pool = Faults.pool("timeouts-" + db.target().id(), db.url(), db.properties(),
                Faults.statementTimeout(db.engine(), Duration.ofMillis(300)));
             Session holder = Session.open(db)) {
            Idem idem = Idem.create(spy.wrap(pool));
            holder.begin();
            holder.execute("insert into tag (title) values ('k')");

            DatabaseException e = assertThrows(DatabaseException.class, () -> idem.getOrCreate(TAG, Values.of("title", "k")));
            assertTrue(e.getMessage().contains("the statement was cancelled"), e.getMessage());
            assertEquals(1, spy.executed().stream().filter(sql -> sql.toLowerCase(java.util.Locale.ROOT).contains("insert into")).count(),
                    "a cancelled statement was run again: " + spy.executed());
            holder.rollback();
            assertEquals(0, FaultProbe.count(db, "select count(*) from tag"));
            assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
        }
    }
}
