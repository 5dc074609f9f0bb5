package dev.idem.hibernate;

import dev.idem.Claim;
import dev.idem.Queue;
import dev.idem.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.engine.spi.EntityKey;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.PluralAttributeMapping;

/**
 * Work-queue claims for entities: the core's claim on the session's connection, in its transaction, then
 * the claimed rows as managed entities; finish and release write through the core's fenced UPDATE, never
 * through a flush, which would write whatever the token says, and then refresh the entity.
 */
final class Claims {

    private final SessionImplementor session;
    private final Mappings mappings;

    Claims(SessionImplementor session, Mappings mappings) {
        this.session = session;
        this.mappings = mappings;
    }

    <T> List<ClaimedEntity<T>> claim(Class<T> type, Queue queue, String worker, int limit, Duration lease) {
        EntityShape shape = shape(type, queue);
        session.flush(); // rows persisted earlier in this session are in the queue too
        List<Claim> claims = session.doReturningWork(c -> mappings.idem().on(c).claim(queue, worker, limit, lease));
        List<Object> ids = new ArrayList<>(claims.size());
        claims.forEach(claim -> ids.add(shape.idOf(claim.row(), session)));
        Map<Object, T> loaded = load(type, shape, ids);
        List<ClaimedEntity<T>> result = new ArrayList<>(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            result.add(new ClaimedEntity<>(loaded.get(ids.get(i)), claims.get(i)));
        }
        return result;
    }

    boolean finish(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        Values values = columns(claimed, attributes);
        Claim claim = claimed.claim();
        boolean finished = session.doReturningWork(c -> mappings.idem().on(c).finish(claim.queue(), claim, values));
        refresh(claimed);
        return finished;
    }

    boolean release(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        Values values = columns(claimed, attributes);
        Claim claim = claimed.claim();
        boolean released = session.doReturningWork(c -> mappings.idem().on(c).release(claim.queue(), claim, values));
        refresh(claimed);
        return released;
    }

    boolean renew(ClaimedEntity<?> claimed, Duration lease) {
        Claim claim = claimed.claim();
        return session.doReturningWork(c -> mappings.idem().on(c).renew(claim.queue(), claim, lease));
    }

    /** A managed entity shows its row as the fenced update left it (or as another worker holds it); a detached one is left alone. */
    private void refresh(ClaimedEntity<?> claimed) {
        if (session.contains(claimed.entity())) {
            session.refresh(claimed.entity());
        }
    }

    /** The entity's shape keyed on its id, which must be the queue's key, in the queue's table. */
    private EntityShape shape(Class<?> type, Queue queue) {
        var persister = session.getFactory().getMappingMetamodel().getEntityDescriptor(type);
        EntityShape shape = mappings.entity(session.getFactory(), type, List.of(persister.getIdentifierMapping().getAttributeName()));
        if (!shape.table.name().equalsIgnoreCase(queue.name()) || !shape.table.keyColumns().get(0).equalsIgnoreCase(queue.keyColumn())) {
            throw new IllegalArgumentException("Queue " + queue + " is not the table of " + persister.getEntityName() + ", " + shape.table.name()
                    + " keyed on its id column " + shape.table.keyColumns().get(0) + ": name that table and key in the queue");
        }
        return shape;
    }

    /** The claimed rows as managed entities, read in one query; instances already in the session are refreshed, as the claim changed their rows. */
    private <T> Map<Object, T> load(Class<T> type, EntityShape shape, List<Object> ids) {
        Map<Object, T> entities = new LinkedHashMap<>();
        List<Object> missing = new ArrayList<>();
        for (Object id : ids) {
            Object managed = session.getPersistenceContextInternal().getEntity(new EntityKey(id, shape.persister));
            if (managed != null) {
                session.refresh(managed);
                entities.put(id, type.cast(managed));
            } else {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            String idName = shape.persister.getIdentifierMapping().getAttributeName();
            for (T entity : session.createSelectionQuery("from " + shape.persister.getEntityName() + " e where e." + idName + " in :ids", type)
                    .setParameter("ids", missing).getResultList()) {
                entities.put(shape.persister.getIdentifier(entity, session), entity);
            }
        }
        return entities;
    }

    /** The columns and JDBC values of the named attributes, as Hibernate would write them. */
    private Values columns(ClaimedEntity<?> claimed, Map<String, ?> attributes) {
        var persister = session.getEntityPersister(null, claimed.entity());
        Values values = Values.empty();
        for (Map.Entry<String, ?> e : attributes.entrySet()) {
            AttributeMapping attribute = persister.findAttributeMapping(e.getKey());
            if (attribute == null || attribute instanceof PluralAttributeMapping) {
                throw new IllegalArgumentException(persister.getEntityName() + " has no single-valued attribute '" + e.getKey() + "'");
            }
            for (Jdbc.Column column : Jdbc.decompose(attribute, e.getValue(), session)) {
                values = values.and(column.name(), column.value());
            }
        }
        return values;
    }
}
