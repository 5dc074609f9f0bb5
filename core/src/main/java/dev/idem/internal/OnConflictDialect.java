package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * PostgreSQL and SQLite 3.35+, which share the statement Idem needs:
 * {@code INSERT ... ON CONFLICT (key) DO NOTHING RETURNING *}. It never raises on the key and returns
 * the row only when it inserted it; when nothing comes back a new statement reads the row (on
 * PostgreSQL a new snapshot under READ COMMITTED; under REPEATABLE READ and SERIALIZABLE a conflict with
 * a row the snapshot cannot see raises 40001 instead). Never {@code MERGE}, which raises unique
 * violations under concurrent inserts on PostgreSQL, and never SQLite's {@code INSERT OR IGNORE}, which
 * also silences NOT NULL, CHECK and foreign-key failures.
 */
final class OnConflictDialect implements Dialect {

    /** PostgreSQL looks for an unqualified name along its search path, and nowhere else. */
    static final Catalog.Rules POSTGRESQL_CATALOG = new Catalog.Rules(false, true, "select unnest(current_schemas(false))", false, null);

    /** SQLite has no schemas to speak of; sqlite-jdbc reports a partial index without its WHERE clause, so they are asked for. */
    static final Catalog.Rules SQLITE_CATALOG = new Catalog.Rules(false, false, null, false,
            "select name from pragma_index_list(?) where partial = 1");

    /** sqlite-jdbc has just issued a deferred BEGIN, which holds no lock yet: swap it for an IMMEDIATE one. */
    static final List<String> SQLITE_BEGIN_WRITE = List.of("commit", "begin immediate");

    private final String name;
    private final boolean failedStatementAbortsTransaction;
    private final int maxParameters;

    private OnConflictDialect(String name, boolean failedStatementAbortsTransaction, int maxParameters) {
        this.name = name;
        this.failedStatementAbortsTransaction = failedStatementAbortsTransaction;
        this.maxParameters = maxParameters;
    }

    /** PostgreSQL aborts the transaction on any error; the protocol carries at most 65,535 parameters. */
    static OnConflictDialect postgresql() {
        return new OnConflictDialect("postgresql", true, 32_767);
    }

    /** SQLite rolls back only the failed statement; 32,766 host parameters since 3.32. */
    static OnConflictDialect sqlite() {
        return new OnConflictDialect("sqlite", false, 32_766);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return Dialect.super.insertRow(table, columns, key) + " on conflict (" + String.join(", ", key) + ") do nothing returning *";
    }

    @Override
    public String insertLinks(String table, String owner, String target, int pairs) {
        return Dialect.super.insertLinks(table, owner, target, pairs) + " on conflict (" + owner + ", " + target + ") do nothing returning " + target;
    }

    /** SQLite has no row locks: Idem's write transactions begin IMMEDIATE there instead. */
    @Override
    public String forUpdateSuffix() {
        return isSqlite() ? "" : Dialect.super.forUpdateSuffix();
    }

    @Override
    public String updateRow(String table, List<String> columns, List<String> key) {
        return Dialect.super.updateRow(table, columns, key) + " returning *";
    }

    /**
     * PostgreSQL raises 22003 when the sum overflows the column. SQLite turns an integer overflow into a
     * REAL silently, so the sum must keep the column's type: the amount is parameter 1 in both places and
     * the key values follow as 2, 3, and so on.
     */
    @Override
    public String incrementRow(String table, String column, List<String> key) {
        if (!isSqlite()) {
            return Dialect.super.incrementRow(table, column, key) + " returning *";
        }
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            where.append(i == 0 ? " where " : " and ").append(key.get(i)).append(" = ?").append(i + 2);
        }
        return "update " + table + " set " + column + " = " + column + " + ?1" + where + " and " + column + " is not null"
                + " and typeof(" + column + " + ?1) = typeof(" + column + ") returning *";
    }

    @Override
    public boolean returnsUpdatedRows() {
        return true;
    }

    private boolean isSqlite() {
        return name.equals("sqlite");
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
        return failedStatementAbortsTransaction;
    }

    @Override
    public int maxParameters() {
        return maxParameters;
    }
}
