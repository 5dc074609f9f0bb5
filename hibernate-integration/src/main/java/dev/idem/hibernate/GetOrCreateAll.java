package dev.idem.hibernate;

import dev.idem.Got;
import dev.idem.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.hibernate.CacheMode;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * {@link IdemSession#getOrCreateAll}: the entities of many keys at once. One query finds the existing
 * ones (per chunk of {@value #CHUNK} keys); only the missing keys get an instance, an initializer call and
 * an id from the entity's own generator; the core's {@code getOrCreateAll} inserts them race-free in a
 * few statements; one more query loads the rows it returned as managed entities.
 */
final class GetOrCreateAll {

    /** Keys per IN list: far below every database's parameter limit, and few enough for the planner. */
    private static final int CHUNK = 500;

    private final SessionImplementor session;
    private final Mappings mappings;
    private final IdemSession idem;

    GetOrCreateAll(SessionImplementor session, Mappings mappings, IdemSession idem) {
        this.session = session;
        this.mappings = mappings;
        this.idem = idem;
    }

    /** A distinct key: its values in key order, and what it came to: the entity, its id, whether this call created its row. */
    private static final class Key {
        final Object[] values;
        Object entity;
        Object id;
        boolean created;

        Key(Object[] values) {
            this.values = values;
        }
    }

    <T> List<GotEntity<T>> run(Class<T> type, List<? extends Map<String, ?>> keys, Consumer<? super T> initializer) {
        if (keys.isEmpty()) {
            return List.of();
        }
        for (Map<String, ?> key : keys) {
            if (key == null) {
                throw new IllegalArgumentException("A key of the batch for " + type.getName() + " is null");
            }
        }
        List<String> attributes = List.copyOf(new TreeSet<>(keys.get(0).keySet()));
        EntityShape shape = mappings.entity(session.getFactory(), type, attributes);
        // Every key is checked (complete, no NULL) before anything is read or written.
        Map<List<Object>, Key> distinct = new HashMap<>();
        List<Key> order = new ArrayList<>(keys.size());
        List<Key> unique = new ArrayList<>();
        for (Map<String, ?> given : keys) {
            Object[] values = shape.keyValues(given);
            Key k = distinct.computeIfAbsent(Arrays.asList(values), v -> {
                Key fresh = new Key(values);
                unique.add(fresh);
                return fresh;
            });
            order.add(k);
        }
        session.doWork(connection -> mappings.check(connection, shape));

        findExisting(type, shape, distinct, unique);
        List<Key> missing = unique.stream().filter(k -> k.entity == null).toList();
        if (!missing.isEmpty()) {
            create(type, shape, missing, initializer);
        }

        List<GotEntity<T>> result = new ArrayList<>(order.size());
        Set<Key> reported = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Key k : order) {
            // A key given twice: its first occurrence may have created the row, the others found it.
            result.add(new GotEntity<>(type.cast(k.entity), k.created && reported.add(k)));
        }
        return result;
    }

    /** The existing entities, one query per chunk; a row whose key reads back differently is left to the insert, which finds it. */
    private void findExisting(Class<?> type, EntityShape shape, Map<List<Object>, Key> distinct, List<Key> unique) {
        List<String> names = shape.keyAttributes();
        for (int from = 0; from < unique.size(); from += CHUNK) {
            List<Key> chunk = unique.subList(from, Math.min(unique.size(), from + CHUNK));
            var query = session.createSelectionQuery(keysQuery(shape, names, chunk.size()), type);
            if (names.size() == 1) {
                query.setParameterList("k", chunk.stream().map(k -> k.values[0]).toList());
            } else {
                for (int i = 0; i < chunk.size(); i++) {
                    for (int a = 0; a < names.size(); a++) {
                        query.setParameter("k" + i + "_" + a, chunk.get(i).values[a]);
                    }
                }
            }
            for (Object entity : query.getResultList()) {
                Key k = distinct.get(Arrays.asList(shape.keyOf(entity)));
                if (k != null) {
                    k.entity = entity;
                }
            }
        }
    }

    private static String keysQuery(EntityShape shape, List<String> names, int keys) {
        StringBuilder q = new StringBuilder("select e from ").append(shape.persister.getEntityName()).append(" e where ");
        if (names.size() == 1) {
            return q.append("e.").append(names.get(0)).append(" in (:k)").toString();
        }
        for (int i = 0; i < keys; i++) {
            q.append(i == 0 ? "(" : " or (");
            for (int a = 0; a < names.size(); a++) {
                q.append(a == 0 ? "" : " and ").append("e.").append(names.get(a)).append(" = :k").append(i).append('_').append(a);
            }
            q.append(')');
        }
        return q.toString();
    }

    /** Prepares an instance per missing key (drawing its id), inserts them through the core, then loads the rows as managed entities. */
    private <T> void create(Class<T> type, EntityShape shape, List<Key> missing, Consumer<? super T> initializer) {
        session.flush(); // the new rows may refer to rows this session has not written yet
        List<Values> rows = new ArrayList<>(missing.size());
        List<Object> assignedIds = new ArrayList<>(missing.size());
        for (Key k : missing) {
            T fresh = type.cast(shape.instantiate(k.values, session));
            initializer.accept(fresh);
            shape.checkKeyUnchanged(fresh, k.values);
            EntityShape.Insert insert = shape.prepare(fresh, session);
            Values row = insert.key();
            for (int c = 0; c < insert.defaults().size(); c++) {
                row = row.and(insert.defaults().columns().get(c), insert.defaults().values().get(c));
            }
            rows.add(row);
            assignedIds.add(insert.id());
        }
        List<Got> got = session.doReturningWork(c -> mappings.idem().on(c).getOrCreateAll(shape.table, rows));
        Map<Object, List<Key>> byId = new HashMap<>();
        List<Object> ids = new ArrayList<>(missing.size());
        for (int i = 0; i < missing.size(); i++) {
            Key k = missing.get(i);
            Got g = got.get(i);
            k.created = g.created();
            k.id = g.created() && assignedIds.get(i) != null ? assignedIds.get(i) : shape.idOf(g.row(), session);
            if (byId.computeIfAbsent(k.id, x -> new ArrayList<>()).isEmpty()) {
                ids.add(k.id);
            }
            byId.get(k.id).add(k);
        }
        load(type, shape, ids, byId);
        for (Key k : missing) {
            if (k.entity == null) { // not visible to a plain read (MySQL's REPEATABLE READ): one at a time, as getOrCreate does
                k.entity = idem.load(type, shape, k.id, k.created);
            }
        }
    }

    /**
     * The rows the core returned, as managed entities, one query per chunk. Rows this transaction created
     * must not reach the second-level cache before commit, so the query bypasses it.
     */
    private void load(Class<?> type, EntityShape shape, List<Object> ids, Map<Object, List<Key>> byId) {
        String idName = shape.persister.getIdentifierMapping().getAttributeName();
        String query = "select e from " + shape.persister.getEntityName() + " e where e." + idName + " in (:ids)";
        for (int from = 0; from < ids.size(); from += CHUNK) {
            var q = session.createSelectionQuery(query, type)
                    .setParameterList("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK)))
                    // CacheMode.IGNORE: neither read nor write the cache. (Hibernate 7.0's setCacheRetrieveMode throws
                    // a NullPointerException on a query whose cache mode was never set.)
                    .setCacheMode(CacheMode.IGNORE);
            for (Object entity : q.getResultList()) {
                List<Key> keys = byId.get(shape.persister.getIdentifier(entity, session));
                if (keys != null) {
                    keys.forEach(k -> k.entity = entity);
                }
            }
        }
    }
}
