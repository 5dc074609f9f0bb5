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
 *
 * <p>Claims are one statement on both. PostgreSQL: a materialized CTE picks the keys
 * {@code FOR UPDATE SKIP LOCKED LIMIT n} (run once, so it never locks more rows than its limit), a second
 * CTE updates exactly those rows, and the outer SELECT returns them in the queue's order; leases on
 * {@code statement_timestamp()}, not {@code now()}, which stands still for a whole transaction. SQLite:
 * {@code UPDATE ... WHERE key IN (the picked keys) RETURNING *}, whose write lock is taken before it reads,
 * so no other writer runs in between; leases as UTC text from {@code strftime}, which sorts as it compares.
 */
final class OnConflictDialect implements Dialect {

    /** PostgreSQL looks for an unqualified name along its search path, and nowhere else. */
    static final Catalog.Rules POSTGRESQL_CATALOG = new Catalog.Rules(false, true, "select unnest(current_schemas(false))", false, null);

    /** SQLite has no schemas to speak of; sqlite-jdbc reports a partial index without its WHERE clause, so they are asked for. */
    static final Catalog.Rules SQLITE_CATALOG = new Catalog.Rules(false, false, null, false,
            "select name from pragma_index_list(?) where partial = 1");

    /** A claim without an index on the eligible and order columns scans the table: warned about, not refused. */
    static final QueueShape.Rules POSTGRESQL_QUEUE = new QueueShape.Rules(true, false, false, false, false, false);

    /** SQLite has no timestamp type: the lease's end is stored as UTC text; {@code RETURNING} gives rows in no particular order. */
    static final QueueShape.Rules SQLITE_QUEUE = new QueueShape.Rules(true, false, false, true, false, true);

    /** sqlite-jdbc has just issued a deferred BEGIN, which holds no lock yet: swap it for an IMMEDIATE one. */
    static final List<String> SQLITE_BEGIN_WRITE = List.of("commit", "begin immediate");

    private final String name;
    private final boolean sqlite;
    private final boolean failedStatementAbortsTransaction;
    private final int maxParameters;

    private OnConflictDialect(String name, boolean failedStatementAbortsTransaction, int maxParameters) {
        this.name = name;
        this.sqlite = name.equals("sqlite");
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

    /** SQLite locks the whole database for the claim's one statement: there are no row locks to skip. */
    @Override
    public String skipLocked() {
        return sqlite ? "" : " for update skip locked";
    }

    /** SQLite: UTC as {@code YYYY-MM-DD HH:MM:SS.SSS} text. PostgreSQL: the statement's start, not the transaction's. */
    @Override
    public String clockNow(boolean zoned) {
        if (sqlite) {
            return "strftime('%Y-%m-%d %H:%M:%f', 'now')";
        }
        return zoned ? "statement_timestamp()" : "(statement_timestamp() at time zone 'UTC')";
    }

    @Override
    public String clockNowPlusMillis(boolean zoned) {
        if (sqlite) {
            return "strftime('%Y-%m-%d %H:%M:%f', 'now', (? / 1000.0) || ' seconds')";
        }
        return "(" + clockNow(zoned) + " + ? * interval '1 millisecond')";
    }

    @Override
    public String claimStatement(String table, String key, String pick, String assignments, String orderBy) {
        if (sqlite) { // RETURNING gives the rows in no particular order: Idem sorts them
            return "with picked as materialized (" + pick + ") update " + table + " set " + assignments + " where " + key
                    + " in (select " + key + " from picked) returning *";
        }
        return "with picked as materialized (" + pick + "), claimed as (update " + table + " set " + assignments + " from picked where "
                + table + "." + key + " = picked." + key + " returning " + table + ".*) select * from claimed order by " + orderBy;
    }
}
