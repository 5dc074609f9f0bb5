package dev.idem.core;

import static dev.idem.core.Schemas.IMAGE_TAGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.IntegrityViolationException;
import dev.idem.LinkTable;
import dev.idem.Linked;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** addLink keeps every error but "the link exists": a missing parent still fails, an existing link writes nothing. */
class LinksTest {

    @DatabaseTest
    void linkToAMissingParentRaisesTheForeignKeyError(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')");
        Idem idem = Idem.create(db.dataSource());
        assertThrows(IntegrityViolationException.class, () -> idem.addLink(IMAGE_TAGS, 1L, 404L));
        assertThrows(IntegrityViolationException.class, () -> idem.addLinks(IMAGE_TAGS, 1L, List.of(404L, 405L)));
        try (Connection c = db.connect()) {
            assertEquals(0, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    @DatabaseTest
    void addingAnExistingLinkReturnsFalseAndWritesNothing(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')", "insert into tag (id, title) values (7, 'cute')");
        JdbcSpy spy = new JdbcSpy();
        Idem idem = Idem.create(spy.wrap(db.dataSource()));
        assertTrue(idem.addLink(IMAGE_TAGS, 1L, 7L));
        String before = rowVersion(db);

        spy.reset();
        assertFalse(idem.addLink(IMAGE_TAGS, 1L, 7L));
        assertEquals(1, spy.count(), spy.executed().toString());
        assertEquals(before, rowVersion(db), "the existing link row was written again");
    }

    /**
     * Eight sessions, each in its own transaction at the database's default level, add the same new link
     * at once and commit: one adds it, the others find it, and none is failed by a deadlock. (An insert
     * that skips existing pairs through {@code WHERE NOT EXISTS} deadlocks here on MySQL and MariaDB:
     * both callers take a shared gap lock, then both wait to insert into the gap.)
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void sessionsAddingTheSameNewLinkInTheirOwnTransactionsNeverDeadlock(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        int rounds = 30;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("insert into image (id, name) values (1, 'cat.png')");
            for (int t = 1; t <= rounds; t++) {
                s.execute("insert into tag (id, title) values (" + t + ", 't" + t + "')");
            }
        }
        Idem idem = Idem.create(db.dataSource());
        List<Connection> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Connection c = db.connect();
            c.setAutoCommit(false);
            sessions.add(c);
        }
        try (Collisions collisions = new Collisions(8)) {
            collisions.<Boolean>rounds(rounds, round -> worker -> {
                Connection c = sessions.get(worker);
                boolean added = idem.on(c).addLink(IMAGE_TAGS, 1L, (long) round + 1);
                c.commit();
                return added;
            }, (round, outcomes) -> {
                StressTest.assertNoErrors(round, outcomes);
                assertEquals(1, outcomes.stream().filter(Collisions.Outcome::value).count(), "round " + round);
            });
        } finally {
            for (Connection c : sessions) {
                c.close();
            }
        }
    }

    /** A refused link inside the caller's transaction leaves it usable (PostgreSQL would abort it): the caller goes on and commits. */
    @DatabaseTest
    void refusedLinkLeavesTheCallersTransactionUsable(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')", "insert into tag (id, title) values (7, 'cute')");
        Idem idem = Idem.create(db.dataSource());
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertThrows(IntegrityViolationException.class, () -> idem.on(c).addLink(IMAGE_TAGS, 1L, 404L));
            assertTrue(idem.on(c).addLink(IMAGE_TAGS, 1L, 7L));
            c.commit();
        }
        try (Connection c = db.connect()) {
            assertEquals(1, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    /** addLinks is all or nothing: a missing parent among the targets leaves none of them linked. */
    @DatabaseTest
    void addLinksWithOneMissingParentLinksNothing(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')", "insert into tag (id, title) values (7, 'cute')",
                "insert into tag (id, title) values (8, 'small')", "insert into image_tags (image_id, tag_id) values (1, 8)");
        Idem idem = Idem.create(db.dataSource());
        assertThrows(IntegrityViolationException.class, () -> idem.addLinks(IMAGE_TAGS, 1L, List.of(7L, 8L, 404L)));
        try (Connection c = db.connect()) {
            assertEquals(1, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    /**
     * 1. A begins at REPEATABLE READ and reads the links: (1, 7) is there.
     * 2. B removes (1, 7) and commits.
     * 3. A's addLinks(1, [7, 8]) must add both: the snapshot still shows (1, 7), the database does not.
     */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL, Engine.POSTGRESQL})
    void addLinksSeesALinkRemovedAfterTheSnapshot(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')", "insert into tag (id, title) values (7, 'cute')",
                "insert into tag (id, title) values (8, 'small')", "insert into image_tags (image_id, tag_id) values (1, 7)");
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, db.engine() == Engine.POSTGRESQL ? Connection.TRANSACTION_READ_COMMITTED : Connection.TRANSACTION_REPEATABLE_READ)) {
            a.begin();
            a.execute("select count(*) from image_tags");
            assertTrue(idem.removeLink(IMAGE_TAGS, 1L, 7L));

            Linked linked = a.call(c -> idem.on(c).addLinks(IMAGE_TAGS, 1L, List.of(7L, 8L)));
            a.commit();
            assertEquals(List.of(7L, 8L), linked.added());
        }
        try (Connection c = db.connect()) {
            assertEquals(2, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    /**
     * 1. A deletes the link (1, 7), uncommitted.
     * 2. B's addLink(1, 7) waits for A.
     * 3. A commits: the link is gone, so B must add it. (H2 does not wait: it answers at once that the
     *    link, not yet deleted, exists, which is as true as it was then.)
     */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void linkDeletedWhileAddLinkWaitsIsAddedAgain(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        db.execute("insert into image (id, name) values (1, 'cat.png')", "insert into tag (id, title) values (7, 'cute')",
                "insert into image_tags (image_id, tag_id) values (1, 7)");
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db, Connection.TRANSACTION_READ_COMMITTED);
             Session b = Session.open(db, Connection.TRANSACTION_READ_COMMITTED)) {
            a.begin();
            a.execute("delete from image_tags where image_id = 1 and tag_id = 7");

            java.util.concurrent.Future<Boolean> added = b.startBlockedInInsert(c -> idem.on(c).addLink(IMAGE_TAGS, 1L, 7L));
            a.commit();

            assertTrue(added.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        try (Connection c = db.connect()) {
            assertEquals(1, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    /**
     * Targets come back from RETURNING as the database stores them: CHAR(n) padded with spaces, a
     * timestamp as the driver's type. addLinks still reports each as added, not as existing.
     */
    @DatabaseTest(Engine.POSTGRESQL)
    void returnedTargetsOfOtherTypesStillMatchTheCallersValues(TestDatabase db) throws Exception {
        db.execute("create table by_code (owner bigint not null, code char(5) not null, primary key (owner, code))",
                "create table by_time (owner bigint not null, at timestamp not null, primary key (owner, at))");
        Idem idem = Idem.create(db.dataSource());
        assertEquals(List.of("ab", "cd"),
                idem.addLinks(LinkTable.named("by_code").columns("owner", "code"), 1L, List.of("ab", "cd")).added());
        java.time.LocalDateTime noon = java.time.LocalDateTime.of(2024, 1, 1, 12, 0);
        assertEquals(List.of(noon), idem.addLinks(LinkTable.named("by_time").columns("owner", "at"), 1L, List.of(noon)).added());
        assertEquals(List.of(noon), idem.addLinks(LinkTable.named("by_time").columns("owner", "at"), 1L, List.of(noon)).existing());
    }

    /** On PostgreSQL the row version (xmin) shows any write; elsewhere the row itself. */
    private static String rowVersion(TestDatabase db) throws Exception {
        String sql = db.engine() == Engine.POSTGRESQL ? "select xmin::text || ctid::text from image_tags" : "select image_id || '-' || tag_id from image_tags";
        if (db.engine().isMysqlFamily()) {
            sql = "select concat(image_id, '-', tag_id) from image_tags";
        }
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            String version = rs.getString(1);
            assertFalse(rs.next());
            return version;
        }
    }
}
