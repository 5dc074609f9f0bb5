package dev.idem.internal;

import dev.idem.spi.Dialect;

/**
 * Any other database: standard SQL only. A plain INSERT under a savepoint, a caught unique violation and
 * a re-read; correct wherever the database enforces the unique constraint, with more round trips.
 */
final class GenericDialect implements Dialect {

    private final String product;

    GenericDialect(String product) {
        this.product = product;
    }

    @Override
    public String name() {
        return product;
    }
}
