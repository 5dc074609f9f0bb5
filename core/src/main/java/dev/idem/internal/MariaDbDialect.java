package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * MariaDB: a plain {@code INSERT ... RETURNING *}; a duplicate key raises 1062, which names the index,
 * and the row is re-read with {@code LOCK IN SHARE MODE} so that REPEATABLE READ sees it. Not
 * {@code ON DUPLICATE KEY UPDATE}: it fires on any unique index and cannot tell whether it inserted.
 */
final class MariaDbDialect implements Dialect {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return Dialect.super.insertRow(table, columns, key) + " returning *";
    }

    /** MariaDB's VALUES rows cannot be named in a derived table, so the pairs come as a UNION ALL of SELECTs. */
    @Override
    public String insertLinks(String table, String owner, String target, int pairs) {
        return "insert into " + table + " (" + owner + ", " + target + ") select v.o, v.t from (select ? as o, ? as t"
                + " union all select ?, ?".repeat(pairs - 1) + ") v where not exists (select 1 from " + table + " x where x." + owner
                + " = v.o and x." + target + " = v.t) returning " + target;
    }

    @Override
    public boolean skipsKeyConflicts() {
        return false;
    }

    @Override
    public boolean returnsInsertedRows() {
        return true;
    }

    @Override
    public String lockingReadSuffix() {
        return " lock in share mode";
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
