package dev.idem.core;

import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Linked;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.util.List;

/** What getOrCreate and the link operations return, one caller at a time, on every database. */
class GetOrCreateTest {

    @DatabaseTest
    void createsOnceThenFindsTheStoredRowWithoutTheLosersDefaults(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());

        Got first = idem.getOrCreate(TAG, Values.of("title", "urgent"), Values.of("color", "red"));
        Got second = idem.getOrCreate(TAG, Values.of("title", "urgent"), Values.of("color", "blue"));

        assertTrue(first.created());
        assertFalse(second.created());
        assertEquals(first.longId(), second.longId());
        assertEquals("red", second.row().get("color"));
        assertEquals("urgent", second.row().getString("title"));
    }

    @DatabaseTest
    void returnsTheDatabaseDefaultsOfTheCreatedRow(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Got got = Idem.create(db.dataSource()).getOrCreate(TAG, Values.of("title", "plain"));
        assertTrue(got.created());
        assertEquals("grey", got.row().get("color"));
        assertTrue(got.longId() > 0);
    }

    @DatabaseTest
    void worksInsideTheCallersTransactionWithoutCommittingIt(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertTrue(idem.on(c).getOrCreate(TAG, Values.of("title", "draft")).created());
            c.rollback();
        }
        assertTrue(idem.getOrCreate(TAG, Values.of("title", "draft")).created(), "the rolled-back row must be gone");
    }

    @DatabaseTest
    void idemForConnectionsWorksOnlyOnTheConnectionsItIsHanded(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.forConnections();
        try (Connection c = db.connect()) {
            assertTrue(idem.on(c).getOrCreate(TAG, Values.of("title", "mine")).created());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> idem.getOrCreate(TAG, Values.of("title", "mine")));
        assertTrue(e.getMessage().contains("on(connection)"), e::getMessage);
    }

    @DatabaseTest
    void linksAreAddedOnceAndReportedPerTarget(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (2, 'cat.png')");
        Idem idem = Idem.create(db.dataSource());
        long a = idem.getOrCreate(TAG, Values.of("title", "a")).longId();
        long b = idem.getOrCreate(TAG, Values.of("title", "b")).longId();
        long c = idem.getOrCreate(TAG, Values.of("title", "c")).longId();

        assertTrue(idem.addLink(Schemas.IMAGE_TAGS, 2L, a));
        assertFalse(idem.addLink(Schemas.IMAGE_TAGS, 2L, a));
        Linked linked = idem.addLinks(Schemas.IMAGE_TAGS, 2L, List.of(a, b, c, b));
        assertEquals(List.of(b, c), linked.added());
        assertEquals(List.of(a), linked.existing());
        assertTrue(idem.removeLink(Schemas.IMAGE_TAGS, 2L, b));
        assertFalse(idem.removeLink(Schemas.IMAGE_TAGS, 2L, b));
        assertEquals(List.of(b), idem.addLinks(Schemas.IMAGE_TAGS, 2L, List.of(a, b, c)).added());
    }
}
