package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IntegrityViolationException;
import dev.idem.SchemaMismatchException;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;

/** What cannot be race-free is refused before any data is touched; names are quoted, values bound. */
class RefusalsTest {

    @DatabaseTest
    void nullKeyValueIsRefusedBeforeAnyStatement(TestDatabase db) throws Exception {
        Schemas.tags(db);
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> idem.getOrCreate(TAG, Values.of("title", null)));
        assertTrue(e.getMessage().contains("NULL"), e::getMessage);
        assertEquals(0, spy.count(), "statements run: " + spy.executed());
    }

    @DatabaseTest
    void keyWithoutAUniqueConstraintCoveringExactlyItIsRefused(TestDatabase db) throws Exception {
        db.execute("create table loose (" + Schemas.id(db.engine()) + ", title varchar(100), color varchar(20))",
                "create table wider (" + Schemas.id(db.engine()) + ", title varchar(100), color varchar(20), unique (title, color))");
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        for (String table : new String[] {"loose", "wider"}) {
            SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                    () -> idem.getOrCreate(Table.named(table).key("title"), Values.of("title", "x")));
            assertTrue(e.getMessage().contains("unique"), e::getMessage);
        }
        // Catalog reads (bound with the table's name) may run; no statement on the tables themselves.
        assertEquals(List.of(), spy.executed().stream().filter(sql -> sql.contains("loose") || sql.contains("wider")).toList());
        try (Connection c = db.connect()) {
            assertEquals(0, Naive.count(c, "select count(*) from loose") + Naive.count(c, "select count(*) from wider"));
        }
    }

    @DatabaseTest
    void unknownTableOrColumnIsRefused(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(Table.named("no_such_table").key("title"), Values.of("title", "x")));
        assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(Table.named("tag").key("name"), Values.of("name", "x")));
        assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(TAG, Values.of("title", "x"), Values.of("colour", "red")));
        assertEquals(0, TwoSessionsSameKeyTest.rows(db, "x"));
    }

    /**
     * A conflict on another unique constraint (the slug) must not pass for "the key exists": MySQL's
     * ON DUPLICATE KEY UPDATE would return or touch the other row. Idem raises an error naming it.
     */
    @DatabaseTest
    void conflictOnAnotherUniqueIndexIsAnErrorThatNamesIt(TestDatabase db) throws Exception {
        db.execute("create table page (" + Schemas.id(db.engine()) + ", title varchar(100) not null, slug varchar(200) not null,"
                + " constraint page_title_key unique (title), constraint page_slug_key unique (slug))");
        Table page = Table.named("page").key("title").generatedKey("id");
        Idem idem = Idem.create(db.dataSource());
        // The slug reads like the tail of an error message naming the key's index: the value must not fool the parser.
        String slug = "home' for key 'page_title_key\" INDEX PUBLIC.PAGE_TITLE_KEY_INDEX_1 ON x";
        Got home = idem.getOrCreate(page, Values.of("title", "Home"), Values.of("slug", slug));

        IntegrityViolationException e = assertThrows(IntegrityViolationException.class,
                () -> idem.getOrCreate(page, Values.of("title", "Home page"), Values.of("slug", slug)));
        assertTrue(String.valueOf(e.constraint()).toLowerCase(Locale.ROOT).contains("slug"), () -> e.constraint() + " / " + e.getMessage());
        assertFalse(idem.getOrCreate(page, Values.of("title", "Home")).created());
        assertEquals(home.longId(), idem.getOrCreate(page, Values.of("title", "Home")).longId());
    }

    /**
     * Indexes that make only part of a value unique are no guarantee: a MySQL or MariaDB prefix index
     * ({@code unique (title(3))}) and an SQLite partial index. The JDBC metadata shows them as plain
     * unique indexes; Idem looks closer and refuses them before touching data.
     */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL, Engine.SQLITE})
    void prefixOrPartialUniqueIndexIsRefused(TestDatabase db) throws Exception {
        if (db.engine() == Engine.SQLITE) {
            db.execute("create table tag (" + Schemas.id(db.engine()) + ", title varchar(100) not null, color varchar(20))",
                    "create unique index tag_title_red on tag (title) where color = 'red'");
        } else {
            db.execute("create table tag (" + Schemas.id(db.engine()) + ", title varchar(100) not null, unique key tag_title_prefix (title(3)))");
        }
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> Idem.create(db.dataSource()).getOrCreate(TAG, Values.of("title", "abcd")));
        assertTrue(e.getMessage().contains("unique"), e::getMessage);
        assertEquals(0, TwoSessionsSameKeyTest.rows(db, "abcd"));
    }

    /** Names with quotes, backticks and reserved words reach SQL quoted, so they just work. */
    @DatabaseTest
    void identifiersWithQuotesBackticksAndReservedWordsWork(TestDatabase db) throws Exception {
        db.execute("create table " + q(db, "order") + " (" + q(db, "group") + " varchar(50) not null, " + q(db, "we\"ird") + " varchar(50), "
                + q(db, "back`tick") + " varchar(50), constraint order_group_key unique (" + q(db, "group") + "))");
        Table order = Table.named("order").key("group");
        Idem idem = Idem.create(db.dataSource());
        Got got = idem.getOrCreate(order, Values.of("group", "a"), Values.of("we\"ird", "w", "back`tick", "b"));
        assertTrue(got.created());
        assertEquals("w", got.row().get("we\"ird"));
        assertEquals("b", got.row().get("back`tick"));
        assertFalse(idem.getOrCreate(order, Values.of("group", "a")).created());
    }

    /** Injection through a name finds no such table or column; through a value it is only data. */
    @DatabaseTest
    void injectionAttemptsFailHarmlessly(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        String drop = "x\"; drop table tag; --";
        assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(Table.named("tag" + drop).key("title"), Values.of("title", "a")));
        assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(Table.named("tag`; drop table tag; --").key("title"), Values.of("title", "a")));
        assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(TAG, Values.of("title", "a"), Values.of("color" + drop, "red")));
        Got got = idem.getOrCreate(TAG, Values.of("title", "a'); drop table tag; --"));
        assertTrue(got.created());
        assertEquals("a'); drop table tag; --", got.row().get("title"));
        assertEquals(1, TwoSessionsSameKeyTest.rows(db, "a''); drop table tag; --"));
    }

    private static String q(TestDatabase db, String name) {
        return db.engine().isMysqlFamily() ? "`" + name.replace("`", "``") + "`" : "\"" + name.replace("\"", "\"\"") + "\"";
    }

}
