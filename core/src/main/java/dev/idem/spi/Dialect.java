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

    /**
     * One statement that reads the row whose key columns hold the bound key and inserts it only when there
     * is none, so that a hit writes nothing and draws no sequence value; or {@code null}, the default, when
     * the database has none (Idem then reads first and inserts on a miss). Bound with the key values, then
     * the values of {@code columns}. Yields the row's columns followed by one boolean, true when this
     * statement inserted the row; and no row when the key was inserted concurrently and is invisible to
     * the statement's snapshot, which a new statement then reads.
     *
     * @param types each column's type as a cast names it (no length), in the order of {@code columns}
     */
    default String readOrInsertRow(String table, List<String> columns, List<String> types, List<String> key) {
        return null;
    }

    /**
     * {@link #readOrInsertRow} for many rows at once, each column's values bound as one array (so one
     * parameter per column, whatever the number of rows), inserted in array order; or {@code null}, the
     * default. Yields the 1-based position of each row in the arrays, then a boolean (true when this statement
     * inserted the row), then the row's columns. Positions missing from the result were inserted concurrently
     * and are invisible to the statement's snapshot.
     */
    default String readOrInsertRows(String table, List<String> columns, List<String> types, List<String> key) {
        return null;
    }

    /**
     * The SELECT that reads, for key values bound as one array per key column, each existing row: its 1-based
     * position in the arrays, then its columns; or {@code null}, the default, where {@link #readOrInsertRows}
     * is null.
     */
    default String readRows(String table, List<String> key, List<String> types) {
        return null;
    }

    /**
     * {@code statement} wrapped in a savepoint that the driver sends with it in one round trip, so that its
     * failure leaves the surrounding transaction usable at no cost when it succeeds; or {@code null}, the
     * default, when the driver cannot send several statements at once (Idem then sets the savepoint itself).
     * After a failure Idem runs {@link #rollbackToSavepoint()}.
     */
    default String underSavepoint(String statement) {
        return null;
    }

    /** What undoes a failed {@link #underSavepoint} statement; used only where that is not null. */
    default String rollbackToSavepoint() {
        throw new UnsupportedOperationException(name() + " sends no savepoint with a statement");
    }

    /**
     * The statement that inserts {@code rows} rows of {@code columns}, several at once: by default a plain
     * multi-row INSERT, all or nothing, raising a unique violation on an existing key. Where
     * {@link #returnsInsertedRowsInBulk()}, it yields every row it inserted; where
     * {@link #skipsKeyConflicts()}, it skips rows whose key exists.
     */
    default String insertRows(String table, List<String> columns, List<String> key, int rows) {
        String row = "(?" + ", ?".repeat(columns.size() - 1) + ")";
        return "insert into " + table + " (" + String.join(", ", columns) + ") values " + row + (", " + row).repeat(rows - 1);
    }

    /**
     * The read of many keys at once with each key column's values bound as one array parameter, in the
     * order of {@code key}, or null (the default) to read them with one parameter per value
     * ({@code key IN (?, ?, ...)}). Worth it where the database checks a long IN list against every row
     * it finds (H2 does), which makes reading n keys cost n x n comparisons.
     */
    default String selectByKeyArrays(String table, List<String> key) {
        return null;
    }

    /** True when {@link #insertRows} returns the rows it inserted; by default as {@link #returnsInsertedRows()}. */
    default boolean returnsInsertedRowsInBulk() {
        return returnsInsertedRows();
    }

    /**
     * One statement that inserts those of {@code rows} rows of {@code columns} whose key is not in the
     * table yet and returns the rows it inserted, bound as {@link #insertRows} is; or null (the default)
     * where there is none. The read of the key comes before the insert, so that an existing key draws no
     * identifier value (an {@code ON CONFLICT DO NOTHING} alone draws one on SQLite's AUTOINCREMENT).
     * Used on a connection in auto-commit mode, where it saves the read before the insert.
     */
    default String insertMissingRows(String table, List<String> columns, List<String> key, int rows) {
        return null;
    }

    /**
     * True when a failed {@link #insertRows} can keep the rows before the one that failed, so that Idem
     * must run it under a savepoint of its own; false by default (a failed statement changes nothing).
     */
    default boolean insertRowsKeepsRowsOnFailure() {
        return false;
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

    /**
     * Appended to the locking read that picks queue rows to claim, so that it skips rows other
     * transactions have locked instead of waiting for them: {@code " for update skip locked"}. The empty
     * string where rows are not locked one by one (SQLite, whose claim is one statement under the
     * database's write lock); {@code null}, the default, where the database cannot skip locked rows, and
     * Idem then refuses to claim rather than scan rows other workers hold.
     */
    default String skipLocked() {
        return null;
    }

    /**
     * True when a claim's pick should test each eligible column as a range of its one value, {@code c >= ? and
     * c <= ?}, rather than {@code c = ?}; false by default. PostgreSQL: an equality makes the column a constant
     * of the plan, so the pick's order (the eligible columns, then the queue's order) shrinks to the queue's
     * order alone, which the primary key provides as well as the queue's index does. With statistics taken
     * before the queue drained (most rows still waiting, as far as the planner knows), it then walks the
     * primary key past every finished row on every claim. A range keeps the eligible columns in the order,
     * which only the queue's index provides without a sort. Both forms match the same rows.
     */
    default boolean pickTestsEligibleAsRange() {
        return false;
    }

    /**
     * The locking read that picks the keys of up to {@code limit} rows to claim, skipping rows others hold;
     * its parameters are those of {@code where}, then the limit. It must lock no more rows than it returns
     * (beyond rows it skips), or other workers would skip rows no one claims.
     *
     * @param where {@code " where ..."}, the condition of a claimable row, already quoted
     * @param orderBy the quoted columns of the queue's order, comma-separated
     */
    default String claimPick(String table, String key, String where, String orderBy) {
        return "select " + key + " from " + table + where + " order by " + orderBy + " limit ?" + skipLocked();
    }

    /**
     * The database's clock, now, as a value to compare with a lease column. {@code zoned}: the column holds
     * an instant (a timestamp with time zone); otherwise the value must be UTC's wall-clock time. The
     * default is standard SQL.
     */
    default String clockNow(boolean zoned) {
        return zoned ? "current_timestamp" : "localtimestamp";
    }

    /** {@link #clockNow(boolean)} plus the number of milliseconds bound to the one parameter this expression has. */
    default String clockNowPlusMillis(boolean zoned) {
        return "(" + clockNow(zoned) + " + ? * interval '0.001' second)";
    }

    /**
     * One statement that claims queue rows and returns them whole, or {@code null}, the default, where a
     * claim is a locking read of the keys followed by an update of those keys, in one transaction. The
     * statement must update exactly the rows {@code pick} selects (so the database must run it once: a
     * materialized CTE, never a subquery the planner may run again and lock more rows than its limit).
     *
     * @param table the quoted table
     * @param key the quoted key column
     * @param pick the locking read of the keys to claim, {@link #skipLocked()} applied; its parameters come first
     * @param assignments the SET list of the update; its parameters follow {@code pick}'s
     * @param orderBy the ORDER BY list that the returned rows should follow, where the statement can order them
     */
    default String claimStatement(String table, String key, String pick, String assignments, String orderBy) {
        return null;
    }

    /**
     * {@code update} made to return the rows it changed, whole, in the order of {@code orderBy}; or
     * {@code null}, the default, where Idem reads them back with a SELECT in the same transaction.
     */
    default String returningUpdate(String update, String orderBy) {
        return null;
    }
}
