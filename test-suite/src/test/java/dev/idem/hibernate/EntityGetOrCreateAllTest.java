package dev.idem.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.RetryTransactionException;
import dev.idem.hibernate.model.Account;
import dev.idem.hibernate.model.Country;
import dev.idem.hibernate.model.Email;
import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Tag;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link IdemSession#getOrCreateAll}: many keys in one call, each with every guarantee of getOrCreate. */
class EntityGetOrCreateAllTest {

    private static final int CALLERS = 8;
    private static final int KEYS_PER_CALLER = 400;
    private static final int STRIDE = 100;

    /** What one caller got: per title, the entity's id and whether this caller created the row. */
    private record Outcome(Map<String, Long> ids, Set<String> created) {
    }

    /**
     * Eight sessions released at once by a barrier, caller i asking for titles i*100 .. i*100+399 in an
     * order of its own, so that every key is asked for by up to four callers whose batches overlap in
     * different orders. Afterwards: one row per key, every caller holds the same id for a key, exactly one
     * caller created each key, and every answer is in its caller's input order.
     */
    @DatabaseTest
    void eightSessionsWithOverlappingKeysGetOneRowPerKeyOneIdPerKeyAndOneCreatorPerKey(TestDatabase db) throws Exception {
        try (Lab setUp = new Lab(db)) {
            setUp.count("select count(*) from Tag"); // the schema exists
        }
        try (Lab lab = new Lab(db, Lab.SqliteBegin.IMMEDIATE, false)) {
            CyclicBarrier start = new CyclicBarrier(CALLERS);
            ExecutorService threads = Executors.newFixedThreadPool(CALLERS);
            AtomicInteger retries = new AtomicInteger();
            List<Future<Outcome>> futures = new ArrayList<>();
            try {
                for (int caller = 0; caller < CALLERS; caller++) {
                    List<String> titles = new ArrayList<>();
                    for (int k = 0; k < KEYS_PER_CALLER; k++) {
                        titles.add("tag-" + (caller * STRIDE + k));
                    }
                    Collections.shuffle(titles, new Random(caller));
                    futures.add(threads.submit(() -> {
                        start.await(60, TimeUnit.SECONDS);
                        return attempt(lab, titles, retries);
                    }));
                }
                Map<String, Long> idOf = new HashMap<>();
                Map<String, Integer> creators = new HashMap<>();
                for (Future<Outcome> f : futures) {
                    Outcome o = f.get(5, TimeUnit.MINUTES);
                    o.ids().forEach((title, id) -> assertEquals(idOf.computeIfAbsent(title, t -> id), id,
                            title + ": every caller holds the same id"));
                    o.created().forEach(title -> creators.merge(title, 1, Integer::sum));
                }
                int keys = (CALLERS - 1) * STRIDE + KEYS_PER_CALLER;
                assertEquals(keys, idOf.size());
                assertEquals(keys, lab.count("select count(*) from Tag"), "one row per key");
                assertEquals(keys, creators.size(), "every key was created by some caller");
                creators.forEach((title, n) -> assertEquals(1, n, title + ": exactly one caller created it"));
                System.err.println("[idem] " + db.engine().id() + ": " + CALLERS + " sessions x " + KEYS_PER_CALLER + " keys, "
                        + retries + " transactions run again");
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** One session's getOrCreateAll, run again as a whole when the database asks for it; checks the input order. */
    private static Outcome attempt(Lab lab, List<String> titles, AtomicInteger retries) {
        for (int retry = 0; ; retry++) {
            try {
                return lab.inTransaction(s -> {
                    List<Map<String, Object>> keys = titles.stream().<Map<String, Object>>map(t -> Map.of("title", t)).toList();
                    List<GotEntity<Tag>> got = IdemSession.of(s).getOrCreateAll(Tag.class, keys, t -> t.setColor("red"));
                    assertEquals(titles.size(), got.size());
                    Map<String, Long> ids = new HashMap<>();
                    Set<String> created = new HashSet<>();
                    for (int i = 0; i < titles.size(); i++) {
                        Tag tag = got.get(i).entity();
                        assertEquals(titles.get(i), tag.getTitle(), "answer " + i + " is for input " + i);
                        assertTrue(s.contains(tag), "managed");
                        ids.put(tag.getTitle(), tag.getId());
                        if (got.get(i).created()) {
                            created.add(tag.getTitle());
                        }
                    }
                    return new Outcome(ids, created);
                });
            } catch (RetryTransactionException e) {
                retries.incrementAndGet();
                if (retry >= 20) {
                    throw e;
                }
            }
        }
    }

    @DatabaseTest
    void pooledSequenceIdsAreDrawnOnlyForTheMissingKeysAndAKeyGivenTwiceIsOneEntity(TestDatabase db) {
        if (db.engine() == Engine.SQLITE) {
            return; // no sequences: Hibernate's table emulation cannot follow a read in one transaction (EntityGetOrCreateTest)
        }
        try (Lab lab = new Lab(db)) {
            long persisted = lab.inTransaction(s -> {
                Image first = new Image("a.png");
                s.persist(first);
                return first.getId();
            });
            lab.inTransaction(s -> {
                long before = lab.statements();
                List<GotEntity<Image>> got = IdemSession.of(s).getOrCreateAll(Image.class,
                        List.of(Map.of("name", "b.png"), Map.of("name", "a.png"), Map.of("name", "c.png"), Map.of("name", "b.png")));
                assertEquals(List.of("b.png", "a.png", "c.png", "b.png"), got.stream().map(g -> g.entity().getName()).toList());
                assertEquals(List.of(true, false, true, false), got.stream().map(GotEntity::created).toList());
                assertEquals(persisted, got.get(1).entity().getId());
                assertEquals(Set.of(persisted + 1, persisted + 2), Set.of(got.get(0).entity().getId(), got.get(2).entity().getId()),
                        "ids from the optimizer persist uses, drawn for the two missing keys only");
                assertSame(got.get(0).entity(), got.get(3).entity());
                assertSame(got.get(0).entity(), s.find(Image.class, got.get(0).entity().getId()));
                System.err.println("[idem] " + db.engine().id() + ": getOrCreateAll of 2 new and 1 existing key: "
                        + (lab.statements() - before) + " statements");
                Image next = new Image("d.png");
                s.persist(next);
                assertEquals(persisted + 3, next.getId(), "the existing key drew no id");
                return null;
            });
            lab.inTransaction(s -> {
                long before = lab.statements();
                List<GotEntity<Image>> got = IdemSession.of(s).getOrCreateAll(Image.class, List.of(Map.of("name", "c.png"), Map.of("name", "a.png")));
                assertEquals(1, lab.statements() - before, "when every key exists: one query");
                assertFalse(got.get(0).created() || got.get(1).created());
                return null;
            });
            assertEquals(4, lab.count("select count(*) from images"));
        }
    }

    @DatabaseTest
    void uuidAndAssignedIdsAreWrittenAsPersistWould(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            List<UUID> ids = lab.inTransaction(s -> IdemSession.of(s).getOrCreateAll(Account.class,
                    List.of(Map.of("email", new Email("ann@example.com")), Map.of("email", new Email("bob@example.com"))))
                    .stream().map(g -> {
                        assertTrue(g.created());
                        assertEquals(0, g.entity().getVersion());
                        assertEquals("new", g.entity().getStatus(), "the database default is read back");
                        return g.entity().getId();
                    }).toList());
            assertNotNull(ids.get(0));
            List<GotEntity<Account>> again = lab.inTransaction(s -> IdemSession.of(s).getOrCreateAll(Account.class,
                    List.of(Map.of("email", new Email("bob@example.com")), Map.of("email", new Email("cy@example.com")))));
            assertEquals(ids.get(1), again.get(0).entity().getId());
            assertEquals(List.of(false, true), again.stream().map(GotEntity::created).toList());

            List<GotEntity<Country>> countries = lab.inTransaction(s -> IdemSession.of(s).getOrCreateAll(Country.class,
                    List.of(Map.of("code", "FR"), Map.of("code", "DE")), c -> c.setName("named " + c.getCode())));
            assertEquals(List.of("named FR", "named DE"), countries.stream().map(g -> g.entity().getName()).toList());
            assertEquals(2, lab.count("select count(*) from Country"));
        }
    }

    @DatabaseTest
    void aNullOrIncompleteKeyIsRefusedBeforeAnythingIsWritten(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            Map<String, Object> nullTitle = new HashMap<>();
            nullTitle.put("title", null);
            lab.inTransaction(s -> {
                IdemSession idem = IdemSession.of(s);
                assertThrows(IllegalArgumentException.class, () -> idem.getOrCreateAll(Tag.class, List.of(Map.of("title", "ok"), nullTitle)));
                assertThrows(IllegalArgumentException.class, () -> idem.getOrCreateAll(Tag.class, List.of(Map.of("title", "ok"), Map.of("color", "red"))));
                assertEquals(List.of(), idem.getOrCreateAll(Tag.class, List.of()));
                return null;
            });
            assertEquals(0, lab.count("select count(*) from Tag"));
        }
    }
}
