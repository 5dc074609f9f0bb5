package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IdemException;
import dev.idem.Operations;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** getOrCreateAll: one Got per input in input order, every guarantee of getOrCreate for each key, on every database. */
class GetOrCreateAllTest {

    private static final int CALLERS = 8;
    private static final int KEYS_PER_CALLER = 1000;

    /**
     * 8 callers released together, each with 1,000 keys, shuffled, every key shared with its neighbours
     * (caller w takes keys 250w to 250w + 999, 2,750 keys in all), half of them through Idem's own
     * transactions and half inside transactions of their own. Afterwards: no error (no deadlock), one
     * row per key, exactly one caller saw each key created, and every caller got the same id for it.
     */
    @DatabaseTest
    void eightCallersWithOverlappingThousandKeyBatchesCreateEachKeyOnce(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        List<Collisions.Outcome<Map<String, Got>>> outcomes;
        try (Collisions collisions = new Collisions(CALLERS)) {
            outcomes = collisions.round(worker -> {
                List<String> titles = new ArrayList<>();
                for (int k = 250 * worker; k < 250 * worker + KEYS_PER_CALLER; k++) {
                    titles.add("k" + k);
                }
                Collections.shuffle(titles, new Random(worker));
                List<Values> rows = new ArrayList<>();
                titles.forEach(t -> rows.add(Values.of("title", t, "color", "c" + worker)));
                List<Got> got;
                if (worker % 2 == 0) {
                    got = idem.getOrCreateAll(TAG, rows);
                } else {
                    got = idem.inTransaction(c -> idem.on(c).getOrCreateAll(TAG, rows));
                }
                Map<String, Got> byTitle = new HashMap<>();
                for (int i = 0; i < titles.size(); i++) {
                    assertEquals(titles.get(i), got.get(i).row().getString("title"), "input order");
                    byTitle.put(titles.get(i), got.get(i));
                }
                return byTitle;
            });
        }
        Map<String, Integer> created = new HashMap<>();
        Map<String, Set<Object>> ids = new HashMap<>();
        for (Collisions.Outcome<Map<String, Got>> o : outcomes) {
            if (o.error() != null) {
                throw new AssertionError("a caller failed", o.error());
            }
            o.value().forEach((title, got) -> {
                created.merge(title, got.created() ? 1 : 0, Integer::sum);
                ids.computeIfAbsent(title, t -> new HashSet<>()).add(got.id());
            });
        }
        int keys = 250 * (CALLERS - 1) + KEYS_PER_CALLER;
        assertEquals(keys, created.size());
        created.forEach((title, times) -> assertEquals(1, times, "callers that created " + title));
        ids.forEach((title, distinct) -> assertEquals(1, distinct.size(), "ids of " + title + ": " + distinct));
        try (Connection c = db.connect()) {
            assertEquals(keys, Naive.count(c, "select count(*) from tag"));
        }
    }

    /** The same key twice in one call: one row; the first input may be created, the second finds it; both get it. */
    @DatabaseTest
    void aKeyGivenTwiceInOneCallGetsOneRowCreatedByItsFirstOccurrence(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        idem.getOrCreate(TAG, Values.of("title", "old"));
        List<Got> got = idem.getOrCreateAll(TAG, List.of(Values.of("title", "b", "color", "red"), Values.of("title", "old"),
                Values.of("title", "a"), Values.of("title", "b", "color", "blue"), Values.of("title", "old")));

        assertEquals(List.of(true, false, true, false, false), got.stream().map(Got::created).toList());
        assertEquals(got.get(0).id(), got.get(3).id());
        assertEquals(got.get(1).id(), got.get(4).id());
        assertEquals("red", got.get(3).row().getString("color"), "the second occurrence's other columns are not applied");
        try (Connection c = db.connect()) {
            assertEquals(3, Naive.count(c, "select count(*) from tag"));
        }
    }

    /**
     * 40,000 keys, every other one already there: more than one chunk on every database (SQLite allows
     * 32,766 parameters, PostgreSQL's and MySQL's protocols 65,535). Each input gets its row in input
     * order, created exactly where the row was missing, and the chunks keep one sorted order.
     */
    @DatabaseTest
    void aBatchCrossingTheParameterLimitIsSplitAndKeepsInputOrder(TestDatabase db) throws Exception {
        Schemas.tags(db);
        int n = 40_000;
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("insert into tag (title) values (?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i += 2) {
                ps.setString(1, "t" + i);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        List<Values> rows = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            rows.add(Values.of("title", "t" + i));
        }
        JdbcSpy spy = new JdbcSpy();
        List<Got> got = Idem.create(spy.wrap(db.dataSource())).getOrCreateAll(TAG, rows);

        for (int i = 0; i < n; i++) {
            int key = n - 1 - i;
            assertEquals("t" + key, got.get(i).row().getString("title"));
            assertEquals(key % 2 == 1, got.get(i).created(), "t" + key);
        }
        assertTrue(spy.count() < 20, "a few statements per chunk, never one per key: " + spy.count());
        try (Connection c = db.connect()) {
            assertEquals(n, Naive.count(c, "select count(*) from tag"));
        }
    }

