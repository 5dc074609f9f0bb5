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

    /** True when the statements above skip rows whose key exists instead of raising a unique violation. */
    boolean skipsKeyConflicts();

    /** True when the insert statements return the rows they inserted. */
    boolean returnsInsertedRows();

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

    /** True when any failed statement aborts the whole transaction (PostgreSQL does), so expected failures need a savepoint. */
    default boolean failedStatementAbortsTransaction() {
        return true;
    }

    /** How many bound parameters one statement may carry; larger batches are split. */
    default int maxParameters() {
        return 999;
    }
}
