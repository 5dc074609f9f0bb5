package dev.idem.internal;

import dev.idem.spi.Dialect;

/**
 * Any other database: standard SQL only. A plain INSERT under a savepoint, a caught unique violation and
 * a re-read; correct wherever the database enforces the unique constraint, with more round trips.
 */
final class GenericDialect implements Dialect {

    /** An unqualified name not in the current schema is looked for in every schema, a unique match taken. */
    static final Catalog.Rules CATALOG = new Catalog.Rules(false, true, null, true, null);

    /** Claims are refused (no {@code SKIP LOCKED} is known here); the rules only serve the checks before the refusal. */
    static final QueueShape.Rules QUEUE = new QueueShape.Rules(true, false, false, false, false, false);

    private final String product;

    GenericDialect(String product) {
        this.product = product;
    }

    @Override
    public String name() {
        return product;
    }
}
