package dev.idem.core;

import static dev.idem.core.Schemas.IMAGE_TAGS;
import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/** Statement budgets, counted at the JDBC level once the table is known (its catalog check is not counted). */
class StatementBudgetTest {

    /**
     * A hit is one SELECT and writes nothing, so it takes no identity or auto-increment value: the next
     * row created gets the very next id. The insert-first upsert, run for contrast, burns one per hit.
     */
    @DatabaseTest
    void hitCostsOneStatementAndTakesNoIdentifierValue(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        long first = idem.getOrCreate(TAG, Values.of("title", "a")).longId();

        spy.reset();
        for (int i = 0; i < 20; i++) {
            assertFalse(idem.getOrCreate(TAG, Values.of("title", "a")).created());
        }
        assertEquals(20, spy.count(), spy.executed().toString());
        assertTrue(spy.executed().stream().allMatch(sql -> sql.startsWith("select")), spy.executed().toString());
        assertEquals(first + 1, idem.getOrCreate(TAG, Values.of("title", "b")).longId(), "a hit took an identifier value");

        if (db.engine() == Engine.POSTGRESQL || db.engine() == Engine.MARIADB) {
            String upsert = db.engine() == Engine.POSTGRESQL
                    ? "insert into tag (title) values ('a') on conflict (title) do nothing"
                    : "insert into tag (title) values ('a') on duplicate key update title = title";
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.executeUpdate(upsert);
            }
            assertEquals(first + 3, idem.getOrCreate(TAG, Values.of("title", "c")).longId(), "the insert-first upsert burns a value on a hit");
        }
    }

    @DatabaseTest
    void missCostsTwoStatementsOrThreeOnMysql(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        idem.getOrCreate(TAG, Values.of("title", "warm-up"));

        spy.reset();
        Got got = idem.getOrCreate(TAG, Values.of("title", "new"));
        assertTrue(got.created());
        assertEquals(db.engine() == Engine.MYSQL ? 3 : 2, spy.count(), spy.executed().toString());
    }

    @DatabaseTest
    void addLinkCostsOneStatementAndAddLinksOneForAllPairs(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')");
        for (int i = 1; i <= 50; i++) {
            db.execute("insert into tag (id, title) values (" + i + ", 't" + i + "')");
        }
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        idem.addLink(IMAGE_TAGS, 1L, 50L);

        spy.reset();
        assertTrue(idem.addLink(IMAGE_TAGS, 1L, 1L));
        assertFalse(idem.addLink(IMAGE_TAGS, 1L, 1L));
        assertEquals(2, spy.count(), spy.executed().toString());

        spy.reset();
        List<Long> targets = new java.util.ArrayList<>();
        for (long i = 1; i <= 50; i++) {
            targets.add(i);
        }
        assertEquals(48, idem.addLinks(IMAGE_TAGS, 1L, targets).added().size());
        assertEquals(linksBudget(db.engine()), spy.count(), spy.executed().toString());
    }

    /**
     * PostgreSQL and SQLite: one insert that skips existing pairs and returns the new ones. MySQL and
     * MariaDB (where such an insert deadlocks on gap locks) and H2 (whose returning form is not atomic
     * for several rows) read which links exist, then insert the others.
     */
    private static int linksBudget(Engine engine) {
        return engine == Engine.POSTGRESQL || engine == Engine.SQLITE ? 1 : 2;
    }

    /**
     * increment: one statement where UPDATE returns the row (PostgreSQL, SQLite, H2); MySQL and MariaDB
     * read it back in the same transaction. update: a locking read and a write (and that read-back). On
     * SQLite the IMMEDIATE transaction's "commit" / "begin immediate" pair is transaction control, not counted.
     */
    @DatabaseTest
    void incrementCostsOneStatementAndUpdateALockingReadAndAWrite(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        Values one = Values.of("id", 1L);
        idem.increment(Ledger.ACCOUNT, one, "points", 1);

        spy.reset();
        idem.increment(Ledger.ACCOUNT, one, "points", 1);
        boolean readsBack = db.engine().isMysqlFamily();
        assertEquals(readsBack ? 2 : 1, statements(spy), spy.executed().toString());

        spy.reset();
        idem.update(Ledger.ACCOUNT, one, row -> Values.of("points", row.getLong("points") + 1));
        assertEquals(readsBack ? 3 : 2, statements(spy), spy.executed().toString());
        assertEquals(3, Ledger.read(db, 1, "points"));
    }

    private static long statements(JdbcSpy spy) {
        return spy.executed().stream().filter(sql -> !sql.equals("commit") && !sql.equals("begin immediate")).count();
    }
}