    /** A NULL key value anywhere in the batch is refused before any statement, so no row of the batch is written. */
    @DatabaseTest
    void aNullKeyValueIsRefusedBeforeAnyWrite(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        List<Values> rows = new ArrayList<>(List.of(Values.of("title", "a"), Values.of("title", "b")));
        rows.add(Values.of("color", "red", "title", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> idem.getOrCreateAll(TAG, rows));
        assertTrue(e.getMessage().contains("NULL"), e::getMessage);
        assertEquals(0, spy.count(), "statements run: " + spy.executed());
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> idem.getOrCreateAll(TAG, List.of(Values.of("title", "a"), Values.of("color", "red"))), "a row without its key");
        assertTrue(noKey.getMessage().contains("Row 1 of the batch") && noKey.getMessage().toLowerCase(java.util.Locale.ROOT).contains("no value for key column 'title'"), noKey::getMessage);
        try (Connection c = db.connect()) {
            assertEquals(0, Naive.count(c, "select count(*) from tag"));
        }
    }

    /**
     * Inside the caller's transaction: a batch the database refuses (a title too long for its column) throws,
     * keeps none of its rows, and leaves the transaction usable (on PostgreSQL too, whose transaction a failed
     * statement would abort): the caller's next statement and its commit go through.
     */
    @DatabaseTest
    void aRefusedBatchInsideTheCallersTransactionLeavesItUsable(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            Operations on = idem.on(c);
            assertTrue(on.getOrCreateAll(TAG, List.of(Values.of("title", "kept"))).get(0).created());
            if (db.engine() != Engine.SQLITE) { // SQLite does not enforce a VARCHAR length
                assertThrows(IdemException.class,
                        () -> on.getOrCreateAll(TAG, List.of(Values.of("title", "fine"), Values.of("title", "x".repeat(200)))));
            }
            List<Got> again = on.getOrCreateAll(TAG, List.of(Values.of("title", "kept"), Values.of("title", "after")));
            assertFalse(again.get(0).created());
            assertTrue(again.get(1).created());
            c.commit();
        }
        try (Connection c = db.connect()) {
            assertEquals(2, Naive.count(c, "select count(*) from tag"));
        }
    }

    /**
     * Two decimal keys that differ in their 17th digit, in one call, on a table that holds none of them. SQLite
     * stores a decimal as a REAL of about 16 significant digits: both become one value, so its insert (ON CONFLICT
     * DO NOTHING RETURNING) writes one row, returns it with a key neither input gave, and skips the other input.
     * That row was written by this call, so exactly one input must say it created it; the databases that keep
     * every digit write two rows, each created by its input. Either way: as many inputs created as rows written.
     */
    @DatabaseTest
    void decimalKeysStoredAsOneValueGiveOneRowThatExactlyOneInputCreated(TestDatabase db) throws Exception {
        db.execute("create table amount (" + Schemas.id(db.engine()) + ", k decimal(30,10) not null, note varchar(20), constraint amount_k_key unique (k))");
        dev.idem.Table amount = dev.idem.Table.named("amount").key("k").generatedKey("id");
        List<Got> got = Idem.create(db.dataSource()).getOrCreateAll(amount, List.of(
                Values.of("k", new java.math.BigDecimal("12345678901234567.88"), "note", "first"),
                Values.of("k", new java.math.BigDecimal("12345678901234567.89"), "note", "second")));

        long rows;
        try (Connection c = db.connect()) {
            rows = Naive.count(c, "select count(*) from amount");
        }
        Set<Object> createdIds = new HashSet<>();
        for (Got g : got) {
            if (g.created()) {
                assertTrue(createdIds.add(g.id()), "two inputs say they created row " + g.id() + ": " + got);
            }
        }
        assertEquals(rows, (long) createdIds.size(), "rows written by the call, and inputs that say they created one: " + got);
        if (rows == 1) {
            assertEquals(got.get(0).id(), got.get(1).id(), "the one row is both inputs' row");
        }
    }
}
