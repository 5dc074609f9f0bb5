package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * H2 2.x: {@code SELECT * FROM FINAL TABLE (INSERT ...)} returns the stored row; a duplicate raises
 * 23505 (or 90131 when the rows collided in flight), and Idem re-reads. Never MERGE, which raises
 * unique violations under concurrent inserts. A failed statement does not abort H2's transaction.
 *
 * <p>Claims: {@code SELECT key ... USE INDEX () ... LIMIT n FOR UPDATE SKIP LOCKED}, then
 * {@code SELECT * FROM FINAL TABLE (UPDATE ... WHERE key IN (...))}, in one transaction. H2 2.5 locks every
 * row a locking read sorts before it applies the limit: read through a secondary index such as
 * {@code (status, id)}, the first claim would lock every waiting row and the next would find none. Read
 * along the primary key ({@code USE INDEX ()}), in key order, it locks only the rows it returns; so on H2
 * a queue should be ordered by its key. H2's {@code CURRENT_TIMESTAMP} is the transaction's start, which in
 * a short transaction of Idem's own is now.
 */
final class H2Dialect implements Dialect {

    /** An unqualified name is looked for in the connection's current schema. */
    static final Catalog.Rules CATALOG = new Catalog.Rules(false, true, null, false, null);

    /** The claim reads along the primary key whatever other indexes exist (see {@link #claimPick}): no index to check. */
    static final QueueShape.Rules QUEUE = new QueueShape.Rules(false, false, false, false, false, false);

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return "select * from final table (" + Dialect.super.insertRow(table, columns, key) + ")";
    }

    /**
     * A failed multi-row insert inside {@code FINAL TABLE (...)} keeps the rows before the failing one
     * (H2 2.5), so a link to a missing parent could half-succeed: links use a plain, atomic INSERT.
     */
    @Override
    public boolean returnsInsertedLinks() {
        return false;
    }

    /**
     * Many rows: {@code SELECT * FROM FINAL TABLE (INSERT ... VALUES (...), ...)}, the stored rows in one
     * statement. Unlike a plain INSERT it is not atomic (see {@link #returnsInsertedLinks}), so Idem runs
     * it under a savepoint.
     */
    @Override
    public String insertRows(String table, List<String> columns, List<String> key, int rows) {
        return "select * from final table (" + Dialect.super.insertRows(table, columns, key, rows) + ")";
    }

    @Override
    public boolean insertRowsKeepsRowsOnFailure() {
        return true;
    }

    @Override
    public boolean returnsInsertedRows() {
        return true;
    }

    /**
     * {@code select t.* from unnest(?, ...) k(k1, ...) join table t on t.key1 = k.k1 and ...}: one index
     * lookup per key. H2 2.5 checks an IN list of n parameters against every row the index finds, n x n
     * comparisons, four times slower at 1,000 keys. Untyped arrays: H2 compares each element as the
     * Java value it was given, as it does a parameter of {@code IN (?, ...)}.
     */
    @Override
    public String selectByKeyArrays(String table, List<String> key) {
        List<String> names = new java.util.ArrayList<>();
        StringBuilder on = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            names.add("k" + (i + 1));
            on.append(i == 0 ? " on " : " and ").append("t.").append(key.get(i)).append(" = k.k").append(i + 1);
        }
        return "select t.* from unnest(" + "?, ".repeat(key.size() - 1) + "?) k(" + String.join(", ", names) + ") join " + table + " t" + on;
    }

    /** H2 raises 22003 when the sum overflows the column. */
    @Override
    public String updateRow(String table, List<String> columns, List<String> key) {
        return "select * from final table (" + Dialect.super.updateRow(table, columns, key) + ")";
    }

    @Override
    public String incrementRow(String table, String column, List<String> key) {
        return "select * from final table (" + Dialect.super.incrementRow(table, column, key) + ")";
    }

    @Override
    public boolean returnsUpdatedRows() {
        return true;
    }

    @Override
    public boolean failedStatementAbortsTransaction() {
        return false;
    }

    /** H2 sets no limit of its own on the parameters of a statement; this keeps statements of a sane size. */
    @Override
    public int maxParameters() {
        return 32_767;
    }

    @Override
    public String skipLocked() {
        return " for update skip locked";
    }

    @Override
    public String claimPick(String table, String key, String where, String orderBy) {
        return "select " + key + " from " + table + " use index ()" + where + " order by " + orderBy + " limit ?" + skipLocked();
    }

    @Override
    public String clockNow(boolean zoned) {
        return zoned ? "current_timestamp" : "cast(current_timestamp at time zone 'UTC' as timestamp)";
    }

    @Override
    public String clockNowPlusMillis(boolean zoned) {
        return "dateadd(millisecond, ?, " + clockNow(zoned) + ")";
    }

    @Override
    public String returningUpdate(String update, String orderBy) {
        return "select * from final table (" + update + ") order by " + orderBy;
    }
}
