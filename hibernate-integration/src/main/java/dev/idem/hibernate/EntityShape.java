package dev.idem.hibernate;

import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;
import org.hibernate.generator.Generator;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.metamodel.mapping.EntityDiscriminatorMapping;
import org.hibernate.metamodel.mapping.EntityIdentifierMapping;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.metamodel.mapping.ModelPart;
import org.hibernate.metamodel.mapping.PluralAttributeMapping;
import org.hibernate.persister.entity.EntityPersister;

/**
 * What get-or-create needs to know about one entity class, all of it read from Hibernate's mapping once
 * per session factory: the table and key columns, the query that finds an existing row, how the id is
 * produced, and how an instance becomes the column values {@code persist} would have written.
 */
final class EntityShape {

    /** A key attribute: its name, its mapping, and whether it is the identifier itself. */
    private record KeyAttribute(String name, ModelPart part, boolean isId) {
    }

    final EntityPersister persister;
    final Class<?> type;
    final Table table;
    final String query;
    private final List<KeyAttribute> key;
    private final List<String> keyColumns;
    private final EntityIdentifierMapping idMapping;
    private final String idColumn;
    private final EntityDiscriminatorMapping discriminator;

    private EntityShape(EntityPersister persister, Class<?> type, List<KeyAttribute> key) {
        this.persister = persister;
        this.type = type;
        this.key = key;
        this.idMapping = persister.getIdentifierMapping();
        if (!(idMapping instanceof BasicValuedModelPart basicId)) {
            throw new IllegalArgumentException(persister.getEntityName() + " has a composite id; getOrCreate supports entities with a single-column id");
        }
        this.idColumn = Jdbc.column(basicId);
        List<String> parts = Jdbc.qualifiedName(persister.getMappedTableDetails().getTableName());
        Table t = Table.named(parts.get(parts.size() - 1));
        if (parts.size() > 1) {
            t = t.inSchema(parts.get(parts.size() - 2));
        }
        this.keyColumns = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            KeyAttribute attribute = key.get(i);
            keyColumns.addAll(Jdbc.columns(attribute.part, "Key attribute '" + attribute.name + "' of " + persister.getEntityName()));
            where.append(i == 0 ? " where " : " and ").append("e.").append(attribute.name).append(" = :k").append(i);
        }
        t = t.key(keyColumns.toArray(String[]::new));
        this.table = databaseGeneratesId() ? t.generatedKey(idColumn) : t;
        this.query = "select e from " + persister.getEntityName() + " e" + where;
        EntityDiscriminatorMapping d = persister.getDiscriminatorMapping();
        boolean inHierarchy = persister.hasSubclasses() || persister.getSuperMappingType() != null;
        this.discriminator = d != null && !d.isFormula() && inHierarchy ? d : null;
    }

    /** The shape of {@code type} keyed on {@code attributes}; refuses what cannot be got or created race-free. */
    static EntityShape of(SessionFactoryImplementor factory, Class<?> type, List<String> attributes) {
        EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(type);
        if (distinctTables(persister) > 1) {
            throw new IllegalArgumentException(persister.getEntityName() + " is stored in more than one table (joined inheritance or a secondary"
                    + " table); getOrCreate supports entities stored in one table, as with single-table inheritance");
        }
        List<KeyAttribute> key = new ArrayList<>();
        EntityIdentifierMapping id = persister.getIdentifierMapping();
        for (String name : attributes) {
            if (name.equals(id.getAttributeName())) {
                key.add(new KeyAttribute(name, id, true));
                continue;
            }
            AttributeMapping attribute = persister.findAttributeMapping(name);
            if (attribute == null) {
                throw new IllegalArgumentException(persister.getEntityName() + " has no attribute '" + name + "'");
            }
            if (attribute instanceof PluralAttributeMapping) {
                throw new IllegalArgumentException("Attribute '" + name + "' of " + persister.getEntityName() + " is a collection; a key is made of single-valued attributes");
            }
            key.add(new KeyAttribute(name, attribute, false));
        }
        return new EntityShape(persister, type, List.copyOf(key));
    }

    /** The names of the natural id attributes of {@code type}, or an error when it declares none. */
    static List<String> naturalId(SessionFactoryImplementor factory, Class<?> type) {
        EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(type);
        if (persister.getNaturalIdMapping() == null) {
            throw new IllegalArgumentException(persister.getEntityName() + " declares no @NaturalId: give the key as attribute names and values");
        }
        List<String> names = new ArrayList<>();
        persister.getNaturalIdMapping().getNaturalIdAttributes().forEach(a -> names.add(a.getAttributeName()));
        return names;
    }

    private static long distinctTables(EntityPersister persister) {
        return java.util.Arrays.stream(persister.getTableNames()).distinct().count();
    }

    /** The key attribute names, in order. */
    List<String> keyAttributes() {
        List<String> names = new ArrayList<>();
        key.forEach(k -> names.add(k.name));
        return names;
    }

    /** The values of {@code given} in key order; a missing, extra or null attribute is an error. */
    Object[] keyValues(Map<String, ?> given) {
        Object[] values = new Object[key.size()];
        for (int i = 0; i < key.size(); i++) {
            String name = key.get(i).name;
            if (!given.containsKey(name) || given.get(name) == null) {
                throw new IllegalArgumentException("No value for key attribute '" + name + "' of " + persister.getEntityName() + "; the key is "
                        + keyAttributes() + " and NULL never matches in a unique constraint");
            }
            values[i] = given.get(name);
        }
        if (given.size() != key.size()) {
            throw new IllegalArgumentException("The key " + given.keySet() + " of " + persister.getEntityName() + " names attributes outside " + keyAttributes());
        }
        return values;
    }

    /** True when the database produces the id during the insert (an identity or auto-increment column). */
    boolean databaseGeneratesId() {
        return persister.getGenerator().generatedOnExecution();
    }

    /** A new, unmanaged instance holding the key values. */
    Object instantiate(Object[] keyValues, SharedSessionContractImplementor session) {
        Object entity = persister.getRepresentationStrategy().getInstantiator().instantiate();
        for (int i = 0; i < key.size(); i++) {
            set(entity, key.get(i), keyValues[i], session);
        }
        return entity;
    }

    /** The key attribute values {@code entity} holds, in key order. */
    Object[] keyOf(Object entity) {
        Object[] values = new Object[key.size()];
        for (int i = 0; i < key.size(); i++) {
            KeyAttribute attribute = key.get(i);
            values[i] = attribute.isId ? idMapping.getIdentifier(entity) : ((AttributeMapping) attribute.part).getValue(entity);
        }
        return values;
    }

    /** Fails when an initializer changed a key attribute: the row would then not have the key that was looked up. */
    void checkKeyUnchanged(Object entity, Object[] keyValues) {
        Object[] held = keyOf(entity);
        for (int i = 0; i < key.size(); i++) {
            KeyAttribute attribute = key.get(i);
            Object now = held[i];
            if (!Objects.equals(now, keyValues[i])) {
                throw new IllegalArgumentException("The initializer changed key attribute '" + attribute.name + "' of " + persister.getEntityName()
                        + " from " + keyValues[i] + " to " + now + "; an initializer may set only attributes outside the key");
            }
        }
    }

    private void set(Object entity, KeyAttribute attribute, Object value, SharedSessionContractImplementor session) {
        if (attribute.isId) {
            idMapping.setIdentifier(entity, value, session);
        } else {
            ((AttributeMapping) attribute.part).getPropertyAccess().getSetter().set(entity, value);
        }
    }

    /** The row to insert: key columns, the other columns, and the id when it is known before the insert. */
    record Insert(Values key, Values defaults, Object id) {
    }

    /**
     * Prepares {@code entity} for insertion as {@code persist} would: the id from Hibernate's own generator
     * (so it never collides with ids Hibernate hands out), {@code @PrePersist} callbacks, the seeded version,
     * values generated in memory on insert, the discriminator.
     */
    @SuppressWarnings("removal") // getEntityMetamodel: its replacements first appear after 7.0, the oldest release supported
    Insert prepare(Object entity, SharedSessionContractImplementor session) {
        Generator idGenerator = persister.getGenerator();
        Object id = null;
        if (!idGenerator.generatedOnExecution(entity, session)) {
            if (!idGenerator.generatesOnInsert()) {
                id = idMapping.getIdentifier(entity);
            } else if (idGenerator.generatedBeforeExecution(entity, session)) {
                Object current = idGenerator.allowAssignedIdentifiers() ? idMapping.getIdentifier(entity) : null;
                id = ((BeforeExecutionGenerator) idGenerator).generate(session, entity, current, EventType.INSERT);
            }
            if (id == null) {
                throw new IllegalArgumentException(persister.getEntityName() + " has an assigned id and none was given: set it in the key or the initializer");
            }
            idMapping.setIdentifier(entity, id, session);
        }
        session.getFactory().getEventEngine().getCallbackRegistry().preCreate(entity);
        generateOnInsert(entity, session);

        Map<String, Object> columns = new LinkedHashMap<>();
        if (id != null) {
            Jdbc.decompose(idMapping, id, session).forEach(c -> columns.put(c.name(), c.value()));
        }
        if (discriminator != null) {
            Object value = discriminator.getValueConverter().getDetailsForEntityName(persister.getEntityName()).getValue();
            columns.put(Jdbc.column(discriminator), Jdbc.toJdbc(discriminator.getUnderlyingJdbcMapping(), value, session));
        }
        Generator[] generators = persister.getEntityMetamodel().getGenerators();
        for (int i = 0; i < persister.getNumberOfAttributeMappings(); i++) {
            AttributeMapping attribute = persister.getAttributeMapping(i);
            Generator generator = generators[attribute.getStateArrayPosition()];
            if (attribute instanceof PluralAttributeMapping || !attribute.getAttributeMetadata().isInsertable()
                    || generator != null && generator.generatesOnInsert() && generator.generatedOnExecution()) {
                continue; // a collection, a read-only attribute, or one the database fills in
            }
            Jdbc.decompose(attribute, attribute.getValue(entity), session).forEach(c -> columns.putIfAbsent(c.name(), c.value()));
        }
        Values keyValues = Values.empty();
        for (String column : keyColumns) {
            keyValues = keyValues.and(column, columns.remove(column));
        }
        return new Insert(keyValues, Values.of(columns), id);
    }

    /** Seeds the version and runs the in-memory generators that fire on insert, in the order persist does. */
    @SuppressWarnings("removal") // as in prepare
    private void generateOnInsert(Object entity, SharedSessionContractImplementor session) {
        var metamodel = persister.getEntityMetamodel();
        Generator[] generators = metamodel.getGenerators();
        int versionIndex = persister.isVersioned() ? metamodel.getVersionPropertyIndex() : -1;
        for (int i = 0; i < generators.length; i++) {
            Generator generator = generators[i];
            if (i == versionIndex) {
                Object version = persister.getValue(entity, i);
                if (version == null || version instanceof Number n && n.longValue() < 0) {
                    persister.setValue(entity, i, metamodel.getVersionGenerator().generate(session, entity, version, EventType.INSERT));
                }
            } else if (generator != null && generator.generatesOnInsert() && generator.generatedBeforeExecution(entity, session)) {
                Object value = ((BeforeExecutionGenerator) generator).generate(session, entity, persister.getValue(entity, i), EventType.INSERT);
                persister.setValue(entity, i, value);
            }
        }
    }

    /** The id of a row Idem's core returned, as the entity's id type. */
    /** The key of the row whose identifier is {@code id}, as the core takes it: the id column and the JDBC value Hibernate binds. */
    Values idKey(Object id, SharedSessionContractImplementor session) {
        Values values = Values.empty();
        for (Jdbc.Column c : Jdbc.decompose(idMapping, id, session)) {
            values = values.and(c.name(), c.value());
        }
        return values;
    }

    Object idOf(Row row, SharedSessionContractImplementor session) {
        JdbcMapping mapping = ((BasicValuedModelPart) idMapping).getJdbcMapping();
        return Jdbc.toDomain(mapping, row.get(idColumn), session);
    }
}
