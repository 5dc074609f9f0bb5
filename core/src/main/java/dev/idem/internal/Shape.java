package dev.idem.internal;

import dev.idem.SchemaMismatchException;
import dev.idem.spi.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A table as found in the catalog: its quoted name, its columns with the names the database stored,
 * the key columns and the unique indexes that cover exactly them, and the SQL Idem runs on it: the
 * standard statements built here, the inserts by the dialect (built once per column list and cached).
 */
final class Shape {

    final String display;
    final String quotedName;
    final List<String> columns;
    final List<String> key;
    final Set<String> keyIndexes;
    final String generatedKey;
    final String selectByKey;
    final String lockingSelectByKey;
    /** True when the dialect has one statement that inserts only the rows whose key is new ({@link Dialect#insertMissingRows}). */
    final boolean insertsMissingRows;
    /** The read of many keys bound as one array per key column, or null; see {@link Dialect#selectByKeyArrays}. */
    private final String selectByKeyArrays;
    /** True when the dialect reads the key's row and inserts it on a miss in one statement ({@link Dialect#readOrInsertRow}). */
    final boolean readsOrInsertsInOneStatement;
    /** The row by key, locked for a read-modify-write until the transaction ends. */
    final String selectByKeyForUpdate;
    private final Dialect dialect;
    private final Map<List<String>, String> inserts = new ConcurrentHashMap<>();
    private final Map<List<String>, String> updates = new ConcurrentHashMap<>();
    private final Map<String, String> increments = new ConcurrentHashMap<>();
    private final Map<Integer, String> links = new ConcurrentHashMap<>();
    private final Map<String, String> storedNames = new ConcurrentHashMap<>();
    private final Map<String, String> columnTypes;
    private final Map<List<String>, String> readOrInserts = new ConcurrentHashMap<>();
    private final Map<List<String>, String> readOrInsertRows = new ConcurrentHashMap<>();
    private final Map<String, String[]> labels = new ConcurrentHashMap<>();

    Shape(Dialect dialect, String display, String quotedName, List<String> columns, List<String> key, Set<String> keyIndexes,
          String generatedKey, Map<String, String> columnTypes) {
        this.columnTypes = Map.copyOf(columnTypes);
        this.dialect = dialect;
        this.display = display;
        this.quotedName = quotedName;
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        this.keyIndexes = Set.copyOf(keyIndexes);
        this.generatedKey = generatedKey;
        StringBuilder where = new StringBuilder();
        for (String k : key) {
            where.append(where.length() == 0 ? " where " : " and ").append(dialect.quote(k)).append(" = ?");
        }
        this.selectByKey = "select * from " + quotedName + where;
        this.lockingSelectByKey = selectByKey + dialect.lockingReadSuffix();
        this.readsOrInsertsInOneStatement = !this.columnTypes.isEmpty()
                && dialect.readOrInsertRow(quotedName, quote(this.key), types(this.key), quote(this.key)) != null;
        this.selectByKeyForUpdate = selectByKey + dialect.forUpdateSuffix();
        this.selectByKeyArrays = dialect.selectByKeyArrays(quotedName, quote(this.key));
        this.insertsMissingRows = dialect.insertMissingRows(quotedName, quote(this.key), quote(this.key), 1) != null;
    }

    /** The stored name of a column given by a caller: exact match first, then ignoring case. */
    String column(String requested) {
        String stored = storedNames.get(requested);
        if (stored == null) {
            stored = Catalog.pick(requested, columns);
            if (stored == null) {
                throw new SchemaMismatchException("Table " + display + " has no column '" + requested + "'; its columns are " + columns);
            }
            storedNames.put(requested, stored);
        }
        return stored;
    }

    /** The insert of exactly these stored column names, in this order. */
    String insert(List<String> storedColumns) {
        return inserts.computeIfAbsent(storedColumns, cols -> dialect.insertRow(quotedName, quoted(cols), quoted(key)));
    }

    /** The update of exactly these stored column names of one row by key: bound with the new values, then the key. */
    String update(List<String> storedColumns) {
        return updates.computeIfAbsent(storedColumns, cols -> dialect.updateRow(quotedName, quoted(cols), quoted(key)));
    }

    /** The one-statement increment of a stored column of one row by key: bound with the amount, then the key. */
    String increment(String storedColumn) {
        return increments.computeIfAbsent(storedColumn, col -> dialect.incrementRow(quotedName, dialect.quote(col), quoted(key)));
    }

    private List<String> quoted(List<String> names) {
        List<String> quoted = new ArrayList<>(names.size());
        names.forEach(c -> quoted.add(dialect.quote(c)));
        return quoted;
    }

    /** The dialect's one statement that reads the key's row and inserts it when there is none, or null; see {@link Dialect#readOrInsertRow}. */
    String readOrInsert(List<String> storedColumns) {
        if (columnTypes.isEmpty()) {
            return null;
        }
        return readOrInserts.computeIfAbsent(storedColumns, cols -> dialect.readOrInsertRow(quotedName, quote(cols), types(cols), quote(key)));
    }

    /** The dialect's one statement that reads or inserts many rows bound as arrays, or null; see {@link Dialect#readOrInsertRows}. */
    String readOrInsertRows(List<String> storedColumns) {
        if (columnTypes.isEmpty()) {
            return null;
        }
        return readOrInsertRows.computeIfAbsent(storedColumns, cols -> dialect.readOrInsertRows(quotedName, quote(cols), types(cols), quote(key)));
    }

