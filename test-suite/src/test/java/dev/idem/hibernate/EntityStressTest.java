package dev.idem.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idem.RetryTransactionException;
import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Tag;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 32 threads, each with its own session, get or create the same fresh tag and link it to the same image,
 * round after round behind a barrier; after every round exactly one created the tag, all hold the same
 * id, and exactly one added the link.
 */
class EntityStressTest {

    private static final int THREADS = 32;

    private record Result(long tagId, boolean created, boolean linked, int retries) {
    }

    @DatabaseTest
    void thirtyTwoSessionsGetOrCreateAndLinkTheSameFreshKeyEveryRound(TestDatabase db) throws Exception {
        int rounds = Integer.getInteger("idem.stress.rounds", 100);
        long imageId;
        try (Lab setUp = new Lab(db)) { // SQLite: the sequence table needs a DEFERRED transaction, see Lab
            imageId = setUp.inTransaction(s -> {
                Image image = new Image("stress.png");
                s.persist(image);
                return image.getId();
            });
        }
        // Writers on SQLite begin IMMEDIATE, so that they queue on the busy timeout instead of failing at their first write.
        try (Lab lab = new Lab(db, Lab.SqliteBegin.IMMEDIATE, false)) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            AtomicInteger retries = new AtomicInteger();
            try {
                for (int round = 0; round < rounds; round++) {
                    String title = "tag-" + round;
                    List<Future<Result>> futures = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        futures.add(threads.submit(() -> {
                            start.await(60, TimeUnit.SECONDS);
                            return attempt(lab, imageId, title);
                        }));
                    }
                    Set<Long> ids = new HashSet<>();
                    int created = 0;
                    int linked = 0;
                    for (Future<Result> f : futures) {
                        Result r = f.get(2, TimeUnit.MINUTES);
                        ids.add(r.tagId());
                        created += r.created() ? 1 : 0;
                        linked += r.linked() ? 1 : 0;
                        retries.addAndGet(r.retries());
                    }
                    assertEquals(1, ids.size(), "round " + round + ": every session holds the same tag");
                    assertEquals(1, created, "round " + round + ": exactly one session created the tag");
                    assertEquals(1, linked, "round " + round + ": exactly one session added the link");
                }
            } finally {
                threads.shutdownNow();
            }
            assertEquals(rounds, lab.count("select count(*) from Tag"));
            assertEquals(rounds, lab.count("select count(*) from image_tags"));
            System.err.println("[idem] " + db.engine().id() + ": " + THREADS + " sessions x " + rounds + " rounds, " + retries + " transactions run again");
        }
    }

    /** One session's unit of work, run again from the start when the database asks for it. */
    private static Result attempt(Lab lab, long imageId, String title) {
        for (int retry = 0; ; retry++) {
            int retried = retry;
            try {
                return lab.inTransaction(s -> {
                    IdemSession idem = IdemSession.of(s);
                    GotEntity<Tag> got = idem.getOrCreate(Tag.class, title);
                    boolean linked = idem.addLink(s.find(Image.class, imageId), "tags", got.entity());
                    return new Result(got.entity().getId(), got.created(), linked, retried);
                });
            } catch (RetryTransactionException e) {
                if (retry >= 20) {
                    throw e;
                }
            }
        }
    }
}
