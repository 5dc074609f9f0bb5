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
 *
 * <p>Claims: {@code SELECT key ... ORDER BY ... LIMIT n FOR UPDATE SKIP LOCKED} (MySQL 8.0.1+, MariaDB
 * 10.6+), then {@code UPDATE ... WHERE key IN (...)} and a re-read of those rows (neither has
 * {@code UPDATE ... RETURNING}), in one short transaction. Leases on {@code now(6)} for a {@code TIMESTAMP}
 * column, which stores instants, and on {@code utc_timestamp(6)} for a {@code DATETIME} column. Without
 * {@code SKIP LOCKED} (older servers) Idem refuses to claim: a plain {@code FOR UPDATE} would queue every
 * worker behind the first.
 */
final class InnoDbDialect implements Dialect {

    /**
     * A schema is a database, which Connector/J reports as the catalog. Columns and unique indexes are read
     * from {@code information_schema}, by exact name: Connector/J's metadata takes a name that begins and ends
     * with a backtick for a quoted one, and finds no columns for a name with a backslash. A prefix index
     * ({@code unique (title(3))}) or a functional key part makes only part of a value unique: its part has no
     * whole column.
     */
    static final Catalog.Rules CATALOG = new Catalog.Rules(true, true, null, false, null, null,
            "select table_name, column_name from information_schema.columns where table_name = ? and table_schema = ? order by ordinal_position",
            "select table_name, index_name, case when sub_part is null then column_name end from information_schema.statistics"
                    + " where table_name = ? and table_schema = ? and non_unique = 0");

    /**
     * InnoDB's locking read locks every index record it scans, so a queue without an index on its eligible
     * and order columns is refused; a secondary index holds the primary key's columns after its own; a
     * {@code TIMESTAMP} column stores an instant, converted from the session's time zone. Indexes are read from
     * {@code information_schema}, as the catalog's are: Connector/J's metadata takes a name that begins and
     * ends with a backtick for a quoted one.
     */
    static final QueueShape.Rules QUEUE = new QueueShape.Rules(true, true, true, false, true, false,
            "select table_name, index_name, column_name from information_schema.statistics where table_name = ? and table_schema = ?"
                    + " order by index_name, seq_in_index");

    private final String name;
    private final boolean returning;
    private final boolean skipLocked;

    private InnoDbDialect(String name, boolean returning, boolean skipLocked) {
        this.name = name;
        this.returning = returning;
        this.skipLocked = skipLocked;
    }

    static InnoDbDialect mysql() {
        return new InnoDbDialect("mysql", false, true);
    }

    /** MariaDB 10.5 and later, which has {@code INSERT ... RETURNING}. */
    static InnoDbDialect mariadb() {
        return new InnoDbDialect("mariadb", true, true);
    }

    /** The same dialect on a server without {@code SKIP LOCKED} (MySQL before 8.0.1, MariaDB before 10.6), where claims are refused. */
    InnoDbDialect withoutSkipLocked() {
        return new InnoDbDialect(name + " (without skip locked)", returning, false);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Refuses a name with a backslash: Connector/J, which parses every statement to find its parameters,
     * reads a backslash inside a quoted name as an escape (as it would inside a string), so the closing
     * backtick seems escaped and the parameters after the name are lost or misplaced.
     */
    @Override
    public String quote(String identifier) {
        if (identifier.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("The name '" + identifier + "' contains a backslash, which MySQL Connector/J reads as an escape"
                    + " inside a quoted name, losing the statement's parameters; rename it without the backslash (rename table, or alter table"
                    + " ... rename column) to use it through Idem");
        }
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return Dialect.super.insertRow(table, columns, key) + (returning ? " returning *" : "");
    }

    /** A plain multi-row INSERT, all or nothing; MariaDB returns the rows it inserted. */
    @Override
    public String insertRows(String table, List<String> columns, List<String> key, int rows) {
        return Dialect.super.insertRows(table, columns, key, rows) + (returning ? " returning *" : "");
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

    @Override
    public String skipLocked() {
        return skipLocked ? " for update skip locked" : null;
    }

    /** {@code now(6)} is the statement's start in the session's time zone, which a {@code TIMESTAMP} column converts from. */
    @Override
    public String clockNow(boolean zoned) {
        return zoned ? "now(6)" : "utc_timestamp(6)";
    }

    @Override
    public String clockNowPlusMillis(boolean zoned) {
        return "date_add(" + clockNow(zoned) + ", interval ? * 1000 microsecond)";
    }
}
