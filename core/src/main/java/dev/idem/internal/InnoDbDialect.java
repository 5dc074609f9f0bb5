package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * MySQL 8 and MariaDB, which share InnoDB's behaviour: a plain INSERT whose duplicate key raises 1062
 * naming the index, then a re-read with {@code LOCK IN SHARE MODE}, because a plain SELECT under
 * REPEATABLE READ reads the transaction's snapshot and misses a row committed after it (rows another
 * transaction still holds are waited for by the INSERT itself). MariaDB returns the inserted row and
 * links with {@code RETURNING}; MySQL, which has none, reads the row back, and reads which links exist
 * before inserting the others. Never {@code INSERT IGNORE}, which also silences foreign-key, NOT NULL and
 * truncation errors, nor {@code ON DUPLICATE KEY UPDATE}, which fires on any unique index and whose
 * update counts (changed by Connector/J's CLIENT_FOUND_ROWS) cannot tell whether it inserted.
 */
final class InnoDbDialect implements Dialect {

    /**
     * A schema is a database, which Connector/J reports as the catalog. A prefix index
     * ({@code unique (title(3))}) makes only part of a value unique, and the JDBC metadata does not show it.
     */
    static final Catalog.Rules CATALOG = new Catalog.Rules(true, true, null, false,
            "select index_name from information_schema.statistics where table_name = ? and table_schema = ? and sub_part is not null");

    private final String name;
    private final boolean returning;

    private InnoDbDialect(String name, boolean returning) {
        this.name = name;
        this.returning = returning;
    }

    static InnoDbDialect mysql() {
        return new InnoDbDialect("mysql", false);
    }

    /** MariaDB 10.5 and later, which has {@code INSERT ... RETURNING}. */
    static InnoDbDialect mariadb() {
        return new InnoDbDialect("mariadb", true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return Dialect.super.insertRow(table, columns, key) + (returning ? " returning *" : "");
    }

    /**
     * Links are plain inserts, on MariaDB too. An insert that skips existing pairs by itself
     * ({@code INSERT ... SELECT ... WHERE NOT EXISTS}) takes shared gap locks under REPEATABLE READ, and two
     * callers adding the same new pair then deadlock on each other's gap; a plain INSERT waits for the first
     * caller's row and fails with 1062 instead.
     */
    @Override
    public boolean returnsInsertedLinks() {
        return false;
    }

    @Override
    public boolean returnsInsertedRows() {
        return returning;
    }

    /** {@code LOCK IN SHARE MODE} rather than {@code FOR SHARE}: MariaDB has no {@code FOR SHARE}, and MySQL 8 still takes the older form. */
    @Override
    public String lockingReadSuffix() {
        return " lock in share mode";
    }

    /**
     * Neither MySQL nor MariaDB has {@code UPDATE ... RETURNING}: the default statements, and Idem reads the
     * row again in the same transaction, under the lock the update took. A BIGINT sum that overflows
     * raises 1690; a narrower column raises 1264 in strict mode and is clamped with a warning otherwise,
     * which Idem turns into an error before the transaction commits.
     */
    @Override
    public boolean returnsUpdatedRows() {
        return false;
    }

    /** InnoDB rolls back only the failed statement (a deadlock, 1213, rolls back the whole transaction, and is retried as such). */
    @Override
    public boolean failedStatementAbortsTransaction() {
        return false;
    }

    @Override
    public int maxParameters() {
        return 32_767;
    }
}
