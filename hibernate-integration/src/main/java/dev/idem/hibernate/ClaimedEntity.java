package dev.idem.hibernate;

import dev.idem.Claim;

/**
 * A row of a work queue that {@link IdemSession#claim} handed to this worker, as a managed entity, with
 * the core {@link Claim} (its fencing token) that {@link IdemSession#finish}, {@link IdemSession#release}
 * and {@link IdemSession#renew} present.
 *
 * @param <T> the entity type
 */
public final class ClaimedEntity<T> {

    private final T entity;
    private final Claim claim;

    ClaimedEntity(T entity, Claim claim) {
        this.entity = entity;
        this.claim = claim;
    }

    /** The managed entity, loaded as the claim left its row. */
    public T entity() {
        return entity;
    }

    /** The core claim: the key, the worker, the token. */
    public Claim claim() {
        return claim;
    }

    @Override
    public String toString() {
        return claim + ": " + entity;
    }
}
