package dev.idem.hibernate;

import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.util.function.Function;
import org.hibernate.StaleStateException;
import org.hibernate.exception.LockAcquisitionException;

/** A unit of work in a transaction of its own, run again from a fresh {@code EntityManager} when only that can mend a failure. */
final class UnitOfWork {

    private UnitOfWork() {
    }

    static <T> T run(EntityManagerFactory factory, Function<? super EntityManager, T> work, RetryPolicy policy) {
        for (int attempt = 1; ; attempt++) {
            try (EntityManager entityManager = factory.createEntityManager()) {
                EntityTransaction transaction = entityManager.getTransaction();
                try {
                    transaction.begin();
                    T result = work.apply(entityManager);
                    transaction.commit();
                    return result;
                } catch (RuntimeException e) {
                    if (transaction.isActive()) {
                        try {
                            transaction.rollback();
                        } catch (RuntimeException suppressed) {
                            e.addSuppressed(suppressed);
                        }
                    }
                    if (!worthRetrying(e) || attempt >= policy.attempts()) {
                        throw e;
                    }
                }
            }
            pause(policy, attempt + 1);
        }
    }

    /**
     * A stale {@code @Version} (Jakarta Persistence's and Hibernate's own exception), a deadlock or a
     * serialization failure (Hibernate's {@code LockAcquisitionException}, which Jakarta Persistence
     * reports as a {@code PessimisticLockException}), a lock timeout, or Idem's own word that the
     * transaction must run again; looked for through the causes, since a failed commit wraps them.
     */
    private static boolean worthRetrying(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof PessimisticLockException || t instanceof LockTimeoutException
                    || t instanceof StaleStateException || t instanceof LockAcquisitionException || t instanceof RetryTransactionException) {
                return true;
            }
        }
        return false;
    }

    private static void pause(RetryPolicy policy, int next) {
        long nanos = policy.backoffBefore(next).toNanos();
        if (nanos > 0) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting to run the unit of work again", e);
            }
        }
    }
}