    /** The read of many keys bound as arrays; see {@link Dialect#readRows}. */
    String readRows() {
        return dialect.readRows(quotedName, quote(key), types(key));
    }

    /** The multi-row insert of {@code rows} rows of these stored columns; see {@link Dialect#insertRows}. */
    String insertRows(List<String> storedColumns, int rows) {
        return dialect.insertRows(quotedName, quote(storedColumns), quote(key), rows);
    }

    /** The insert of those of {@code rows} rows whose key is new, or null; see {@link Dialect#insertMissingRows}. */
    String insertMissingRows(List<String> storedColumns, int rows) {
        return dialect.insertMissingRows(quotedName, quote(storedColumns), quote(key), rows);
    }

    /** Reads the rows whose key is one of {@code rows} sets of key values, bound one set after the other. */
    String selectByKeys(int rows, boolean locking) {
        StringBuilder where = new StringBuilder(" where ");
        if (key.size() == 1) {
            where.append(dialect.quote(key.get(0))).append(" in (?").append(", ?".repeat(rows - 1)).append(')');
        } else {
            String one = "(" + String.join(" = ? and ", quote(key)) + " = ?)";
            where.append(one).append((" or " + one).repeat(rows - 1));
        }
        return "select * from " + quotedName + where + (locking ? dialect.lockingReadSuffix() : "");
    }

    /** {@link Dialect#selectByKeyArrays}, as a locking read if asked; null where the dialect has none. */
    String selectByKeyArrays(boolean locking) {
        return selectByKeyArrays == null ? null : selectByKeyArrays + (locking ? dialect.lockingReadSuffix() : "");
    }

    /** The type of each stored column as a cast names it (see {@link Catalog.Rules#columnTypes}). */
    String type(String storedColumn) {
        return columnTypes.get(storedColumn);
    }

    /**
     * The column labels of what {@code sql} returns, read from the driver once per statement: a table's
     * columns are read from the catalog once too, and asking the driver again costs a call per column on
     * every row read (a native call each on SQLite).
     */
    String[] labels(String sql, java.sql.ResultSetMetaData meta) throws java.sql.SQLException {
        String[] cached = labels.get(sql);
        int count = meta.getColumnCount();
        if (cached == null || cached.length != count) {
            cached = new String[count];
            for (int i = 0; i < count; i++) {
                cached[i] = meta.getColumnLabel(i + 1);
            }
            labels.put(sql, cached);
        }
        return cached;
    }

    private List<String> quote(List<String> names) {
        List<String> quoted = new ArrayList<>(names.size());
        names.forEach(c -> quoted.add(dialect.quote(c)));
        return quoted;
    }

    private List<String> types(List<String> names) {
        List<String> types = new ArrayList<>(names.size());
        for (String c : names) {
            String t = columnTypes.get(c);
            if (t == null) {
                throw new IllegalStateException("No type is known for column " + c + " of " + display);
            }
            types.add(t);
        }
        return types;
    }

    /** The insert of {@code pairs} links; the key's two columns are the owner and the target. */
    String links(int pairs) {
        return links.computeIfAbsent(pairs, n -> dialect.insertLinks(quotedName, dialect.quote(key.get(0)), dialect.quote(key.get(1)), n));
    }

    /** Deletes one link. */
    String deleteLink() {
        return "delete from " + quotedName + " where " + dialect.quote(key.get(0)) + " = ? and " + dialect.quote(key.get(1)) + " = ?";
    }

    /** Whether one link exists, read as current data (a locking read on MySQL and MariaDB). */
    String lockingSelectLink() {
        return "select 1 from " + quotedName + " where " + dialect.quote(key.get(0)) + " = ? and " + dialect.quote(key.get(1)) + " = ?"
                + dialect.lockingReadSuffix();
    }

    /**
     * Which of {@code targets} targets are linked to one owner: bound with the owner, then the targets.
     * A locking read, because REPEATABLE READ's snapshot may still show a link another transaction removed.
     */
    String lockingSelectLinkedTargets(int targets) {
        return "select " + dialect.quote(key.get(1)) + " from " + quotedName + " where " + dialect.quote(key.get(0))
                + " = ? and " + dialect.quote(key.get(1)) + " in (?" + ", ?".repeat(targets - 1) + ")" + dialect.lockingReadSuffix();
    }

    /** True when the constraint a database error named is one of those covering the key. */
    boolean isKeyConstraint(String reported) {
        String name = reported.toLowerCase(Locale.ROOT);
        for (String index : keyIndexes) {
            String i = index.toLowerCase(Locale.ROOT);
            // MySQL 8 reports 'table.index'; SQLite reports the columns as 'table.a, table.b'.
            if (name.equals(i) || name.endsWith("." + i)) {
                return true;
            }
        }
        List<String> reportedColumns = new ArrayList<>();
        for (String part : name.split(",")) {
            String p = part.trim();
            reportedColumns.add(p.substring(p.lastIndexOf('.') + 1));
        }
        List<String> keyColumns = new ArrayList<>();
        key.forEach(k -> keyColumns.add(k.toLowerCase(Locale.ROOT)));
        return reportedColumns.size() == keyColumns.size() && reportedColumns.containsAll(keyColumns);
    }
}
