package dev.idem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IntegrityViolationException;
import dev.idem.Table;
import dev.idem.RetryPolicy;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Django's update_or_create: afterwards the row with the key holds the values; {@code created} is exact; only the declared key decides. */
class UpdateOrCreateTest {

    private static final Table PAGE = Table.named("page").key("title").generatedKey("id");

    private static void pages(TestDatabase db) throws Exception {
        db.execute("create table page (" + Schemas.id(db.engine()) + ", title varchar(100) not null, slug varchar(200) not null,"
                + " body varchar(100), editor varchar(100), constraint page_title_key unique (title), constraint page_slug_key unique (slug))");
    }

    @DatabaseTest
    void createsTheRowThenUpdatesIt(TestDatabase db) throws Exception {
        pages(db);
        Idem idem = Idem.create(db.dataSource());
        Got first = idem.updateOrCreate(PAGE, Values.of("title", "Home"), Values.of("slug", "home", "body", "v1"));
        assertTrue(first.created());
        assertEquals("v1", first.row().getString("body"));
        Got second = idem.updateOrCreate(PAGE, Values.of("title", "Home"), Values.of("body", "v2"));
        assertFalse(second.created());
        assertEquals(first.longId(), second.longId());
        assertEquals("v2", second.row().getString("body"));
        assertEquals("home", second.row().getString("slug"));
        assertThrows(IllegalArgumentException.class, () -> idem.updateOrCreate(PAGE, Values.of("title", "Home"), Values.of("title", "x")));
    }

    /**
     * MySQL's ON DUPLICATE KEY UPDATE would fire on the slug's index and update the "Home" row. Idem
     * creates through the declared key only: a conflict on the slug, on insert or on update, is an error
     * naming it, and no other row changes.
     */
    @DatabaseTest
    void conflictOnAnotherUniqueIndexIsAnErrorThatNamesIt(TestDatabase db) throws Exception {
        pages(db);
        Idem idem = Idem.create(db.dataSource());
        idem.updateOrCreate(PAGE, Values.of("title", "Home"), Values.of("slug", "home", "body", "home body"));
        idem.updateOrCreate(PAGE, Values.of("title", "About"), Values.of("slug", "about", "body", "about body"));

        IntegrityViolationException onInsert = assertThrows(IntegrityViolationException.class,
                () -> idem.updateOrCreate(PAGE, Values.of("title", "Home page"), Values.of("slug", "home", "body", "stolen")));
        assertTrue(String.valueOf(onInsert.constraint()).toLowerCase(Locale.ROOT).contains("slug"), onInsert::getMessage);
        IntegrityViolationException onUpdate = assertThrows(IntegrityViolationException.class,
                () -> idem.updateOrCreate(PAGE, Values.of("title", "About"), Values.of("slug", "home", "body", "stolen")));
        assertTrue(String.valueOf(onUpdate.constraint()).toLowerCase(Locale.ROOT).contains("slug"), onUpdate::getMessage);

        try (Connection c = db.connect()) {
            assertEquals(2, Naive.count(c, "select count(*) from page"));
            assertEquals(0, Naive.count(c, "select count(*) from page where body = 'stolen'"));
        }
    }

    /**
     * 32 callers, released together, each round on a fresh key, each writing its own number into two
     * columns: one row per key, exactly one created, and the row holds one caller's values whole (the
     * last writer's), never a mix. With no retries: no caller may fail even once, so the losers of an
     * insert on InnoDB never deadlock over the duplicate key's shared lock.
     */
    @DatabaseTest
    void concurrentCallersLeaveOneRowOneCreatedAndOneWritersValues(TestDatabase db) throws Exception {
        pages(db);
        Idem idem = Idem.create(db.dataSource(), RetryPolicy.none());
        int rounds = db.engine() == Engine.SQLITE ? 10 : 30; // SQLite serialises the writers: each round is 32 in a row
        try (Collisions collisions = new Collisions(32)) {
            collisions.<Got>rounds(rounds, round -> worker -> idem.updateOrCreate(PAGE, Values.of("title", "p" + round),
                    Values.of("slug", "s" + round, "body", "w" + worker, "editor", "w" + worker)), (round, outcomes) -> {
                StressTest.assertNoErrors(round, outcomes);
                assertEquals(1, outcomes.stream().filter(o -> o.value().created()).count(), "round " + round + ": callers that created the row");
                Set<Object> ids = new HashSet<>();
                outcomes.forEach(o -> ids.add(o.value().id()));
                assertEquals(1, ids.size(), "round " + round + ": ids " + ids);
                try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("select body, editor from page where title = ?")) {
                    ps.setString(1, "p" + round);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(rs.getString(1), rs.getString(2), "round " + round + ": one writer's values");
                        assertFalse(rs.next());
                    }
                }
            });
        }
        try (Connection c = db.connect()) {
            assertEquals(rounds, Naive.count(c, "select count(*) from page"));
        }
    }
}
