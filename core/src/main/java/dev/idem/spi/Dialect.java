package dev.idem.spi;

import java.util.List;

/**
 * What Idem needs to know about one database to write race-free SQL for it. Names reach a dialect
 * already quoted by {@link #quote(String)}; values are always bound parameters ({@code ?}).
 *
 * <p>A dialect is one of two kinds. One whose inserts {@linkplain #skipsKeyConflicts() skip key
 * conflicts} (PostgreSQL's and SQLite's {@code ON CONFLICT (key) DO NOTHING}) must also return the
 * inserted rows, so that "no row back" means "the key exists". One whose inserts raise a unique
 * violation on a key conflict leaves Idem to catch it, under a savepoint where a failed statement
 * would abort the surrounding transaction.
 */
public interface Dialect {

    /** A short name for messages, such as {@code postgresql}. */
    String name();

    /** Quotes an identifier: the standard double quotes, the closing one doubled inside. */
    default String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * The statement that inserts one row of {@code columns} into {@code table}. When the dialect
     * {@linkplain #returnsInsertedRows() returns inserted rows}, the statement yields the whole row as
     * stored (every column); otherwise its update count.
     *
     * <p>The default is a plain standard INSERT.
     *
     * @param key the key columns, a subset of {@code columns}, for the conflict clause
     */
    default String insertRow(String table, List<String> columns, List<String> key) {
        return "insert into " + table + " (" + String.join(", ", columns) + ") values (?" + ", ?".repeat(columns.size() - 1) + ")";
    }

    /**
     * The statement that inserts {@code pairs} rows of ({@code owner}, {@code target}). When the dialect
     * {@linkplain #returnsInsertedLinks() returns inserted links}, the statement must skip the pairs that are
     * already linked and yield the {@code target} of each row it inserted (a pair linked concurrently may
     * still raise a unique violation, which Idem handles). Otherwise a plain multi-row INSERT, the default.
     */
    default String insertLinks(String table, String owner, String target, int pairs) {
        return "insert into " + table + " (" + owner + ", " + target + ") values (?, ?)" + ", (?, ?)".repeat(pairs - 1);
    }

    /** True when the statements above skip rows whose key exists instead of raising a unique violation; false by default. */
    default boolean skipsKeyConflicts() {
        return false;
    }

    /** True when {@link #insertRow} returns the row it inserted; false by default. */
    default boolean returnsInsertedRows() {
        return false;
    }

    /** True when {@link #insertLinks} skips existing pairs and returns the targets it inserted; by default as {@link #returnsInsertedRows()}. */
    default boolean returnsInsertedLinks() {
        return returnsInsertedRows();
    }

    /**
     * Appended to the SELECT that re-reads a key after a conflict, so that it sees the newest committed
     * row rather than the transaction's snapshot: {@code " LOCK IN SHARE MODE"} on MySQL and MariaDB,
     * whose REPEATABLE READ snapshot misses a row another transaction committed after it began.
     */
    default String lockingReadSuffix() {
        return "";
    }

    /**
     * Appended to a SELECT by key so that the row is locked until the transaction ends, for a
     * read-modify-write: {@code " for update"} by default. SQLite, which has no row locks, returns
     * {@code ""}: Idem begins its write transactions there IMMEDIATE, which locks the whole database.
     */
    default String forUpdateSuffix() {
        return " for update";
    }

    /**
     * The statement that sets {@code columns} of the row whose {@code key} columns hold the given values;
     * its parameters are the new values, then the key values. When the dialect
     * {@linkplain #returnsUpdatedRows() returns updated rows} it yields the row as stored; otherwise its
     * update count, and Idem reads the row again in the same transaction.
     */
    default String updateRow(String table, List<String> columns, List<String> key) {
        StringBuilder sql = new StringBuilder("update ").append(table).append(" set ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(columns.get(i)).append(" = ?");
        }
        return sql.append(whereKey(key)).toString();
    }

    /**
     * The one statement that adds a parameter to {@code column} of the row whose {@code key} columns hold
     * the given values; its parameters are the amount, then the key values. It must leave a row whose
     * column is NULL unchanged (NULL plus anything is NULL, a silent loss), and raise an error, or change
     * nothing, where the sum does not fit the column: Idem reads the row to tell the caller which. Yields
     * the row as stored when the dialect {@linkplain #returnsUpdatedRows() returns updated rows}.
     */
    default String incrementRow(String table, String column, List<String> key) {
        return "update " + table + " set " + column + " = " + column + " + ?" + whereKey(key) + " and " + column + " is not null";
    }

    /** True when {@link #updateRow} and {@link #incrementRow} yield the row as stored; false by default. */
    default boolean returnsUpdatedRows() {
        return false;
    }

    /** {@code " where a = ? and b = ?"} for the (quoted) key columns. */
    static String whereKey(List<String> key) {
        StringBuilder where = new StringBuilder();
        for (String k : key) {
            where.append(where.length() == 0 ? " where " : " and ").append(k).append(" = ?");
        }
        return where.toString();
    }

    /** True when any failed statement aborts the whole transaction (PostgreSQL does), so expected failures need a savepoint. */
    default boolean failedStatementAbortsTransaction() {
        return true;
    }

    /** How many bound parameters one statement may carry; larger batches are split. */
    default int maxParameters() {
        return 999;
    }
}
