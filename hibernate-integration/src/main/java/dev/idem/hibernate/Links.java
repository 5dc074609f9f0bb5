package dev.idem.hibernate;

import java.util.Collection;
import java.util.Objects;
import org.hibernate.Hibernate;
import org.hibernate.collection.spi.PersistentCollection;
import org.hibernate.engine.spi.CollectionEntry;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.engine.spi.Status;
import org.hibernate.metamodel.mapping.PluralAttributeMapping;
import org.hibernate.persister.entity.EntityPersister;

/**
 * One addLink or removeLink: checks both entities, flushes what the link row depends on, has the core
 * write the join table, then makes the session agree with it. A loaded collection gets the element
 * together with a new snapshot, so that the next flush sees nothing to write; the cached collection is
 * evicted.
 */
final class Links {

    private final SessionImplementor session;
    private final Mappings mappings;

    Links(SessionImplementor session, Mappings mappings) {
        this.session = session;
        this.mappings = mappings;
    }

    boolean change(Object owner, String attribute, Object target, boolean add) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(target, "target");
        Object ownerEntity = Hibernate.unproxy(owner);
        EntityPersister ownerPersister = session.getEntityPersister(null, ownerEntity);
        LinkShape link = mappings.link(ownerPersister, attribute);
        EntityEntry ownerEntry = requireManaged(ownerPersister, ownerEntity);
        Object targetId = link.target.getIdentifier(target, session);
        if (targetId == null) {
            throw new IllegalArgumentException("The target " + link.target.getEntityName() + " is transient (it has no id): persist it before linking it");
        }
        Object targetEntity = session.getReference(link.target.getMappedClass(), targetId);
        PersistentCollection<?> owned = loaded(link.mapping, ownerEntity);
        Object loadedTarget = session.getPersistenceContextInternal().getEntity(session.generateEntityKey(targetId, link.target));
        PersistentCollection<?> other = link.inverse == null || loadedTarget == null ? null : loaded(link.inverse, loadedTarget);
        if (!ownerEntry.isExistsInDatabase() || pendingInsert(targetEntity) || dirty(owned) || dirty(other)) {
            // The link row needs both rows; and pending changes to either collection must be written before
            // its snapshot is replaced, or they would be forgotten.
            session.flush();
        }
        Object ownerValue = link.ownerValue(ownerEntity, session);
        Object targetValue = link.targetValue(targetEntity, session);
        boolean changed = session.doReturningWork(c -> add
                ? mappings.idem().on(c).addLink(link.table, ownerValue, targetValue)
                : mappings.idem().on(c).removeLink(link.table, ownerValue, targetValue));
        reflect(owned, targetEntity, add);
        evict(link.mapping, LinkShape.keyOf(link.mapping, ownerEntity, session));
        if (link.inverse != null) {
            reflect(other, ownerEntity, add);
            evict(link.inverse, LinkShape.keyOf(link.inverse, targetEntity, session));
        }
        return changed;
    }

    private EntityEntry requireManaged(EntityPersister persister, Object entity) {
        EntityEntry entry = session.getPersistenceContextInternal().getEntry(entity);
        if (entry == null) {
            Object id = persister.getIdentifier(entity, session);
            throw new IllegalArgumentException(id == null
                    ? "The owner " + persister.getEntityName() + " is transient (it has no id): persist it before linking it"
                    : "The owner " + persister.getEntityName() + " with id " + id + " is detached (this session does not manage it):"
                    + " find or merge it in this session first, so that its collection stays in step");
        }
        if (entry.getStatus() == Status.DELETED || entry.getStatus() == Status.GONE) {
            throw new IllegalArgumentException("The owner " + persister.getEntityName() + " with id " + entry.getId() + " is being deleted in this session");
        }
        return entry;
    }

    private static boolean dirty(PersistentCollection<?> collection) {
        return collection != null && collection.isDirty();
    }

    private boolean pendingInsert(Object entity) {
        EntityEntry entry = Hibernate.isInitialized(entity) ? session.getPersistenceContextInternal().getEntry(entity) : null;
        return entry != null && !entry.isExistsInDatabase();
    }

    /** The collection held by {@code entity} when it is loaded; null when there is nothing in memory to keep in step. */
    private static PersistentCollection<?> loaded(PluralAttributeMapping attribute, Object entity) {
        Object value = attribute.getPropertyAccess().getGetter().get(entity);
        return value instanceof PersistentCollection<?> collection && collection.wasInitialized() ? collection : null;
    }

    /**
     * Puts the element in (or takes it out of) a loaded collection and records the result as the state the
     * database holds, so the next flush has nothing to insert or delete for it.
     */
    @SuppressWarnings("unchecked")
    private void reflect(PersistentCollection<?> collection, Object element, boolean add) {
        if (!(collection instanceof Collection<?>)) {
            return;
        }
        Collection<Object> elements = (Collection<Object>) collection;
        boolean changed = add ? !elements.contains(element) && elements.add(element) : elements.remove(element);
        if (changed) {
            CollectionEntry entry = session.getPersistenceContextInternal().getCollectionEntry(collection);
            if (entry != null && entry.getLoadedPersister() != null) {
                entry.resetStoredSnapshot(collection, collection.getSnapshot(entry.getLoadedPersister()));
            }
            collection.clearDirty(); // both collections were clean before: anything pending was flushed first
        }
    }

    private void evict(PluralAttributeMapping attribute, Object key) {
        if (key != null && attribute.getCollectionDescriptor().hasCache()) {
            session.getFactory().getCache().evictCollectionData(attribute.getCollectionDescriptor().getRole(), key);
        }
    }
}
