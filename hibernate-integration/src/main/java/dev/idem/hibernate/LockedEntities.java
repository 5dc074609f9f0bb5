package dev.idem.hibernate;

import dev.idem.NoSuchRowException;
import dev.idem.Row;
import dev.idem.Values;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.EntityKey;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.proxy.HibernateProxy;

/**
 * Managed entities read under a row lock, several always locked in the order of their ids, and the
 * one-statement increment of a managed entity's attribute, with the instance kept in step with its row.
 */
final class LockedEntities {

    /**
     * Numbers by value, anything else by its text: the order in which the core's {@code updateAll} locks
     * rows too, so that entity code and JDBC code locking the same rows never deadlock each other.
     */
    private static final Comparator<Object> ID_ORDER = (a, b) -> {
        Object x = comparable(a);
        Object y = comparable(b);
        return x instanceof BigDecimal m && y instanceof BigDecimal n ? m.compareTo(n) : x.toString().compareTo(y.toString());
    };

    private final SessionImplementor session;
    private final Mappings mappings;

    LockedEntities(SessionImplementor session, Mappings mappings) {
        this.session = session;
        this.mappings = mappings;
    }

    <T> List<T> lockAll(Class<T> type, Collection<?> ids) {
        List<Object> given = new ArrayList<>(ids.size());
        for (Object id : ids) {
            given.add(Objects.requireNonNull(id, "An id is null: name each row by its id"));
        }
        EntityPersister persister = session.getFactory().getMappingMetamodel().getEntityDescriptor(type);
        Integer[] order = new Integer[given.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (i, j) -> ID_ORDER.compare(given.get(i), given.get(j)));
        for (int i = 1; i < order.length; i++) {
            if (ID_ORDER.compare(given.get(order[i - 1]), given.get(order[i])) == 0) {
                throw new IllegalArgumentException("The id " + given.get(order[i]) + " of " + persister.getEntityName() + " is given twice: name each row once");
            }
        }
        Object[] locked = new Object[given.size()];
        for (int i : order) {
            locked[i] = lock(type, persister, given.get(i));
        }
        List<T> result = new ArrayList<>(locked.length);
        for (Object entity : locked) {
            result.add(type.cast(entity));
        }
        return result;
    }

    /**
     * The entity with {@code id}, its row locked for update. An instance this session already holds is
     * read again under the lock: its state may predate a write another transaction committed since.
     */
    private <T> T lock(Class<T> type, EntityPersister persister, Object id) {
        Object held = session.getPersistenceContextInternal().getEntity(new EntityKey(id, persister));
        T entity;
        if (held != null) {
            session.refresh(held, LockModeType.PESSIMISTIC_WRITE);
            entity = type.cast(held);
        } else {
            entity = session.find(type, id, LockModeType.PESSIMISTIC_WRITE);
        }
        if (entity == null) {
            throw new NoSuchRowException(persister.getEntityName(), Values.of(persister.getIdentifierMapping().getAttributeName(), id));
        }
        return entity;
    }

    /**
     * Adds {@code delta} to the attribute in one statement and sets the new value both in the instance
     * and in the state Hibernate compares it with at flush, so the flush neither writes the old value
     * back nor sees a change. A versioned entity has its version raised first, under a check that it is
     * current (Hibernate's {@code PESSIMISTIC_FORCE_INCREMENT}), so that a writer holding an older copy
     * fails instead of overwriting the sum.
     */
    <T> T increment(T entity, String attribute, long delta) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(attribute, "attribute");
        Object instance = entity instanceof HibernateProxy proxy ? proxy.getHibernateLazyInitializer().getImplementation() : entity;
        EntityEntry entry = session.getPersistenceContextInternal().getEntry(instance);
        if (entry == null) {
            throw new IllegalArgumentException("The entity is not managed by this session (transient or detached): find it, or lock it, first");
        }
        EntityPersister persister = entry.getPersister();
        AttributeMapping mapping = persister.findAttributeMapping(attribute);
        if (!(mapping instanceof BasicValuedModelPart basic) || !Number.class.isAssignableFrom(wrapper(mapping.getJavaType().getJavaTypeClass()))
                || persister.isVersioned() && attribute.equals(persister.getVersionMapping().getVersionAttribute().getAttributeName())) {
            throw new IllegalArgumentException("Attribute '" + attribute + "' of " + persister.getEntityName()
                    + " is not a numeric column that an increment may change (a basic number other than the version)");
        }
        int index = mapping.getStateArrayPosition();
        Object[] loaded = entry.getLoadedState();
        Object current = persister.getValue(instance, index);
        if (loaded != null && !Objects.equals(current, loaded[index])) {
            throw new IllegalStateException("Attribute '" + attribute + "' of " + persister.getEntityName() + " has a change not yet flushed ("
                    + loaded[index] + " -> " + current + "); an increment adds to the stored value: flush the change or undo it first");
        }
        if (!entry.isExistsInDatabase()) {
            session.flush();
        }
        if (persister.isVersioned()) {
            session.lock(instance, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
        }
        Object id = entry.getId();
        EntityShape shape = mappings.entity(session.getFactory(), persister.getMappedClass(), List.of(persister.getIdentifierMapping().getAttributeName()));
        String column = Jdbc.column(basic);
        Row row = session.doReturningWork(c -> mappings.idem().on(c).increment(shape.table, shape.idKey(id, session), column, delta));
        Object stored = Jdbc.toDomain(basic.getJdbcMapping(), row.get(column), session);
        persister.setValue(instance, index, stored);
        if (loaded != null) {
            loaded[index] = stored;
        }
        if (persister.canWriteToCache()) {
            session.getFactory().getCache().evictEntityData(persister.getEntityName(), id);
        }
        return entity;
    }

    private static Class<?> wrapper(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return type == long.class ? Long.class : type == int.class ? Integer.class : type == short.class ? Short.class
                : type == byte.class ? Byte.class : type == double.class ? Double.class : type == float.class ? Float.class : type;
    }

    private static Object comparable(Object id) {
        if (id instanceof BigDecimal || id instanceof Double || id instanceof Float) {
            return new BigDecimal(id.toString());
        }
        if (id instanceof Long || id instanceof Integer || id instanceof Short || id instanceof Byte) {
            return BigDecimal.valueOf(((Number) id).longValue());
        }
        if (id instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        return id;
    }
}
