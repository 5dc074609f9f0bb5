package dev.idem.spring;

import dev.idem.IdemException;
import dev.idem.Queue;
import dev.idem.hibernate.ClaimedEntity;
import dev.idem.hibernate.GotEntity;
import dev.idem.hibernate.IdemSession;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.dao.DataAccessException;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.IllegalTransactionStateException;

/**
 * {@link IdemSession} for the Spring application's entities, as one singleton bean: each call resolves the
 * {@code EntityManager} of the current transaction (through {@link EntityManagerFactoryUtils}) and works
 * in it, so nothing is kept from one call, thread or transaction to the next. Idem's exceptions come as
 * Spring's (see {@link IdemExceptionTranslator}); Jakarta Persistence's as Spring translates them.
 *
 * <pre>{@code
 * @Transactional
 * Tag tag(Image image, String title) {
 *     Tag tag = idemSession.getOrCreate(Tag.class, title).entity();   // by its @NaturalId
 *     idemSession.addLink(image, "tags", tag);
 *     return tag;
 * }
 * }</pre>
 */
public final class SpringIdemSession {

    private final EntityManagerFactory entityManagerFactory;

    private SpringIdemSession(EntityManagerFactory entityManagerFactory) {
        this.entityManagerFactory = entityManagerFactory;
    }

    /** Idem for the entities of {@code entityManagerFactory}, in whatever transaction is current at each call. */
    public static SpringIdemSession of(EntityManagerFactory entityManagerFactory) {
        return new SpringIdemSession(Objects.requireNonNull(entityManagerFactory, "entityManagerFactory"));
    }

    /**
     * The {@link IdemSession} of the current transaction's {@code EntityManager}, for this call only: do not
     * keep it. Its exceptions are Idem's own; {@link #run(Function)} translates them.
     *
     * @throws IllegalTransactionStateException when no transaction is active
     */
    public IdemSession current() {
        EntityManager entityManager = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory);
        if (entityManager == null) {
            throw new IllegalTransactionStateException("Idem joins the current transaction and there is none: call it from a @Transactional method");
        }
        return IdemSession.of(entityManager);
    }

    /** Runs {@code work} on the {@linkplain #current() current} {@link IdemSession}, translating exceptions into Spring's. */
    public <T> T run(Function<? super IdemSession, T> work) {
        Objects.requireNonNull(work, "work");
        try {
            return work.apply(current());
        } catch (IdemException e) {
            throw IdemExceptionTranslator.translate(e);
        } catch (RuntimeException e) {
            DataAccessException spring = EntityManagerFactoryUtils.convertJpaAccessExceptionIfPossible(e);
            throw spring != null ? spring : e;
        }
    }

    /** {@link IdemSession#getOrCreate(Class, Map, Consumer)} in the current transaction. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Map<String, ?> key, Consumer<? super T> initializer) {
        return run(idem -> idem.getOrCreate(type, key, initializer));
    }

    /** {@link IdemSession#getOrCreate(Class, Map)} in the current transaction. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Map<String, ?> key) {
        return run(idem -> idem.getOrCreate(type, key));
    }

    /** {@link IdemSession#getOrCreate(Class, Object, Consumer)} (by {@code @NaturalId}) in the current transaction. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Object naturalId, Consumer<? super T> initializer) {
        return run(idem -> idem.getOrCreate(type, naturalId, initializer));
    }

    /** {@link IdemSession#getOrCreate(Class, Object)} (by {@code @NaturalId}) in the current transaction. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Object naturalId) {
        return run(idem -> idem.getOrCreate(type, naturalId));
    }

    /** {@link IdemSession#getOrCreateAll(Class, List, Consumer)} in the current transaction. */
    public <T> List<GotEntity<T>> getOrCreateAll(Class<T> type, List<? extends Map<String, ?>> keys, Consumer<? super T> initializer) {
        return run(idem -> idem.getOrCreateAll(type, keys, initializer));
    }

    /** {@link IdemSession#getOrCreateAll(Class, List)} in the current transaction. */
    public <T> List<GotEntity<T>> getOrCreateAll(Class<T> type, List<? extends Map<String, ?>> keys) {
        return run(idem -> idem.getOrCreateAll(type, keys));
    }

    /** {@link IdemSession#addLink(Object, String, Object)} in the current transaction. */
    public boolean addLink(Object owner, String attribute, Object target) {
        return run(idem -> idem.addLink(owner, attribute, target));
    }

    /** {@link IdemSession#removeLink(Object, String, Object)} in the current transaction. */
    public boolean removeLink(Object owner, String attribute, Object target) {
        return run(idem -> idem.removeLink(owner, attribute, target));
    }

    /** {@link IdemSession#claim(Class, Queue, String, int, Duration)} in the current transaction. */
    public <T> List<ClaimedEntity<T>> claim(Class<T> type, Queue queue, String worker, int limit, Duration lease) {
        return run(idem -> idem.claim(type, queue, worker, limit, lease));
    }

    /** {@link IdemSession#finish(ClaimedEntity, Map)} in the current transaction. */
    public boolean finish(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        return run(idem -> idem.finish(claimed, attributes));
    }

    /** {@link IdemSession#release(ClaimedEntity, Map)} in the current transaction. */
    public boolean release(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        return run(idem -> idem.release(claimed, attributes));
    }

    /** {@link IdemSession#release(ClaimedEntity)} in the current transaction. */
    public boolean release(ClaimedEntity<?> claimed) {
        return run(idem -> idem.release(claimed));
    }

    /** {@link IdemSession#renew(ClaimedEntity, Duration)} in the current transaction. */
    public boolean renew(ClaimedEntity<?> claimed, Duration lease) {
        return run(idem -> idem.renew(claimed, lease));
    }

    /** {@link IdemSession#lockAll(Class, Collection)} in the current transaction: the rows stay locked until it ends. */
    public <T> List<T> lockAll(Class<T> type, Collection<?> ids) {
        return run(idem -> idem.lockAll(type, ids));
    }

    /** {@link IdemSession#increment(Object, String, long)} in the current transaction. */
    public <T> T increment(T entity, String attribute, long delta) {
        return run(idem -> idem.increment(entity, attribute, delta));
    }

    /** {@link IdemSession#updateOrCreate(Class, Map, Consumer)} in the current transaction. */
    public <T> GotEntity<T> updateOrCreate(Class<T> type, Map<String, ?> key, Consumer<? super T> change) {
        return run(idem -> idem.updateOrCreate(type, key, change));
    }

    /** {@link IdemSession#updateOrCreate(Class, Object, Consumer)} (by {@code @NaturalId}) in the current transaction. */
    public <T> GotEntity<T> updateOrCreate(Class<T> type, Object naturalId, Consumer<? super T> change) {
        return run(idem -> idem.updateOrCreate(type, naturalId, change));
    }
}
