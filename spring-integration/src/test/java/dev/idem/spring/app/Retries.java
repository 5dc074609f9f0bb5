package dev.idem.spring.app;

import dev.idem.Got;
import dev.idem.Values;
import dev.idem.spring.SpringIdem;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Retrying a REPEATABLE READ transaction the Spring way: {@link Retrying} carries {@code @Retryable} on
 * Spring's {@link TransientDataAccessException} and calls {@link Work}, whose {@code @Transactional} method
 * is a whole transaction, from outside it.
 */
public final class Retries {

    private Retries() {
    }

    /** Runs the work again, as a new transaction, when the database failed it with a transient error. */
    @Service
    public static class Retrying {
        private final Work work;

        Retrying(Work work) {
            this.work = work;
        }

        @Retryable(includes = TransientDataAccessException.class, maxRetries = 5, delay = 20, jitter = 10)
        public List<Long> tagBoth(String first, String second, AtomicInteger attempts, IntConsumer between) {
            return work.tagBoth(first, second, attempts.incrementAndGet(), between);
        }

        @Retryable(includes = TransientDataAccessException.class, maxRetries = 5, delay = 20, jitter = 10)
        public Seen readThenGetOrCreate(String title, AtomicInteger attempts, IntConsumer afterSnapshot) {
            return work.readThenGetOrCreate(title, attempts.incrementAndGet(), afterSnapshot);
        }
    }

    /** What a transaction saw of a tag Idem returned: its id, and whether a plain and a locking find saw it. */
    public record Seen(long id, boolean created, boolean plainFind, boolean lockingFind) {
    }

    /** The transactions, under REPEATABLE READ. */
    @Service
    public static class Work {
        private final SpringIdem idem;

        @PersistenceContext
        EntityManager entityManager;

        Work(SpringIdem idem) {
            this.idem = idem;
        }

        /** Gets or creates two tags, calling {@code between} (with the attempt number) after the first. */
        @Transactional(isolation = Isolation.REPEATABLE_READ)
        public List<Long> tagBoth(String first, String second, int attempt, IntConsumer between) {
            long a = idem.getOrCreate(Wirings.TAG, Values.of("title", first)).longId();
            between.accept(attempt);
            long b = idem.getOrCreate(Wirings.TAG, Values.of("title", second)).longId();
            return first.compareTo(second) < 0 ? List.of(a, b) : List.of(b, a);
        }

        /** Takes a snapshot with a first read, calls {@code afterSnapshot}, then gets or creates the tag and looks for it. */
        @Transactional(isolation = Isolation.REPEATABLE_READ)
        public Seen readThenGetOrCreate(String title, int attempt, IntConsumer afterSnapshot) {
            entityManager.createQuery("select count(i) from Image i", Long.class).getSingleResult();
            afterSnapshot.accept(attempt);
            Got got = idem.getOrCreate(Wirings.TAG, Values.of("title", title));
            boolean plain = entityManager.find(Tag.class, got.longId()) != null;
            boolean locking = entityManager.find(Tag.class, got.longId(), LockModeType.PESSIMISTIC_READ) != null;
            return new Seen(got.longId(), got.created(), plain, locking);
        }
    }
}
