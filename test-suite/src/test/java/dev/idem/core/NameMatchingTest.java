package dev.idem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.SchemaMismatchException;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;

/**
 * Names are matched the way each database folds unquoted ones: {@code tag} finds H2's {@code TAG} as it
 * finds PostgreSQL's {@code tag}; an exact-case match wins, and a name that matches two tables only by
 * ignoring case is an error, never a guess.
 */
class NameMatchingTest {

    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void exactCaseWinsFoldingFollowsTheDatabaseAndAmbiguityIsAnError(TestDatabase db) throws Exception {
        String open = db.engine().isMysqlFamily() ? "`" : "\"";
        for (String name : new String[] {"Tag", "TAG"}) {
            db.execute("create table " + open + name + open + " (title varchar(50) not null, origin varchar(10), unique (title))");
        }
        Idem idem = Idem.create(db.dataSource());

        assertEquals("Tag", idem.getOrCreate(Table.named("Tag").key("title"), Values.of("title", "a"), Values.of("origin", "Tag"))
                .row().get("origin"));
        assertEquals(1, count(db, open + "Tag" + open));
        assertEquals(0, count(db, open + "TAG" + open));

        Table folded = Table.named("tag").key("title");
        if (db.engine() == Engine.H2) {
            idem.getOrCreate(folded, Values.of("title", "b"));
            assertEquals(1, count(db, open + "TAG" + open), "unquoted tag is TAG on H2");
        } else {
            SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> idem.getOrCreate(folded, Values.of("title", "b")));
            assertTrue(e.getMessage().contains("matches"), e::getMessage);
        }
    }

    /**
     * One Idem, connections switched between two databases (one per tenant): the table is checked in each,
     * so the tenant whose table lacks the unique constraint is refused instead of inheriting the other's check.
     */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL})
    void eachDatabaseAConnectionSwitchesToIsCheckedOnItsOwn(TestDatabase db) throws Exception {
        Schemas.tags(db);
        try (TestDatabase other = new TestDatabase(db.engine())) {
            other.execute("create table tag (id bigint auto_increment primary key, title varchar(100) not null, color varchar(20))");
            String otherDatabase = other.url().replaceFirst("^jdbc:mysql://[^/]+/([^?]+).*$", "$1");
            Idem idem = Idem.forConnections();
            try (var c = db.connect()) {
                assertTrue(idem.on(c).getOrCreate(Schemas.TAG, Values.of("title", "a")).created());
                c.setCatalog(otherDatabase);
                assertThrows(SchemaMismatchException.class, () -> idem.on(c).getOrCreate(Schemas.TAG, Values.of("title", "a")));
            }
        }
    }

    private static long count(TestDatabase db, String table) throws Exception {
        try (var c = db.connect()) {
            return Naive.count(c, "select count(*) from " + table);
        }
    }
}
