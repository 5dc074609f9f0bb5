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

    private static long count(TestDatabase db, String table) throws Exception {
        try (var c = db.connect()) {
            return Naive.count(c, "select count(*) from " + table);
        }
    }
}
