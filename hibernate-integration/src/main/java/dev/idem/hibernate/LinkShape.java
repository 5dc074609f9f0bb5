package dev.idem.hibernate;

import dev.idem.LinkTable;
import java.util.List;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.PluralAttributeMapping;
import org.hibernate.metamodel.mapping.internal.ManyToManyCollectionPart;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;

/**
 * A {@code @ManyToMany} association as Idem's core sees it: the join table and its two columns, read from
 * Hibernate's mapping (so {@code @JoinTable} names and quoting come along), plus the attribute on the
 * other side, if the association is bidirectional, whose loaded collections must reflect each change.
 */
final class LinkShape {

    final String attribute;
    final EntityPersister owner;
    final EntityPersister target;
    final PluralAttributeMapping mapping;
    final LinkTable table;
    /** The same join table seen from the target entity, or null when the association is one-directional. */
    final PluralAttributeMapping inverse;
    private final ManyToManyCollectionPart element;

    private LinkShape(EntityPersister owner, String attribute, PluralAttributeMapping mapping) {
        this.owner = owner;
        this.attribute = attribute;
        this.mapping = mapping;
        this.element = (ManyToManyCollectionPart) mapping.getElementDescriptor();
        this.target = element.getEntityMappingType().getEntityPersister();
        CollectionPersister collection = mapping.getCollectionDescriptor();
        String what = "The join table of " + owner.getEntityName() + "." + attribute;
        List<String> ownerColumns = Jdbc.columns(mapping.getKeyDescriptor().getKeyPart(), what);
        List<String> targetColumns = Jdbc.columns(element, what);
        if (ownerColumns.size() != 1 || targetColumns.size() != 1) {
            throw new IllegalArgumentException(what + " links by " + ownerColumns + " and " + targetColumns
                    + "; addLink supports one column on each side");
        }
        if (collection.hasIndex()) {
            throw new IllegalArgumentException(owner.getEntityName() + "." + attribute + " is an indexed collection (a list with an order"
                    + " column, or a map): a link row needs its position, so addLink supports sets and bags");
        }
        List<String> parts = Jdbc.qualifiedName(collection.getTableName());
        LinkTable t = LinkTable.named(parts.get(parts.size() - 1)).columns(ownerColumns.get(0), targetColumns.get(0));
        this.table = parts.size() > 1 ? t.inSchema(parts.get(parts.size() - 2)) : t;
        this.inverse = otherSide(collection.getTableName(), ownerColumns, targetColumns);
    }

    static LinkShape of(EntityPersister owner, String attribute) {
        AttributeMapping found = owner.findAttributeMapping(attribute);
        if (found == null) {
            throw new IllegalArgumentException(owner.getEntityName() + " has no attribute '" + attribute + "'");
        }
        if (!(found instanceof PluralAttributeMapping plural) || !plural.getCollectionDescriptor().isManyToMany()
                || !(plural.getElementDescriptor() instanceof ManyToManyCollectionPart)) {
            throw new IllegalArgumentException("Attribute '" + attribute + "' of " + owner.getEntityName()
                    + " is not a @ManyToMany association; addLink and removeLink work on the join table of one");
        }
        return new LinkShape(owner, attribute, plural);
    }

    /** The attribute of the target entity mapped to the same join table with the columns swapped. */
    private PluralAttributeMapping otherSide(String joinTable, List<String> ownerColumns, List<String> targetColumns) {
        for (int i = 0; i < target.getNumberOfAttributeMappings(); i++) {
            AttributeMapping candidate = target.getAttributeMapping(i);
            if (candidate instanceof PluralAttributeMapping plural && plural != mapping
                    && plural.getCollectionDescriptor().isManyToMany()
                    && plural.getElementDescriptor() instanceof ManyToManyCollectionPart other
                    && joinTable.equals(plural.getCollectionDescriptor().getTableName())
                    && ownerColumns.equals(Jdbc.columns(other, "")) && targetColumns.equals(Jdbc.columns(plural.getKeyDescriptor().getKeyPart(), ""))) {
                return plural;
            }
        }
        return null;
    }

    /** The value the join table holds for {@code ownerEntity}: the collection key, usually the owner's id. */
    Object ownerValue(Object ownerEntity, SharedSessionContractImplementor session) {
        return single(Jdbc.decompose(mapping.getKeyDescriptor().getKeyPart(), keyOf(mapping, ownerEntity, session), session));
    }

    /** The collection key of {@code entity} for {@code attribute}: what the collection cache and the join table know it by. */
    @SuppressWarnings("removal") // getCollectionType is deprecated in 7.x, yet resolves the key the same way on 7.0 and 7.4
    static Object keyOf(PluralAttributeMapping attribute, Object entity, SharedSessionContractImplementor session) {
        return attribute.getCollectionDescriptor().getCollectionType().getKeyOfOwner(entity, session);
    }

    /** The value the join table holds for {@code targetEntity}: the foreign key to it, usually its id. */
    Object targetValue(Object targetEntity, SharedSessionContractImplementor session) {
        return single(Jdbc.decompose(element, targetEntity, session));
    }

    private Object single(List<Jdbc.Column> columns) {
        if (columns.size() != 1) {
            throw new IllegalStateException("Expected one join column value for " + owner.getEntityName() + "." + attribute + ", got " + columns);
        }
        return columns.get(0).value();
    }
}
