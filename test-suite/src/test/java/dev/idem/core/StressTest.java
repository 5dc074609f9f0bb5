package dev.idem.core;

import static dev.idem.core.Schemas.IMAGE_TAGS;
import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import dev.idem.Linked;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.List;
import java.util.Set;

/**
 * 32 workers x 200 rounds, released together by a barrier, each round on a fresh key. After every
 * round: no error, exactly one {@code created == true}, one id for all; after the run, one row per key.
 */
class StressTest {

    private static final int WORKERS = 32;
    private static final int ROUNDS = 200;
    /** SQLite runs one writer at a time, so its 32 workers queue on one lock: fewer rounds prove as much, in a CI budget. */
    private static final int SQLITE_ROUNDS = 50;

    @DatabaseTest
    void thirtyTwoWorkersPerKeyOneCreatesAndAllGetTheSameRow(TestDatabase db) throws Exception {
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        int rounds = db.engine() == Engine.SQLITE ? SQLITE_ROUNDS : ROUNDS;
        try (Collisions collisions = new Collisions(WORKERS)) {
            collisions.<Got>rounds(rounds, round -> worker -> idem.getOrCreate(TAG, Values.of("title", "k" + round)), (round, outcomes) -> {
                assertNoErrors(round, outcomes);
                Set<Object> ids = new HashSet<>();
                int created = 0;
                for (Collisions.Outcome<Got> o : outcomes) {
                    ids.add(o.value().id());
                    created += o.value().created() ? 1 : 0;
                }
                assertEquals(1, created, "round " + round + ": callers that created the row");
                assertEquals(1, ids.size(), "round " + round + ": distinct ids " + ids);
            });
        }
        try (Connection c = db.connect()) {
            assertEquals(rounds, Naive.count(c, "select count(*) from tag"));
            assertEquals(0, Naive.count(c, "select count(*) from (select title from tag group by title having count(*) > 1) d"));
        }
    }

    @DatabaseTest
    void thirtyTwoWorkersLinkTheSamePairOneAddsItAndNoneFails(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        try (Connection c = db.connect(); PreparedStatement tag = c.prepareStatement("insert into tag (id, title) values (?, ?)")) {
            c.createStatement().execute("insert into image (id, name) values (1, 'cat.png')");
            for (int r = 0; r < ROUNDS; r++) {
                tag.setLong(1, r + 1);
                tag.setString(2, "t" + r);
                tag.addBatch();
            }
            tag.executeBatch();
        }
        Idem idem = Idem.create(db.dataSource());
        try (Collisions collisions = new Collisions(WORKERS)) {
            collisions.<Boolean>rounds(ROUNDS, round -> worker -> idem.addLink(IMAGE_TAGS, 1L, (long) round + 1), (round, outcomes) -> {
                assertNoErrors(round, outcomes);
                assertEquals(1, outcomes.stream().filter(Collisions.Outcome::value).count(), "round " + round + ": callers that added the link");
            });
        }
        try (Connection c = db.connect()) {
            assertEquals(ROUNDS, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    /** Workers link overlapping sets in different orders: each link is reported added by exactly one of them. */
    @DatabaseTest
    void workersAddingOverlappingLinkSetsAddEachLinkOnce(TestDatabase db) throws Exception {
        Schemas.imagesAndTags(db);
        int rounds = 50;
        int workers = 8;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int r = 1; r <= rounds; r++) {
                s.execute("insert into image (id, name) values (" + r + ", 'i" + r + "')");
            }
            for (int t = 1; t <= 10; t++) {
                s.execute("insert into tag (id, title) values (" + t + ", 't" + t + "')");
            }
        }
        Idem idem = Idem.create(db.dataSource());
        try (Collisions collisions = new Collisions(workers)) {
            collisions.<Linked>rounds(rounds, round -> worker -> {
                List<Long> targets = new ArrayList<>();
                for (long t = 1; t <= 10; t++) {
                    if ((t + worker) % 3 != 0) {
                        targets.add(t);
                    }
                }
                Collections.shuffle(targets, new Random(round * 31L + worker));
                return idem.addLinks(IMAGE_TAGS, (long) round + 1, targets);
            }, (round, outcomes) -> {
                assertNoErrors(round, outcomes);
                Map<Object, Integer> addedBy = new HashMap<>();
                outcomes.forEach(o -> o.value().added().forEach(t -> addedBy.merge(t, 1, Integer::sum)));
                assertEquals(10, addedBy.size(), "round " + round + ": " + addedBy);
                addedBy.forEach((target, times) -> assertEquals(1, times, "round " + round + ": target " + target));
            });
        }
        try (Connection c = db.connect()) {
            assertEquals(rounds * 10L, Naive.count(c, "select count(*) from image_tags"));
        }
    }

    static <T> void assertNoErrors(int round, List<Collisions.Outcome<T>> outcomes) {
        for (Collisions.Outcome<T> o : outcomes) {
            if (o.error() != null) {
                throw new AssertionError("round " + round + ": a caller failed", o.error());
            }
        }
    }
}
