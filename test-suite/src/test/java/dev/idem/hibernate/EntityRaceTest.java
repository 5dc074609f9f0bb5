package dev.idem.hibernate;

import static dev.idem.hibernate.Interleavings.causedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.RetryTransactionException;
import dev.idem.hibernate.Interleavings.Outcome;
import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Label;
import dev.idem.hibernate.model.Tag;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.exception.ConstraintViolationException;
import org.sqlite.SQLiteException;

/**
 * The code Hibernate users write today, under a deterministic interleaving of two sessions, and the same
 * interleaving through Idem. On SQLite, whose writers are serialized, the naive race shows as SQLITE_BUSY
 * for the session whose snapshot is stale, and Idem asks for the transaction to be run again.
 */
class EntityRaceTest {

    private static final String BY_NAME = "from Label where name = :name";

    @DatabaseTest
    void naiveFindThenPersistWithoutAConstraintInsertsTheRowTwice(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db)) {
            Outcome outcome = Interleavings.bothReadThenEachWritesInTurn(lab,
                    s -> s.createSelectionQuery(BY_NAME, Label.class).setParameter("name", "urgent").getResultList(),
                    (s, found) -> {
                        if (((List<?>) found).isEmpty()) {
                            s.persist(new Label("urgent"));
                            s.flush();
                        }
                    });
            assertNull(outcome.first());
            if (db.engine() == Engine.SQLITE) {
                assertTrue(causedBy(outcome.second(), SQLiteException.class), () -> "expected SQLITE_BUSY, got " + outcome.second());
                assertEquals(1, lab.count("select count(*) from Label"));
            } else {
                assertNull(outcome.second());
                assertEquals(2, lab.count("select count(*) from Label where name = 'urgent'"), "the race duplicates the row");
            }
        }
    }

    @DatabaseTest
    void naiveFindByNaturalIdThenPersistWithAConstraintFailsTheSecondSession(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db)) {
            Outcome outcome = Interleavings.bothReadThenEachWritesInTurn(lab,
                    s -> s.bySimpleNaturalId(Tag.class).load("urgent"),
                    (s, found) -> {
                        if (found == null) {
                            s.persist(new Tag("urgent"));
                            s.flush();
                        }
                    });
            assertNull(outcome.first());
            Class<? extends Throwable> expected = db.engine() == Engine.SQLITE ? SQLiteException.class : ConstraintViolationException.class;
            assertTrue(causedBy(outcome.second(), expected), () -> "expected " + expected.getSimpleName() + ", got " + outcome.second());
            assertEquals(1, lab.count("select count(*) from Tag"));
        }
    }

    @DatabaseTest
    void getOrCreateAfterBothSessionsFoundNothingCreatesOneRowWithoutError(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db)) {
            List<GotEntity<Tag>> got = new CopyOnWriteArrayList<>();
            Outcome outcome = Interleavings.bothReadThenEachWritesInTurn(lab,
                    s -> s.bySimpleNaturalId(Tag.class).load("urgent"),
                    (s, found) -> got.add(IdemSession.of(s).getOrCreate(Tag.class, "urgent")));
            assertNull(outcome.first());
            if (db.engine() == Engine.SQLITE) {
                // The second session's snapshot predates the first one's commit, and SQLite cannot upgrade it to a writer.
                assertTrue(outcome.second() instanceof RetryTransactionException, () -> "expected a retry request, got " + outcome.second());
                got.add(lab.inTransaction(s -> IdemSession.of(s).getOrCreate(Tag.class, "urgent")));
            } else {
                assertNull(outcome.second(), () -> "unexpected " + outcome.second());
            }
            assertOneCreated(got);
            assertEquals(1, lab.count("select count(*) from Tag"));
        }
    }

    @DatabaseTest
    void getOrCreateWhileAnotherSessionHoldsTheNewRowWaitsAndFindsIt(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.IMMEDIATE)) {
            List<GotEntity<Tag>> got = new CopyOnWriteArrayList<>();
            Outcome outcome = Interleavings.secondWritesWhileFirstHoldsItsRow(lab,
                    s -> got.add(IdemSession.of(s).getOrCreate(Tag.class, "urgent", t -> t.setColor("red"))));
            assertNull(outcome.first());
            assertNull(outcome.second(), () -> "unexpected " + outcome.second());
            assertOneCreated(got);
            assertEquals(1, lab.count("select count(*) from Tag"));
        }
    }

    @DatabaseTest
    void naiveCollectionAddFromTwoSessionsHitsTheJoinTablesKey(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db)) {
            long[] ids = imageAndTag(lab);
            Outcome outcome = Interleavings.bothReadThenEachWritesInTurn(lab,
                    s -> loadBoth(s, ids),
                    (s, loaded) -> {
                        Object[] pair = (Object[]) loaded;
                        ((Image) pair[0]).getTags().add((Tag) pair[1]);
                        s.flush();
                    });
            assertNull(outcome.first());
            Class<? extends Throwable> expected = db.engine() == Engine.SQLITE ? SQLiteException.class : ConstraintViolationException.class;
            assertTrue(causedBy(outcome.second(), expected), () -> "expected " + expected.getSimpleName() + ", got " + outcome.second());
            assertEquals(1, lab.count("select count(*) from image_tags"));
        }
    }

    @DatabaseTest
    void addLinkFromTwoSessionsThatLoadedTheCollectionLeavesOneRowWithoutError(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db)) {
            long[] ids = imageAndTag(lab);
            List<Boolean> added = new CopyOnWriteArrayList<>();
            Outcome outcome = Interleavings.bothReadThenEachWritesInTurn(lab,
                    s -> loadBoth(s, ids),
                    (s, loaded) -> {
                        Object[] pair = (Object[]) loaded;
                        added.add(IdemSession.of(s).addLink(pair[0], "tags", pair[1]));
                        assertTrue(((Image) pair[0]).getTags().contains((Tag) pair[1]));
                    });
            assertNull(outcome.first());
            if (db.engine() == Engine.SQLITE) {
                assertTrue(outcome.second() instanceof RetryTransactionException, () -> "expected a retry request, got " + outcome.second());
            } else {
                assertNull(outcome.second(), () -> "unexpected " + outcome.second());
                assertEquals(List.of(true, false), added);
            }
            assertEquals(1, lab.count("select count(*) from image_tags"));
        }
    }

    @DatabaseTest
    void addLinkWhileAnotherSessionHoldsTheNewLinkWaitsAndAddsNothing(TestDatabase db) throws Exception {
        try (Lab lab = new Lab(db, Lab.SqliteBegin.DEFERRED)) {
            long[] ids = imageAndTag(lab);
            try (Lab immediate = new Lab(db, Lab.SqliteBegin.IMMEDIATE, false)) {
                List<Boolean> added = new CopyOnWriteArrayList<>();
                Outcome outcome = Interleavings.secondWritesWhileFirstHoldsItsRow(immediate, s -> {
                    Object[] pair = loadBoth(s, ids);
                    added.add(IdemSession.of(s).addLink(pair[0], "tags", pair[1]));
                });
                assertNull(outcome.first());
                assertNull(outcome.second(), () -> "unexpected " + outcome.second());
                assertEquals(List.of(true, false), added);
            }
            assertEquals(1, lab.count("select count(*) from image_tags"));
        }
    }

    private static void assertOneCreated(List<GotEntity<Tag>> got) {
        assertEquals(2, got.size());
        assertEquals(1, got.stream().filter(GotEntity::created).count(), "exactly one session created the row");
        assertNotNull(got.get(0).entity().getId());
        assertEquals(got.get(0).entity().getId(), got.get(1).entity().getId());
        assertFalse(got.get(1).created() && got.get(0).created());
    }

    private static long[] imageAndTag(Lab lab) {
        return lab.inTransaction(s -> {
            Image image = new Image("cat.png");
            s.persist(image);
            Tag tag = new Tag("cat");
            s.persist(tag);
            return new long[] {image.getId(), tag.getId()};
        });
    }

    private static Object[] loadBoth(org.hibernate.Session s, long[] ids) {
        Image image = s.find(Image.class, ids[0]);
        image.getTags().size();
        return new Object[] {image, s.find(Tag.class, ids[1])};
    }
}
