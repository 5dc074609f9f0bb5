package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * SQLite 3.35 and later: {@code INSERT ... ON CONFLICT (key) DO NOTHING RETURNING *}, never
 * {@code INSERT OR IGNORE}, which also silences NOT NULL, CHECK and foreign-key failures.
 */
final class SqliteDialect implements Dialect {

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return Dialects.insertOnConflictDoNothing(table, columns, key, "*");
    }

    @Override
    public String insertLinks(String table, String owner, String target, int pairs) {
        return Dialects.insertLinksOnConflictDoNothing(table, owner, target, pairs);
    }

    @Override
    public boolean skipsKeyConflicts() {
        return true;
    }

    @Override
    public boolean returnsInsertedRows() {
        return true;
    }

    @Override
    public boolean failedStatementAbortsTransaction() {
        return false;
    }

    @Override
    public int maxParameters() {
        return 32_766;
    }
}
