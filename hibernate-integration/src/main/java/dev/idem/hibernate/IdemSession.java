package dev.idem.hibernate;

import dev.idem.Got;
import dev.idem.Queue;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import jakarta.persistence.CacheRetrieveMode;
import jakarta.persistence.CacheStoreMode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TransactionRequiredException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * Race-free get-or-create and idempotent many-to-many links for the entities of one Hibernate
 * {@code Session} or Jakarta Persistence {@code EntityManager}, inside its current transaction, which
 * this class never commits or rolls back.
 *
 * <pre>{@code
 * IdemSession idem = IdemSession.of(entityManager);
 * GotEntity<Tag> got = idem.getOrCreate(Tag.class, Map.of("title", "urgent"), tag -> tag.setColor("red"));
 * Tag tag = got.entity();             // managed; got.created() is true for exactly one concurrent caller
 * idem.addLink(image, "tags", tag);   // one link row, however many workers add it at once
 * }</pre>
 *
 * <p>Lost updates: {@link #lockAll} reads entities under a row lock, several in one global order, for the
 * caller to change and the flush to write; {@link #increment} adds to a number in one statement;
 * {@link #updateOrCreate} locks the entity or creates it. An entity with a {@code @Version} keeps its
 * optimistic locking throughout: a write from a stale copy raises {@code OptimisticLockException}, and the
 * whole unit of work must run again in a new transaction and a new session, as
 * {@link #inTransaction(EntityManagerFactory, Function, RetryPolicy)} does.
 *
 * <p>Names, id generation and value conversion come from Hibernate's mapping. Finding an existing row
 * costs one query and consumes no id; only a miss draws an id from the entity's own generator, so ids
 * never collide with those {@code persist} hands out. Cheap to create: make one per session, or per call.
 */
public final class IdemSession {

    private final SessionImplementor session;
    private final Mappings mappings;

    private IdemSession(SessionImplementor session) {
        this.session = session;
        this.mappings = Mappings.of(session.getFactory());
    }

    /** Idem on {@code entityManager}, a Hibernate {@code Session} or any {@code EntityManager} Hibernate provides. */
    public static IdemSession of(EntityManager entityManager) {
        Objects.requireNonNull(entityManager, "entityManager");
        return new IdemSession(entityManager.unwrap(SessionImplementor.class));
    }

    /**
     * Returns the managed entity of {@code type} whose attributes hold {@code key}, inserting its row when
     * there is none. Concurrent callers with the same key get the same row, and exactly one of them gets
     * {@code created() == true}. Pending changes are flushed first when they touch the entity's table (and
     * before any insert), so a row persisted earlier in this session is found, not duplicated.
     *
     * @param key attribute names and values, none {@code null}; a unique constraint must cover exactly their columns
     * @param initializer fills the other attributes of a new instance; runs only when the row is created, and
     *        never for a caller that loses the race
     * @throws IllegalArgumentException when an attribute is unknown, a collection, or missing from the key
     * @throws dev.idem.SchemaMismatchException when no unique constraint covers the key's columns
     * @throws RetryTransactionException when only running the whole transaction again can succeed
     */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Map<String, ?> key, Consumer<? super T> initializer) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initializer, "initializer");
        requireTransaction();
        EntityShape shape = mappings.entity(session.getFactory(), type, List.copyOf(new TreeSet<>(key.keySet())));
        return getOrCreate(type, shape, shape.keyValues(key), initializer);
    }

    /** {@link #getOrCreate(Class, Map, Consumer)} that sets nothing beyond the key. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Map<String, ?> key) {
        return getOrCreate(type, key, entity -> { });
    }

    /** {@link #getOrCreate(Class, Map, Consumer)} keyed on the {@code @NaturalId} of {@code type}, a single attribute. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Object naturalId, Consumer<? super T> initializer) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(naturalId, "naturalId");
        List<String> attributes = EntityShape.naturalId(session.getFactory(), type);
        if (attributes.size() != 1) {
            throw new IllegalArgumentException(type.getName() + " has a composite natural id " + attributes + ": give it as a Map of attribute values");
        }
        return getOrCreate(type, Map.of(attributes.get(0), naturalId), initializer);
    }

    /** {@link #getOrCreate(Class, Object, Consumer)} that sets nothing beyond the natural id. */
    public <T> GotEntity<T> getOrCreate(Class<T> type, Object naturalId) {
        return getOrCreate(type, naturalId, entity -> { });
    }

    private <T> GotEntity<T> getOrCreate(Class<T> type, EntityShape shape, Object[] key, Consumer<? super T> initializer) {
        session.doWork(connection -> mappings.check(connection, shape));
        T found = find(type, shape, key);
        if (found != null) {
            return new GotEntity<>(found, false);
        }
        session.flush(); // the new row may refer to rows this session has not written yet
        T fresh = type.cast(shape.instantiate(key, session));
        initializer.accept(fresh);
        shape.checkKeyUnchanged(fresh, key);
        EntityShape.Insert insert = shape.prepare(fresh, session);
        Got got = session.doReturningWork(c -> mappings.idem().on(c).getOrCreate(shape.table, insert.key(), insert.defaults()));
        Object id = got.created() && insert.id() != null ? insert.id() : shape.idOf(got.row(), session);
        return new GotEntity<>(load(type, shape, id, got.created()), got.created());
    }

    /** The existing entity by key, through a query: one statement, and Hibernate's auto-flush of pending changes to the table. */
    private <T> T find(Class<T> type, EntityShape shape, Object[] key) {
        var query = session.createSelectionQuery(shape.query, type);
        for (int i = 0; i < key.length; i++) {
            query.setParameter("k" + i, key[i]);
        }
        return query.uniqueResult();
    }

    /**
     * The managed entities of {@code type} whose attributes hold each of {@code keys}, in the order of
     * {@code keys}, inserting the rows that do not exist, with every guarantee of {@link #getOrCreate(Class,
     * Map, Consumer)} for each key: concurrent callers whose keys overlap get the same row per key, and
     * exactly one of them gets {@code created() == true} for it. One query finds the existing rows (per 500
     * keys); only the missing keys get a new instance, an initializer call and an id from the entity's own
     * generator; the core's {@link dev.idem.Operations#getOrCreateAll} inserts them in a few statements,
     * in one key order shared by every caller (overlapping batches never deadlock), and one more query
     * loads them. A key given twice yields the same entity twice, created at most once.
     *
     * @param keys attribute names and values, every key naming the same attributes, none {@code null}
     * @param initializer fills the other attributes of each new instance; never runs for a key that exists
     * @throws IllegalArgumentException when a key is incomplete, holds a NULL or names other attributes than the first,
     *         before anything is read or written
     * @throws dev.idem.SchemaMismatchException when no unique constraint covers the key's columns
     * @throws RetryTransactionException when only running the whole transaction again can succeed
     */
    public <T> List<GotEntity<T>> getOrCreateAll(Class<T> type, List<? extends Map<String, ?>> keys, Consumer<? super T> initializer) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(initializer, "initializer");
        requireTransaction();
        return new GetOrCreateAll(session, mappings, this).run(type, keys, initializer);
    }

    /** {@link #getOrCreateAll(Class, List, Consumer)} that sets nothing beyond the keys. */
    public <T> List<GotEntity<T>> getOrCreateAll(Class<T> type, List<? extends Map<String, ?>> keys) {
        return getOrCreateAll(type, keys, entity -> { });
    }

    /**
     * The managed entity for a row the core just returned. A row this transaction created must not reach
     * the second-level cache before commit, so the cache is bypassed. A row another transaction created may be
     * invisible to a plain read under REPEATABLE READ on MySQL and MariaDB, where a locking read sees it.
     */
    <T> T load(Class<T> type, EntityShape shape, Object id, boolean created) {
        T entity = created ? session.find(type, id, CacheRetrieveMode.BYPASS, CacheStoreMode.BYPASS) : session.find(type, id);
        if (entity == null) {
            entity = session.find(type, id, LockModeType.PESSIMISTIC_READ);
        }
        if (entity == null) {
            throw new RetryTransactionException("The row of " + shape.persister.getEntityName() + " with id " + id + " exists, but this transaction"
                    + " cannot read it as a " + type.getName() + " (its snapshot predates the row, or the row is of another subclass):"
                    + " roll back and run the transaction again", null);
        }
        return entity;
    }

    /**
     * The managed entities of {@code type} with {@code ids}, each row locked for update
     * ({@code LockModeType.PESSIMISTIC_WRITE}) until the transaction ends, returned in the order of
     * {@code ids}. The rows are locked in the order of the ids (numbers by value, anything else by its
     * text), whatever order the caller names them in, so two units of work that lock the same rows (a
     * transfer from A to B and one from B to A) wait for each other instead of deadlocking. Change the
     * entities; the flush writes them. An instance this session already holds is read again under the
     * lock ({@code refresh}): its state may predate a write committed since, and any change made to it
     * before the lock is discarded. Lock first, then change.
     *
     * <p>On SQLite, which has no row locks, the lock is the database's write lock: begin the transaction
     * IMMEDIATE (sqlite-jdbc's {@code transaction_mode=IMMEDIATE}); in a DEFERRED transaction a concurrent
     * writer makes the write fail with {@code SQLITE_BUSY} instead, and the unit must run again.
     *
     * @throws dev.idem.NoSuchRowException when an id matches no row; rows locked before it stay locked until
     *         the transaction ends, and nothing was written
     * @throws IllegalArgumentException when an id is given twice
     */
    public <T> List<T> lockAll(Class<T> type, Collection<?> ids) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ids, "ids");
        requireTransaction();
        return new LockedEntities(session, mappings).lockAll(type, ids);
    }

    /**
     * Adds {@code delta} to the numeric attribute of the managed {@code entity} in one statement
     * ({@code SET c = c + ?}) and sets the stored sum in the instance, so that a later flush neither writes
     * the value it held before back (a lost update) nor counts the attribute as changed; the entity's other
     * attributes and their pending changes are left alone. Concurrent increments never lose one another.
     * A versioned entity has its version raised first, checked against the instance's (one more
     * statement): a copy that another transaction has changed since it was read raises
     * {@code OptimisticLockException} before anything is added.
     *
     * @return {@code entity}, now holding the stored sum
     * @throws IllegalArgumentException when the entity is not managed here, or the attribute is not a number
     * @throws IllegalStateException when the attribute itself has a change not yet flushed
     * @throws dev.idem.IntegrityViolationException when the column is NULL or the sum overflows it; nothing was written
     */
    public <T> T increment(T entity, String attribute, long delta) {
        requireTransaction();
        return new LockedEntities(session, mappings).increment(entity, attribute, delta);
    }

    /**
     * Afterwards the entity with {@code key} holds what {@code change} sets. When it exists, the managed
     * entity is read under a row lock ({@code PESSIMISTIC_WRITE}, refreshing an instance this session
     * holds) and {@code change} applied to it, for the flush to write; when it does not, it is created
     * as {@link #getOrCreate(Class, Map, Consumer)} creates it, {@code change} acting as the initializer.
     * {@link GotEntity#created()} is true for exactly one of all concurrent callers. {@code change} must not
     * alter the key. Where the row exists, it costs a read and a locking read.
     *
     * <p>Concurrent callers that all find the key missing meet on the insert; on MySQL and MariaDB, two of
     * the losers then waiting to lock the winner's row can deadlock, which the database breaks by failing
     * one transaction: run the whole unit again ({@link #inTransaction(EntityManagerFactory, Function, RetryPolicy)}).
     * On SQLite begin the transaction IMMEDIATE, as for {@link #lockAll}.
     */
    public <T> GotEntity<T> updateOrCreate(Class<T> type, Map<String, ?> key, Consumer<? super T> change) {
        Objects.requireNonNull(change, "change");
        GotEntity<T> got = getOrCreate(type, key, change);
        if (got.created()) {
            return got;
        }
        T entity = got.entity();
        session.refresh(entity, LockModeType.PESSIMISTIC_WRITE);
        change.accept(entity);
        EntityShape shape = mappings.entity(session.getFactory(), type, List.copyOf(new TreeSet<>(key.keySet())));
        shape.checkKeyUnchanged(entity, shape.keyValues(key));
        return new GotEntity<>(entity, false);
    }

    /** {@link #updateOrCreate(Class, Map, Consumer)} keyed on the {@code @NaturalId} of {@code type}, a single attribute. */
    public <T> GotEntity<T> updateOrCreate(Class<T> type, Object naturalId, Consumer<? super T> change) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(naturalId, "naturalId");
        List<String> attributes = EntityShape.naturalId(session.getFactory(), type);
        if (attributes.size() != 1) {
            throw new IllegalArgumentException(type.getName() + " has a composite natural id " + attributes + ": give it as a Map of attribute values");
        }
        return updateOrCreate(type, Map.of(attributes.get(0), naturalId), change);
    }

    /**
     * Runs {@code work} in a new {@code EntityManager} and transaction and commits; when the work or the
     * commit fails in a way that only running it again can mend (an {@code OptimisticLockException} from a
     * stale {@code @Version}, a deadlock or lock timeout, a serialization failure,
     * {@link RetryTransactionException}), rolls back, discards the {@code EntityManager} with everything it
     * loaded, and runs {@code work} again from the start, as {@code policy} allows. {@code work} may run
     * more than once: keep side effects outside it. In a Spring application, Spring's {@code @Retryable}
     * around the {@code @Transactional} method does the same.
     */
    public static <T> T inTransaction(EntityManagerFactory factory, Function<? super EntityManager, T> work, RetryPolicy policy) {
        return UnitOfWork.run(Objects.requireNonNull(factory, "factory"), Objects.requireNonNull(work, "work"), Objects.requireNonNull(policy, "policy"));
    }

    /** {@link #inTransaction(EntityManagerFactory, Function, RetryPolicy)} with the {@linkplain RetryPolicy#defaults() default policy}. */
    public static <T> T inTransaction(EntityManagerFactory factory, Function<? super EntityManager, T> work) {
        return inTransaction(factory, work, RetryPolicy.defaults());
    }

    /**
     * Links {@code owner} to {@code target} through the {@code @ManyToMany} attribute named
     * {@code attribute} of the owner, unless they are linked already. One statement. A loaded collection
     * on either side shows the link afterwards, and a later flush writes no duplicate row.
     *
     * @param owner an entity managed by this session
     * @param target an entity with an id, managed or detached
     * @return true when this call added the link, false when it existed
     * @throws IllegalArgumentException when the attribute is not a {@code @ManyToMany}, or an entity is transient or detached
     */
    public boolean addLink(Object owner, String attribute, Object target) {
        requireTransaction();
        return new Links(session, mappings).change(owner, attribute, target, true);
    }

    /** Removes the link between {@code owner} and {@code target}; true when it existed. See {@link #addLink}. */
    public boolean removeLink(Object owner, String attribute, Object target) {
        requireTransaction();
        return new Links(session, mappings).change(owner, attribute, target, false);
    }

    /**
     * Claims up to {@code limit} waiting rows of {@code queue} for {@code worker}, as {@link
     * dev.idem.Operations#claim} does, inside the session's transaction, and returns them as managed
     * entities in the queue's order. The queue must name the entity's table, keyed on its id column.
     * Pending changes are flushed first. The claim holds its rows until the transaction commits (and
     * vanishes if it rolls back); commit soon, and work on the rows in transactions of their own.
     *
     * <p>Change a claimed row through {@link #finish} or {@link #release}, never by setting attributes on
     * the entity and flushing: only they write under the claim's fencing token.
     */
    public <T> List<ClaimedEntity<T>> claim(Class<T> type, Queue queue, String worker, int limit, Duration lease) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(queue, "queue");
        requireTransaction();
        return new Claims(session, mappings).claim(type, queue, worker, limit, lease);
    }

    /**
     * Finishes a claimed row, writing {@code attributes} (attribute names and values, converted as Hibernate
     * converts them), only while the claim still holds the row; then refreshes the entity from its row when
     * this session manages it (a worker may finish in a later session, with the entity detached).
     *
     * @return false when the claim's lease lapsed: nothing was written, and the entity shows the row as it is
     * @throws IllegalArgumentException when an attribute is unknown or a collection
     */
    public boolean finish(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        Objects.requireNonNull(claimed, "claimed");
        Objects.requireNonNull(attributes, "attributes");
        requireTransaction();
        return new Claims(session, mappings).finish(claimed, attributes);
    }

    /** Hands a claimed row back to the queue at once, writing {@code attributes} too, while the claim holds it; then refreshes the entity. */
    public boolean release(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        Objects.requireNonNull(claimed, "claimed");
        Objects.requireNonNull(attributes, "attributes");
        requireTransaction();
        return new Claims(session, mappings).release(claimed, attributes);
    }

    /** {@link #release(ClaimedEntity, Map)} writing nothing else. */
    public boolean release(ClaimedEntity<?> claimed) {
        return release(claimed, Map.of());
    }

    /** Extends the claim's lease to {@code lease} from now on the database's clock, while the claim holds the row. */
    public boolean renew(ClaimedEntity<?> claimed, Duration lease) {
        Objects.requireNonNull(claimed, "claimed");
        requireTransaction();
        return new Claims(session, mappings).renew(claimed, lease);
    }

    private void requireTransaction() {
        if (!session.isTransactionInProgress()) {
            throw new TransactionRequiredException("Idem joins the current transaction and there is none: begin one on the session first");
        }
    }
}
