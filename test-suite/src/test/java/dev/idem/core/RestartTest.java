package dev.idem.core;

import static dev.idem.core.Schemas.IMAGE_TAGS;
import static dev.idem.core.Schemas.TAG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IdemException;
import dev.idem.OutcomeUnknownException;
import dev.idem.RetryPolicy;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.DedicatedServer;
import dev.idem.testing.Engine;
import dev.idem.testing.Faults;
import dev.idem.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server restarted in the middle of a concurrent run, on a server of the test's own (never the shared
 * one): four workers get-or-create 20 tags and link each to an image, round and round, while the server is
 * stopped and started again on the same port and data. Idem's own operations ride out the outage with their
 * retry policy's backoff; afterwards every tag exists once with one creator, every link once with one
 * adder, every caller got the stored id, and the only failures are {@link OutcomeUnknownException}s for
 * writes whose answer the restart swallowed (no creator is claimed for those).
 */
class RestartTest {

    private static final int WORKERS = 4;
    private static final int KEYS = 20;

    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL})
    void aServerRestartedMidRunLeavesOneRowOneCreatorAndEveryCallerTheStoredId(TestDatabase shared) throws Exception {
        try (DedicatedServer server = DedicatedServer.start(shared.target()); TestDatabase db = new TestDatabase(server.server())) {
            Schemas.imagesAndTags(db);
            db.execute("insert into image (name) values ('one')");
            Set<String> threads = Faults.threads();
            List<Call> calls = new CopyOnWriteArrayList<>();
            AtomicInteger afterRestart = new AtomicInteger();
            try (HikariDataSource pool = Faults.pool("restart-" + db.target().id(), db.url(), db.properties())) {
                // Patient enough for a restart: up to 30 attempts, pauses growing to 1 s.
                Idem idem = Idem.create(pool, new RetryPolicy(30, Duration.ofMillis(10), Duration.ofSeconds(1)));
                CountDownLatch running = new CountDownLatch(WORKERS * 5);
                CountDownLatch restarted = new CountDownLatch(1);
                ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    int worker = w;
                    done.add(workers.submit(() -> {
                        List<Integer> keys = new ArrayList<>();
                        for (int k = 0; k < KEYS; k++) {
                            keys.add(k);
                        }
                        Collections.shuffle(keys, new java.util.Random(worker));
                        // Round the keys until the server is back and this worker has made ten more calls.
                        int mineAfter = 0;
                        for (int i = 0; mineAfter < 10 && i < 2_000; i++) {
                            boolean back = restarted.getCount() == 0;
                            calls.add(call(idem, "k" + keys.get(i % KEYS)));
                            running.countDown();
                            if (back) {
                                mineAfter++;
                                afterRestart.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                assertTrue(running.await(60, TimeUnit.SECONDS), "the workers never got going");
                server.restart();
                restarted.countDown();
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
                workers.shutdown();
                assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
                check(db, calls);
                assertTrue(afterRestart.get() > 0, "no call ran after the restart");
                System.err.println("[idem] restart " + db.target() + ": " + calls.size() + " calls, "
                        + calls.stream().filter(c -> c.failure != null).count() + " outcome unknown, " + afterRestart.get() + " after the restart");
                Faults.assertNoLeaks(pool, threads);
            }
        }
    }

    /** What one worker's getOrCreate and addLink returned, or how they failed. */
    private record Call(String key, Got got, Boolean added, IdemException failure) {
    }

    private static Call call(Idem idem, String key) {
        Got got = null;
        try {
            got = idem.getOrCreate(TAG, Values.of("title", key));
            return new Call(key, got, idem.addLink(IMAGE_TAGS, 1L, got.id()), null);
        } catch (IdemException e) {
            return new Call(key, got, null, e);
        }
    }

    private static void check(TestDatabase db, List<Call> calls) throws Exception {
        Map<String, List<Call>> byKey = new ConcurrentHashMap<>();
        for (Call c : calls) {
            byKey.computeIfAbsent(c.key, k -> new ArrayList<>()).add(c);
            if (c.failure != null && !(c.failure instanceof OutcomeUnknownException)) {
                throw new AssertionError(c.key + ": Idem did not ride out the restart: " + c.failure, c.failure);
            }
        }
        for (var entry : byKey.entrySet()) {
            String key = entry.getKey();
            List<Call> mine = entry.getValue();
            assertEquals(1, FaultProbe.count(db, "select count(*) from tag where title = '" + key + "'"), key + ": rows");
            long id = FaultProbe.count(db, "select id from tag where title = '" + key + "'");
            boolean unknown = mine.stream().anyMatch(c -> c.failure != null);
            long creators = mine.stream().filter(c -> c.got != null && c.got.created()).count();
            assertTrue(unknown ? creators <= 1 : creators == 1, key + ": " + creators + " creators" + (unknown ? " (some outcomes unknown)" : ""));
            for (Call c : mine) {
                if (c.got != null) {
                    assertEquals(id, c.got.longId(), key + ": a caller got another id");
                }
            }
            assertEquals(1, FaultProbe.count(db, "select count(*) from image_tags where image_id = 1 and tag_id = " + id), key + ": links");
            long adders = mine.stream().filter(c -> Boolean.TRUE.equals(c.added)).count();
            boolean linkUnknown = mine.stream().anyMatch(c -> c.got != null && c.failure != null);
            assertTrue(linkUnknown ? adders <= 1 : adders == 1, key + ": " + adders + " adders of its link");
        }
    }
}
