package dev.idem.hibernate;

import dev.idem.Idem;
import dev.idem.SchemaMismatchException;
import dev.idem.Table;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;

/**
 * What Idem learns about one session factory, kept for its lifetime: one core {@link Idem} (whose dialect
 * and catalog checks are cached per table), the entity and link shapes, and which tables passed the
 * unique-constraint check. Entries of closed factories are dropped on the next lookup.
 */
final class Mappings {

    private static final Map<SessionFactoryImplementor, Mappings> BY_FACTORY = new ConcurrentHashMap<>();

    private final Idem idem = Idem.forConnections();
    private final Map<List<Object>, EntityShape> entities = new ConcurrentHashMap<>();
    private final Map<String, LinkShape> links = new ConcurrentHashMap<>();
    private final Set<Table> checked = ConcurrentHashMap.newKeySet();

    static Mappings of(SessionFactoryImplementor factory) {
        Mappings mappings = BY_FACTORY.get(factory);
        if (mappings == null) {
            BY_FACTORY.keySet().removeIf(SessionFactoryImplementor::isClosed);
            mappings = BY_FACTORY.computeIfAbsent(factory, f -> new Mappings());
        }
        return mappings;
    }

    Idem idem() {
        return idem;
    }

    EntityShape entity(SessionFactoryImplementor factory, Class<?> type, List<String> attributes) {
        List<Object> cacheKey = new ArrayList<>(attributes.size() + 1);
        cacheKey.add(type);
        cacheKey.addAll(attributes);
        return entities.computeIfAbsent(cacheKey, k -> EntityShape.of(factory, type, attributes));
    }

    LinkShape link(EntityPersister owner, String attribute) {
        return links.computeIfAbsent(owner.getEntityName() + "." + attribute, k -> LinkShape.of(owner, attribute));
    }

    /** Refuses, once per table and before any row is read, a key that no unique constraint covers. */
    void check(Connection connection, EntityShape shape) {
        if (checked.contains(shape.table)) {
            return;
        }
        try {
            idem.check(connection, shape.table);
        } catch (SchemaMismatchException e) {
            throw new SchemaMismatchException("Entity " + shape.persister.getEntityName() + " cannot be got or created by " + shape.keyAttributes()
                    + ": " + e.getMessage(), e);
        }
        checked.add(shape.table);
    }
}
