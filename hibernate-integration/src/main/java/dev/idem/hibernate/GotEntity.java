package dev.idem.hibernate;

/**
 * What {@link IdemSession#getOrCreate} found or made: the managed entity, the very instance
 * {@code find} returns afterwards in the same session, and whether this call inserted its row. Of all
 * callers that ask for the same key at the same time, exactly one sees {@link #created()} true.
 *
 * @param <T> the entity type
 */
public final class GotEntity<T> {

    private final T entity;
    private final boolean created;

    GotEntity(T entity, boolean created) {
        this.entity = entity;
        this.created = created;
    }

    /** The managed entity. */
    public T entity() {
        return entity;
    }

    /** True when this call inserted the row; false when it existed, whoever inserted it. */
    public boolean created() {
        return created;
    }

    @Override
    public String toString() {
        return (created ? "created " : "found ") + entity;
    }
}
