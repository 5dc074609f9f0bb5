package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT (key) DO NOTHING RETURNING *}. When nothing comes back the
 * key exists, and a new statement (a new snapshot under READ COMMITTED) reads it; under REPEATABLE READ
 * and SERIALIZABLE a conflict with a row the snapshot cannot see raises 40001 instead. Never MERGE: it
 * raises unique violations under concurrent inserts.
 */
final class PostgresDialect implements Dialect {

    @Override
    public String name() {
        return "postgresql";
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
    public int maxParameters() {
        return 32_767;
    }
}
