package dev.idem.core;

import static dev.idem.core.Schemas.IMAGE_TAGS;
import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Claim;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Statement budgets, counted at the JDBC level once the table is known (its catalog check is not counted). */
class StatementBudgetTest {

    /** SQLite's transaction control, as Idem sends it around a transaction of its own. */
    private static final Set<String> TRANSACTION_CONTROL = Set.of("commit", "begin immediate", "begin");

    /**
     * A hit is one statement and writes nothing, so it takes no identity or auto-increment value: the next
     * row created gets the very next id. Everywhere but PostgreSQL that statement is a SELECT; on PostgreSQL
     * it is the one statement that reads and inserts only on a miss. The insert-first upsert, run for
     * contrast, burns one value per hit.
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
        String hit = db.engine() == Engine.POSTGRESQL ? "with found as (select" : "select";
        assertTrue(spy.executed().stream().allMatch(sql -> sql.startsWith(hit)), spy.executed().toString());
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

    /** A miss: one statement on PostgreSQL, which reads and inserts at once; a read, then an insert elsewhere; MySQL reads the row back. */
    @DatabaseTest
    void missCostsOneStatementOnPostgresqlTwoElsewhereThreeOnMysql(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        idem.getOrCreate(TAG, Values.of("title", "warm-up"));

        spy.reset();
        Got got = idem.getOrCreate(TAG, Values.of("title", "new"), Values.of("color", "red"));
        assertTrue(got.created());
        assertEquals(missBudget(db.engine()), spy.count(), spy.executed().toString());
    }

    /**
     * Inside the caller's transaction the miss costs no more: on PostgreSQL the savepoint that keeps the
     * transaction usable after a refused row is sent with the statement, in the same round trip.
     */
    @DatabaseTest
    void missInsideTheCallersTransactionCostsNoMoreRoundTrips(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(db.dataSource());
        idem.getOrCreate(TAG, Values.of("title", "warm-up"));
        try (Connection c = spy.wrap(db.connect())) {
            c.setAutoCommit(false);
            spy.reset();
            assertTrue(idem.on(c).getOrCreate(TAG, Values.of("title", "new")).created());
            assertFalse(idem.on(c).getOrCreate(TAG, Values.of("title", "new")).created());
            assertEquals(missBudget(db.engine()) + 1, spy.count(), spy.executed().toString());
            c.commit();
        }
    }

    /**
     * getOrCreateAll of 1,000 new keys: a few statements for all of them. PostgreSQL: one, which reads and
     * inserts every row; SQLite: one, which inserts the keys not there yet. Elsewhere a read of the keys, one
     * multi-row insert, and on MySQL (whose inserts return no rows) a read of what was inserted. The same
     * 1,000 keys again: one statement; on SQLite the insert that finds every key there, then the read; no
     * identifier value is taken by them.
     */
    @DatabaseTest
    void getOrCreateAllOfAThousandKeysCostsAFewStatements(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        idem.getOrCreate(TAG, Values.of("title", "warm-up"));
        List<Values> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(Values.of("title", "k" + i, "color", "red"));
        }
        spy.reset();
        assertTrue(idem.getOrCreateAll(TAG, rows).stream().allMatch(Got::created));
        int expected = switch (db.engine()) {
            case POSTGRESQL, SQLITE -> 1;
            case MARIADB, H2 -> 2;
            case MYSQL -> 3;
        };
        assertEquals(expected, spy.count(), spy.executed().toString());

        long last = idem.getOrCreate(TAG, Values.of("title", "before the hits")).longId();
        spy.reset();
        assertTrue(idem.getOrCreateAll(TAG, rows).stream().noneMatch(Got::created));
        assertEquals(db.engine() == Engine.SQLITE ? 2 : 1, spy.count(), spy.executed().toString());
        // SQLite's insert reads before it inserts: an existing key draws no AUTOINCREMENT value, as ON CONFLICT DO NOTHING would.
        assertEquals(last + 1, idem.getOrCreate(TAG, Values.of("title", "after the hits")).longId(), "a batch of hits took identifier values");
    }

    private static int missBudget(Engine engine) {
        return switch (engine) {
            case POSTGRESQL -> 1;
            case MYSQL -> 3;
            default -> 2;
        };
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
     * A claim of up to ten rows: one statement on PostgreSQL and SQLite; a locking read and an update
     * returning the rows on H2; a locking read, an update and a re-read on MySQL and MariaDB, which have no
     * UPDATE ... RETURNING. An empty queue costs the read alone. Finish, release and renew: one each.
     */
    @DatabaseTest
    void claimCostsOneStatementOnPostgresqlAndSqliteAndFinishReleaseRenewOneEach(TestDatabase db) throws Exception {
        Tasks.create(db, 30);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        idem.claim(Tasks.TASKS, "warm-up", 1, Duration.ofMinutes(5));

        spy.reset();
        List<Claim> claims = idem.claim(Tasks.TASKS, "w", 10, Duration.ofMinutes(5));
        assertEquals(10, claims.size());
        assertEquals(claimBudget(db.engine()), spy.count(), spy.executed().toString());

        spy.reset();
        assertTrue(idem.finish(Tasks.TASKS, claims.get(0), Values.of("status", "done")));
        assertTrue(idem.renew(Tasks.TASKS, claims.get(1), Duration.ofMinutes(5)));
        assertTrue(idem.release(Tasks.TASKS, claims.get(2)));
        assertEquals(3, spy.count(), spy.executed().toString());

        idem.claim(Tasks.TASKS, "w", 30, Duration.ofMinutes(5));
        spy.reset();
        assertTrue(idem.claim(Tasks.TASKS, "w", 10, Duration.ofMinutes(5)).isEmpty());
        assertEquals(1, spy.count(), spy.executed().toString());
    }

    private static int claimBudget(Engine engine) {
        return switch (engine) {
            case POSTGRESQL, SQLITE -> 1;
            case H2 -> 2;
            case MARIADB, MYSQL -> 3;
        };
    }

    /**
     * increment: one statement where UPDATE returns the row (PostgreSQL, SQLite, H2); MySQL and MariaDB
     * read it back in the same transaction. update: a locking read and a write (and that read-back). On
     * SQLite transaction control is not counted: the "commit" / "begin immediate" pair that makes Idem's
     * transaction IMMEDIATE, and the "commit" / "begin" pair that ends it.
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
        return spy.executed().stream().filter(sql -> !TRANSACTION_CONTROL.contains(sql)).count();
    }
}
