package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.ArrayList;
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
 * <p>PostgreSQL reads and inserts in one statement: a data-modifying {@code WITH} whose insert runs only
 * when the read found nothing, so a hit inserts nothing and draws no sequence value, and a miss costs one
 * round trip. Many rows go in as one array per column ({@code unnest}), one parameter per column whatever
 * their number. SQLite allows no INSERT inside {@code WITH}, so it reads first and inserts on a miss.
 * pgjdbc sends several statements in one round trip, so inside a caller's transaction the savepoint that
 * keeps it usable after a refused row travels with the statement.
 *
 * <p>Claims are one statement on both. PostgreSQL: a materialized CTE picks the keys
 * {@code FOR UPDATE SKIP LOCKED LIMIT n} (run once, so it never locks more rows than its limit), a second
 * CTE updates exactly those rows (found by {@code key = ANY(ARRAY(SELECT key FROM picked))}, through the
 * key's index), and the outer SELECT returns them in the queue's order; leases on
 * {@code statement_timestamp()}, not {@code now()}, which stands still for a whole transaction. SQLite:
 * {@code UPDATE ... WHERE key IN (the picked keys) RETURNING *}, whose write lock is taken before it reads,
 * so no other writer runs in between; leases as UTC text from {@code strftime}, which sorts as it compares.
 */
final class OnConflictDialect implements Dialect {

    /**
     * PostgreSQL looks for an unqualified name along its search path, and nowhere else. Unique indexes are read
     * from {@code pg_index}: pgjdbc's metadata names an index's columns by trimming the quotes off
     * {@code pg_get_indexdef}, which leaves a column named with a double quote unrecognisable. Only an index's
     * key columns count, not its {@code INCLUDE} ones; an expression or a WHERE clause covers no whole column.
     */
    static final Catalog.Rules POSTGRESQL_CATALOG = new Catalog.Rules(false, true, "select unnest(current_schemas(false))", false, null,
            "select attname, format_type(atttypid, null) from pg_attribute where attrelid = ?::regclass and attnum > 0 and not attisdropped",
            null,
            "select t.relname, i.relname, case when x.indpred is null then a.attname end from pg_index x"
                    + " join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace join pg_class i on i.oid = x.indexrelid"
                    + " cross join lateral unnest(x.indkey::int2[]) with ordinality as k(attnum, position)"
                    + " left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum"
                    + " where t.relname = ? and n.nspname = ? and x.indisunique and k.position <= x.indnkeyatts");

    /** A savepoint name of Idem's own; a caller's savepoint of the same name is shadowed, then uncovered again, never lost. */
    private static final String SAVEPOINT = "idem_savepoint";

    /** SQLite has no schemas to speak of; sqlite-jdbc reports a partial index without its WHERE clause, so they are asked for. */
    static final Catalog.Rules SQLITE_CATALOG = new Catalog.Rules(false, false, null, false,
            "select name from pragma_index_list(?) where partial = 1");

    /**
     * A claim without an index on the eligible and order columns scans the table: warned about, not refused.
     * Indexes are read from {@code pg_index}, as the catalog's unique ones are: pgjdbc's metadata mangles a
     * column named with a double quote.
     */
    static final QueueShape.Rules POSTGRESQL_QUEUE = new QueueShape.Rules(true, false, false, false, false, false,
            "select t.relname, i.relname, a.attname from pg_index x"
                    + " join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace join pg_class i on i.oid = x.indexrelid"
                    + " cross join lateral unnest(x.indkey::int2[]) with ordinality as k(attnum, position)"
                    + " left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum"
                    + " where t.relname = ? and n.nspname = ? and k.position <= x.indnkeyatts order by i.relname, k.position");

    /** SQLite has no timestamp type: the lease's end is stored as UTC text; {@code RETURNING} gives rows in no particular order. */
    static final QueueShape.Rules SQLITE_QUEUE = new QueueShape.Rules(true, false, false, true, false, true);

    /** sqlite-jdbc has just issued a deferred BEGIN, which holds no lock yet: swap it for an IMMEDIATE one. */
    static final List<String> SQLITE_BEGIN_WRITE = List.of("commit", "begin immediate");

    private final String name;
    private final boolean sqlite;
    private final boolean failedStatementAbortsTransaction;
    private final int maxParameters;
    private final boolean postgresql;

    private OnConflictDialect(String name, boolean failedStatementAbortsTransaction, int maxParameters, boolean postgresql) {
        this.name = name;
        this.sqlite = name.equals("sqlite");
        this.failedStatementAbortsTransaction = failedStatementAbortsTransaction;
        this.maxParameters = maxParameters;
        this.postgresql = postgresql;
    }

    /** PostgreSQL aborts the transaction on any error; the protocol carries at most 65,535 parameters. */
    static OnConflictDialect postgresql() {
        return new OnConflictDialect("postgresql", true, 32_767, true);
    }

    /** SQLite rolls back only the failed statement; 32,766 host parameters since 3.32. */
    static OnConflictDialect sqlite() {
        return new OnConflictDialect("sqlite", false, 32_766, false);
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

    /**
     * {@code with found as (select ...), ins as (insert ... select ... where not exists (select 1 from found)
     * on conflict (key) do nothing returning *) select *, true from ins union all select *, false from found}.
     * The values are cast to their columns' types (without a length: the assignment to the column still
     * refuses a value too long), since a SELECT list gives a parameter no type of its own.
     */
    @Override
    public String readOrInsertRow(String table, List<String> columns, List<String> types, List<String> key) {
        if (!postgresql) {
            return null;
        }
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("?::").append(types.get(i));
        }
        return "with found as (select * from " + table + keyEquals(key, "") + "), ins as (insert into " + table + " (" + String.join(", ", columns)
                + ") select " + values + " where not exists (select 1 from found) on conflict (" + String.join(", ", key)
                + ") do nothing returning *) select *, true from ins union all select *, false from found";
    }

    /**
     * {@code with input as (select * from unnest(?::type[], ...) with ordinality as x(v1, ..., p)), found as
     * (select input.p, row(t.*)::table from input join table t on key = input's key), ins as (insert ...
     * select v1, ... from input where not exists (select 1 from found where found.p = input.p) order by p on
     * conflict (key) do nothing returning *)}, then each input's position joined to the row this statement
     * inserted, and each found row. The table is probed once per key, by {@code found}, whose rows both
     * keep a hit from inserting (and drawing a sequence value) and are returned. Every part of the
     * statement sees one snapshot, so the rows it inserted show only through {@code ins}.
     */
    @Override
    public String readOrInsertRows(String table, List<String> columns, List<String> types, List<String> key) {
        if (!postgresql) {
            return null;
        }
        List<String> inputKey = new ArrayList<>();
        for (String k : key) {
            inputKey.add("v" + (columns.indexOf(k) + 1));
        }
        // The found row travels as one value of the table's row type: t.* beside input.p could clash with a column named p.
        return "with input as (" + unnest(columns.size(), types) + "), found as (select input.p, row(t.*)::" + table + " as r from input join "
                + table + " t" + joinOn("t", key, "input", inputKey).replace(" where ", " on ") + "), ins as (insert into " + table + " ("
                + String.join(", ", columns) + ") select " + String.join(", ", vs(columns.size()))
                + " from input where not exists (select 1 from found where found.p = input.p) order by p on conflict ("
                + String.join(", ", key) + ") do nothing returning *)"
                + " select input.p, true, ins.* from input join ins" + joinOn("ins", key, "input", inputKey).replace(" where ", " on ")
                + " union all select found.p, false, (found.r).* from found";
    }

    @Override
    public String readRows(String table, List<String> key, List<String> types) {
        if (!postgresql) {
            return null;
        }
        return "select input.p, t.* from (" + unnest(key.size(), types) + ") input join " + table + " t"
                + joinOn("t", key, "input", vs(key.size())).replace(" where ", " on ");
    }

    @Override
    public String underSavepoint(String statement) {
        return postgresql ? "savepoint " + SAVEPOINT + "; " + statement + "; release savepoint " + SAVEPOINT : null;
    }

    @Override
    public String rollbackToSavepoint() {
        return "rollback to savepoint " + SAVEPOINT;
    }

    /** SQLite: a multi-row {@code ON CONFLICT (key) DO NOTHING RETURNING *}. */
    @Override
    public String insertRows(String table, List<String> columns, List<String> key, int rows) {
        return Dialect.super.insertRows(table, columns, key, rows) + " on conflict (" + String.join(", ", key) + ") do nothing returning *";
    }

    /**
     * SQLite: {@code INSERT INTO t (c1, ...) SELECT * FROM (VALUES (?, ...), ...) v WHERE NOT EXISTS (SELECT 1
     * FROM t WHERE t.key = v.columnK) ON CONFLICT (key) DO NOTHING RETURNING *}. The key column's affinity
     * applies to the compared value, as it does to {@code key = ?}; the statement holds the write lock from
     * its start, so nothing is inserted between its read and its insert.
     */
    @Override
    public String insertMissingRows(String table, List<String> columns, List<String> key, int rows) {
        if (!sqlite) {
            return null;
        }
        String row = "(?" + ", ?".repeat(columns.size() - 1) + ")";
        StringBuilder exists = new StringBuilder();
        for (String k : key) {
            exists.append(exists.length() == 0 ? " where " : " and ").append("t.").append(k).append(" = v.column").append(columns.indexOf(k) + 1);
        }
        return "insert into " + table + " (" + String.join(", ", columns) + ") select * from (values " + row + (", " + row).repeat(rows - 1)
                + ") v where not exists (select 1 from " + table + " t" + exists + ") on conflict (" + String.join(", ", key)
                + ") do nothing returning *";
    }

    private static String unnest(int columns, List<String> types) {
        StringBuilder arrays = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            arrays.append(i == 0 ? "" : ", ").append("?::").append(types.get(i)).append("[]");
        }
        return "select * from unnest(" + arrays + ") with ordinality as x(" + String.join(", ", vs(columns)) + ", p)";
    }

    private static List<String> vs(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add("v" + i);
        }
        return names;
    }

    private static String keyEquals(List<String> key, String alias) {
        StringBuilder where = new StringBuilder();
        for (String k : key) {
            where.append(where.length() == 0 ? " where " : " and ").append(alias).append(k).append(" = ?");
        }
        return where.toString();
    }

    private static String joinOn(String table, List<String> key, String input, List<String> inputKey) {
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            where.append(i == 0 ? " where " : " and ").append(table).append('.').append(key.get(i)).append(" = ").append(input).append('.')
                    .append(inputKey.get(i));
        }
        return where.toString();
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

    /** PostgreSQL: see {@link Dialect#pickTestsEligibleAsRange}. */
    @Override
    public boolean pickTestsEligibleAsRange() {
        return postgresql;
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
        // The update finds the picked rows through the key's index, = ANY of their keys: joined to picked instead, the
        // generic plan pgjdbc settles on after five runs takes LIMIT ? for a tenth of the table and hash-joins a
        // scan of the whole table, every claim.
        return "with picked as materialized (" + pick + "), claimed as (update " + table + " set " + assignments + " where "
                + key + " = any(array(select " + key + " from picked)) returning *) select * from claimed order by " + orderBy;
    }
}
