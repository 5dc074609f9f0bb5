package dev.idem.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.SchemaMismatchException;
import dev.idem.hibernate.model.Account;
import dev.idem.hibernate.model.Book;
import dev.idem.hibernate.model.Country;
import dev.idem.hibernate.model.Email;
import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Label;
import dev.idem.hibernate.model.Plan;
import dev.idem.hibernate.model.Tag;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TransactionRequiredException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.Session;

/** Each mapping variant Hibernate offers, got or created through Idem: the row is the one persist would write. */
class EntityGetOrCreateTest {

    @DatabaseTest
    void identityIdAndNaturalIdCreateOnceThenFindTheManagedInstance(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            AtomicInteger initialized = new AtomicInteger();
            long id = lab.inTransaction(s -> {
                GotEntity<Tag> got = IdemSession.of(s).getOrCreate(Tag.class, "urgent", t -> {
                    initialized.incrementAndGet();
                    t.setColor("red");
                });
                assertTrue(got.created());
                assertTrue(s.contains(got.entity()));
                assertSame(got.entity(), s.find(Tag.class, got.entity().getId()));
                assertSame(got.entity(), s.bySimpleNaturalId(Tag.class).load("urgent"));
                return got.entity().getId();
            });
            lab.inTransaction(s -> {
                GotEntity<Tag> got = IdemSession.of(s).getOrCreate(Tag.class, Map.of("title", "urgent"), t -> initialized.incrementAndGet());
                assertFalse(got.created());
                assertEquals(id, got.entity().getId());
                assertEquals("red", got.entity().getColor());
                assertSame(got.entity(), s.find(Tag.class, id));
                return null;
            });
            assertEquals(1, initialized.get(), "the initializer runs only for the caller that creates the row");
            assertEquals(1, lab.count("select count(*) from Tag"));
        }
    }

    @DatabaseTest
    void aHitCostsOneStatementAndSequenceIdsComeFromHibernatesPooledOptimizer(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            if (db.engine() == Engine.SQLITE) {
                sequencesCannotFollowAReadOnSqliteEvenWithPlainPersist(lab);
                return;
            }
            long persisted = lab.inTransaction(s -> {
                Image first = new Image("persisted.png");
                s.persist(first);
                return first.getId();
            });
            long created = lab.inTransaction(s -> IdemSession.of(s).getOrCreate(Image.class, Map.of("name", "cat.png")).entity().getId());
            assertEquals(persisted + 1, created, "the id comes from the optimizer persist uses, next in its block");
            lab.inTransaction(s -> {
                long before = lab.statements();
                GotEntity<Image> got = IdemSession.of(s).getOrCreate(Image.class, Map.of("name", "cat.png"));
                assertEquals(1, lab.statements() - before, "a hit is one statement");
                assertFalse(got.created());
                for (int i = 0; i < 20; i++) {
                    IdemSession.of(s).getOrCreate(Image.class, Map.of("name", "cat.png"));
                }
                Image next = new Image("dog.png");
                s.persist(next);
                assertEquals(created + 1, next.getId(), "hits consumed no id");
                return null;
            });
            assertEquals(3, lab.count("select count(*) from images"));
        }
    }

    /**
     * SQLite has no sequences: Hibernate emulates one with a table that it updates in a transaction of its
     * own. A transaction that has read anything then cannot write (SQLITE_BUSY: its snapshot predates that
     * commit), with plain persist as with Idem, so SEQUENCE ids are not usable there.
     */
    private static void sequencesCannotFollowAReadOnSqliteEvenWithPlainPersist(Lab lab) {
        assertThrows(jakarta.persistence.PersistenceException.class, () -> lab.inTransaction(s -> {
            s.createSelectionQuery("from Image", Image.class).getResultList();
            s.persist(new Image("plain.png"));
            s.flush();
            return null;
        }));
    }

    @DatabaseTest
    void uuidIdConvertedKeyQuotedNamesVersionEnumAndGeneratedValuesAreWrittenAsPersistWould(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            UUID id = lab.inTransaction(s -> {
                GotEntity<Account> got = IdemSession.of(s).getOrCreate(Account.class, Map.of("email", new Email("Ann@Example.com")),
                        a -> a.setPlan(Plan.TEAM));
                assertTrue(got.created());
                Account a = got.entity();
                assertNotNull(a.getId());
                assertEquals(0, a.getVersion());
                assertEquals(Plan.TEAM, a.getPlan());
                assertNotNull(a.getCreatedAt(), "@CreationTimestamp is set on insert");
                assertEquals("new", a.getStatus(), "the database default of a @Generated column is read back");
                return a.getId();
            });
            String q = db.engine() == Engine.MARIADB || db.engine() == Engine.MYSQL ? "`" : "\"";
            assertEquals(1, lab.count("select count(*) from " + q + "Account Holder" + q + " where " + q + "E-Mail" + q
                    + " = 'mailto:ann@example.com' and version = 0 and plan = 1 and status = 'new' and createdAt is not null"));
            lab.inTransaction(s -> {
                GotEntity<Account> got = IdemSession.of(s).getOrCreate(Account.class, Map.of("email", new Email("ann@example.com")));
                assertFalse(got.created());
                assertEquals(id, got.entity().getId());
                got.entity().setPlan(Plan.ENTERPRISE); // a managed entity: the change is flushed, the version moves
                return null;
            });
            Account reloaded = lab.inTransaction(s -> s.find(Account.class, id));
            assertEquals(Plan.ENTERPRISE, reloaded.getPlan());
            assertEquals(1, reloaded.getVersion());
        }
    }

    @DatabaseTest
    void anAssignedIdCanBeTheKey(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            boolean created = lab.inTransaction(s -> IdemSession.of(s).getOrCreate(Country.class, Map.of("code", "FR"), c -> c.setName("France")).created());
            assertTrue(created);
            GotEntity<Country> again = lab.inTransaction(s -> IdemSession.of(s).getOrCreate(Country.class, Map.of("code", "FR"), c -> c.setName("Other")));
            assertFalse(again.created());
            assertEquals("France", again.entity().getName());
        }
    }

    @DatabaseTest
    void singleTableInheritanceWritesTheDiscriminator(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            UUID id = lab.inTransaction(s -> {
                GotEntity<Book> got = IdemSession.of(s).getOrCreate(Book.class, Map.of("code", "isbn-1"), b -> {
                    b.setTitle("Dune");
                    b.setPages(412);
                });
                assertTrue(got.created());
                return got.entity().getId();
            });
            assertEquals(1, lab.count("select count(*) from item where kind = 'book' and code = 'isbn-1' and pages = 412"));
            lab.inTransaction(s -> {
                GotEntity<Book> got = IdemSession.of(s).getOrCreate(Book.class, Map.of("code", "isbn-1"));
                assertFalse(got.created());
                assertEquals(id, got.entity().getId());
                assertEquals("Dune", got.entity().getTitle());
                return null;
            });
        }
    }

    @DatabaseTest
    void pendingChangesAreFlushedFirstSoAPersistedEntityIsFoundNotDuplicated(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            lab.inTransaction(s -> {
                Image pending = new Image("pending.png");
                s.persist(pending); // a sequence id: the insert waits for the flush
                GotEntity<Image> got = IdemSession.of(s).getOrCreate(Image.class, Map.of("name", "pending.png"));
                assertFalse(got.created());
                assertSame(pending, got.entity());
                return null;
            });
            assertEquals(1, lab.count("select count(*) from images"));
        }
    }

    @DatabaseTest
    void worksThroughAJakartaEntityManager(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            EntityManager em = lab.factory.createEntityManager();
            try {
                em.getTransaction().begin();
                GotEntity<Tag> got = IdemSession.of(em).getOrCreate(Tag.class, "from-jpa");
                assertTrue(got.created());
                assertSame(got.entity(), em.find(Tag.class, got.entity().getId()));
                em.getTransaction().commit();
            } finally {
                em.close();
            }
            assertEquals(1, lab.count("select count(*) from Tag where title = 'from-jpa'"));
        }
    }

    @DatabaseTest
    void refusesWhatCannotBeRaceFreeWithClearErrors(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            lab.inTransaction(s -> {
                IdemSession idem = IdemSession.of(s);
                SchemaMismatchException noConstraint = assertThrows(SchemaMismatchException.class,
                        () -> idem.getOrCreate(Label.class, Map.of("name", "x")));
                assertTrue(noConstraint.getMessage().contains(Label.class.getName()) && noConstraint.getMessage().contains("unique"),
                        noConstraint::getMessage);
                assertThrows(IllegalArgumentException.class, () -> idem.getOrCreate(Tag.class, Map.of("colour", "red")));
                assertThrows(IllegalArgumentException.class, () -> idem.getOrCreate(Label.class, "x"), "no @NaturalId");
                assertThrows(IllegalArgumentException.class, () -> idem.getOrCreate(Image.class, Map.of("tags", List.of())));
                return null;
            });
            assertEquals(0, lab.count("select count(*) from Label"));
            try (Session s = lab.factory.openSession()) {
                assertThrows(TransactionRequiredException.class, () -> IdemSession.of(s).getOrCreate(Tag.class, "no-tx"));
            }
        }
    }
}
