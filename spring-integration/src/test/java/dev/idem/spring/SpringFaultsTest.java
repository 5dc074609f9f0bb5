package dev.idem.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.OutcomeUnknownException;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.testing.Breakpoint;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Faults;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.dao.DataAccessException;

/** SpringIdem when the connection dies under it: Idem's own answer reaches the application, whatever the cleanup meets. */
class SpringFaultsTest {

    private static final Table COUNTER = Table.named("counter").key("id");

    /**
     * A pool with auto-commit off and no transaction active: SpringIdem runs the call on a connection of its own,
     * switched to auto-commit, and switches it back before the pool gets it. Here that connection's session is
     * killed just before Idem's increment, one statement that would commit by itself: Idem cannot tell whether it
     * ran, says the outcome is unknown, and does not run it again. Switching the dead connection back fails as
     * well, and that failure must not replace Idem's answer (it is attached to it). PostgreSQL, where the
     * increment is one statement; the fault kit's tests cover every database and operation on the core.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void aConnectionKilledUnderACallOnItsOwnConnectionArrivesAsIdemsOutcomeUnknown(TestDatabase db) throws Exception {
        db.execute("create table counter (id bigint primary key, hits bigint not null)", "insert into counter (id, hits) values (1, 0)");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setDataSourceProperties(db.properties());
        config.setUsername(db.properties().getProperty("user"));
        config.setPassword(db.properties().getProperty("password"));
        config.setAutoCommit(false);
        config.setMaximumPoolSize(2);
        config.setPoolName("spring-faults");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcSpy spy = new JdbcSpy();
            SpringIdem idem = SpringIdem.of(spy.wrap(pool));
            Breakpoint write = Breakpoint.before(db.engine(), sql -> sql.startsWith("update")).on(spy);
            Future<?> call = caller.submit(() -> idem.increment(COUNTER, Values.of("id", 1L), "hits", 1));
            new Faults(db).kill(write.awaitReached(call));
            write.resume();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            DataAccessException spring = assertInstanceOf(DataAccessException.class, failed.getCause());
            OutcomeUnknownException unknown = assertInstanceOf(OutcomeUnknownException.class, spring.getCause(), spring.toString());
            assertTrue(unknown.getMessage().contains("may or may not have committed"), unknown.getMessage());
            assertTrue(unknown.getSuppressed().length > 0, "the failed switch back to auto-commit off is attached");
            assertEquals(0, hits(db), "the increment never reached the database, and was not run again");
        } finally {
            caller.shutdownNow();
        }
    }

    private static long hits(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select hits from counter where id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
