package dev.idem.internal;

import dev.idem.spi.Dialect;

/**
 * MySQL 8: a plain INSERT (MySQL has no RETURNING), then the stored row is read back; a duplicate key
 * raises 1062, which names the index, and the row is re-read with {@code LOCK IN SHARE MODE} so that
 * REPEATABLE READ sees it. Whether the row was created is never inferred from update counts, which
 * Connector/J's CLIENT_FOUND_ROWS changes.
 */
final class MysqlDialect implements Dialect {

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public String quote(String identifier) {
        return Dialects.backticks(identifier);
    }

    @Override
    public String lockingReadSuffix() {
        return Dialects.LOCK_IN_SHARE_MODE;
    }

    @Override
    public boolean failedStatementAbortsTransaction() {
        return false;
    }

    @Override
    public int maxParameters() {
        return 32_767;
    }
}
