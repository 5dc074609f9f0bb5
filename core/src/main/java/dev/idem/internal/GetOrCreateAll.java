package dev.idem.internal;

import dev.idem.Got;
import dev.idem.IdemException;
import dev.idem.OutcomeUnknownException;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.spi.BoundValue;
import dev.idem.spi.Dialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Get-or-create of many keys at once, each with every guarantee of {@link GetOrCreate}. The keys are
 * made distinct (a key given twice gets one row, and its first occurrence is the one that may have
 * created it), sorted into one order that every caller shares, so that overlapping batches lock their
 * keys in the same order and never deadlock each other, and sent in chunks within the database's
 * parameter limit: on PostgreSQL one statement per chunk that reads and inserts, each column's values
 * bound as one array; on SQLite in auto-commit mode one statement that inserts the keys not yet there
 * ({@link Dialect#insertMissingRows}), then a read of the others; elsewhere a read of the chunk's keys,
 * then one multi-row insert of the missing ones. A key that lost a race is read again by a new statement; whatever the chunk cannot settle (a
 * row that vanished meanwhile, a value the driver hands back in another type) falls back to
 * {@link GetOrCreate}, one key at a time. Several statements that write run as one transaction.
 */
public final class GetOrCreateAll {

    /** Insert, re-read, insert again: more than one round only when rows vanish in between. */
    private static final int ROUNDS = 3;

    private final Database database;
    private final Transactions transactions;
    private final GetOrCreate single;

    public GetOrCreateAll(Database database, Transactions transactions, GetOrCreate single) {
        this.database = database;
        this.transactions = transactions;
        this.single = single;
    }

    /**
     * One input: the key values in the key's stored order, normalized for comparing, and the input's other
     * values; its {@link Layout} says which columns it inserts.
     */
    private record Entry(int index, Object[] keyValues, List<Object> normalized, Object[] defaultValues, Layout layout) {

        /** The stored columns a new row is inserted with: the key's, then the defaults'. */
        List<String> columns() {
            return layout.columns;
        }

        /** The values of {@link #columns()}, in order. */
        List<Object> values() {
            List<Object> values = new ArrayList<>(keyValues.length + defaultValues.length);
            values.addAll(Arrays.asList(keyValues));
            values.addAll(Arrays.asList(defaultValues));
            return values;
        }

        /** The key as given, for the one-at-a-time fallback. */
        Values key() {
            Values key = Values.empty();
            for (int k = 0; k < keyValues.length; k++) {
                key = key.and(layout.columns.get(k), keyValues[k]);
            }
            return key;
        }

        /** The other values as given, for the one-at-a-time fallback. */
        Values defaults() {
            Values defaults = Values.empty();
            for (int d = 0; d < defaultValues.length; d++) {
                defaults = defaults.and(layout.columns.get(keyValues.length + d), defaultValues[d]);
            }
            return defaults;
        }
    }

    /**
     * Where the columns of an input, in the order given, go: {@code positions[c]} is the key position of given
     * column {@code c}, or {@code -1 - d} for the {@code d}th other value; {@code missingKey}, the first key
     * column the names leave out, or null. Worked out once per list of column names in a call, not once per input.
     */
    private record Layout(int[] positions, List<String> columns, String missingKey) {

        static Layout of(Shape shape, List<String> given) {
            int[] positions = new int[given.size()];
            List<String> defaults = new ArrayList<>();
            Values keyNames = Values.empty();
            for (int c = 0; c < given.size(); c++) {
                String column = shape.column(given.get(c));
                int position = shape.key.indexOf(column);
                if (position >= 0) {
                    keyNames = keyNames.and(column, null); // two names for one key column: refused as given twice
                    positions[c] = position;
                } else {
                    positions[c] = -1 - defaults.size();
                    defaults.add(given.get(c));
                }
            }
            Values named = Values.empty();
            for (String column : defaults) {
                named = named.and(column, null);
            }
            List<String> givenKeys = keyNames.columns();
            String missingKey = shape.key.stream().filter(k -> !givenKeys.contains(k)).findFirst().orElse(null);
            return new Layout(positions, List.copyOf(GetOrCreate.columns(shape, named)), missingKey);
        }
    }

    public List<Got> run(Connection connection, Table table, List<Values> rows) throws SQLException {
        for (Values row : rows) {
            if (row == null) {
                throw new IllegalArgumentException("A row of the batch for " + table.name() + " is null");
            }
            for (int c = 0; c < row.size(); c++) {
                for (String k : table.keyColumns()) {
                    if (k.equalsIgnoreCase(row.columns().get(c)) && row.values().get(c) == null) {
                        GetOrCreate.refuseNullKey(table, Values.of(row.columns().get(c), null));
                    }
                }
            }
        }
        Dialect d = database.dialect(connection);
        Shape shape = database.shape(connection, table);
        List<Entry> entries = entries(shape, table, rows);
        Got[] results = new Got[rows.size()];
        // One entry per distinct key, in the order every caller sorts into.
        Map<List<Object>, Entry> distinct = new HashMap<>();
        List<Entry> sorted = new ArrayList<>();
        for (Entry e : entries) {
            if (distinct.putIfAbsent(e.normalized, e) == null) {
                sorted.add(e);
            }
        }
        sorted.sort(GetOrCreateAll::compare);
        boolean arrays = shape.readsOrInsertsInOneStatement && !connection.isReadOnly();
        List<List<Entry>> chunks = chunks(sorted, arrays ? d.maxParameters() : d.maxParameters() / Math.max(1, maxColumns(sorted)));
        // In auto-commit mode, one chunk: where one statement inserts just the new keys, it needs no read before it, nor a transaction.
        boolean insertFirst = !arrays && chunks.size() == 1 && connection.getAutoCommit() && !connection.isReadOnly()
                && shape.insertsMissingRows;
        Transactions.Operation<Void> work = c -> {
            for (List<Entry> chunk : chunks) {
                if (arrays) {
                    readOrInsert(c, d, table, shape, chunk, results);
                } else {
                    selectThenInsert(c, d, table, shape, chunk, results, insertFirst);
                }
            }
            return null;
        };
        if ((arrays || insertFirst) && chunks.size() <= 1) {
            runAfterWrite(connection, work, shape); // one statement writes: auto-commit keeps it atomic
        } else if (!chunks.isEmpty()) {
            transactions.asOneTransaction(connection, work);
        }
        // A key given twice: every later occurrence gets the same row, found rather than created.
        for (Entry e : entries) {
            Entry first = distinct.get(e.normalized);
            if (first != e) {
                Got got = results[first.index];
                results[e.index] = new Got(got.row(), false, shape.generatedKey);
            }
        }
        return Arrays.asList(results);
    }

    /**
     * Runs {@code work}, whose first statement writes, on {@code connection}. In auto-commit mode that
     * statement commits by itself, so a connection lost at any later step (re-reading keys that lost a race,
     * one key at a time) leaves rows this call created that its answer cannot tell: the outcome is unknown.
     */
    private void runAfterWrite(Connection connection, Transactions.Operation<Void> work, Shape shape) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            work.run(connection);
        } catch (IdemException e) {
            if (!autoCommit || e instanceof OutcomeUnknownException || !database.lostConnection(e)) {
                throw e;
            }
            throw new OutcomeUnknownException("Could not finish the get-or-create of a batch in " + shape.display + ": its insert committed by"
                    + " itself, and the connection was lost before every row was read; which rows this call created is unknown. "
                    + e.getMessage(), e.getCause());
        }
    }

    /** Checks every input before anything is written: the key complete and without NULL, no key column among the defaults. */
    private static List<Entry> entries(Shape shape, Table table, List<Values> rows) {
        List<Entry> entries = new ArrayList<>(rows.size());
        Map<List<String>, Layout> layouts = new HashMap<>();
        int keySize = shape.key.size();
        for (int i = 0; i < rows.size(); i++) {
            Values row = rows.get(i);
            if (row == null) {
                throw new IllegalArgumentException("Row " + i + " of the batch for " + table.name() + " is null");
            }
            Layout layout = layouts.computeIfAbsent(row.columns(), given -> Layout.of(shape, given));
            if (layout.missingKey != null) {
                throw new IllegalArgumentException("Row " + i + " of the batch, " + row + ", has no value for key column '" + layout.missingKey
                        + "' of " + shape.display + "; the key is " + shape.key);
            }
            Object[] keyValues = new Object[keySize];
            Object[] defaultValues = new Object[layout.columns.size() - keySize];
            List<Object> values = row.values();
            for (int c = 0; c < values.size(); c++) {
                int position = layout.positions[c];
                if (position >= 0) {
                    keyValues[position] = values.get(c);
                } else {
                    defaultValues[-1 - position] = values.get(c);
                }
            }
            List<Object> normalized = new ArrayList<>(keySize);
            for (int k = 0; k < keySize; k++) {
                if (keyValues[k] == null) {
                    GetOrCreate.refuseNullKey(table, Values.of(shape.key.get(k), null));
                }
                normalized.add(Links.normalize(keyValues[k]));
            }
            entries.add(new Entry(i, keyValues, normalized, defaultValues, layout));
        }
        return entries;
    }

    // PostgreSQL: one statement per chunk, each column's values as one array.

    private void readOrInsert(Connection connection, Dialect d, Table table, Shape shape, List<Entry> chunk, Got[] results) throws SQLException {
        List<String> columns = chunk.get(0).columns();
        String sql = shape.readOrInsertRows(columns);
        boolean guarded = d.failedStatementAbortsTransaction() && !connection.getAutoCommit();
        Got[] got = new Got[chunk.size()];
        try (PreparedStatement ps = connection.prepareStatement(guarded ? d.underSavepoint(sql) : sql)) {
            String[][] texts = new String[columns.size()][chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                Entry e = chunk.get(i);
                for (int k = 0; k < e.keyValues.length; k++) {
                    texts[k][i] = text(e.keyValues[k]);
                }
                for (int v = 0; v < e.defaultValues.length; v++) {
                    texts[e.keyValues.length + v][i] = text(e.defaultValues[v]);
                }
            }
            for (int c = 0; c < columns.size(); c++) {
                ps.setArray(c + 1, connection.createArrayOf("text", texts[c]));
            }
            try (ResultSet rs = Statements.firstResultSet(ps)) {
                Set<Row> created = new HashSet<>();
                String[] labels = null;
                while (rs != null && rs.next()) {
                    labels = labels != null ? labels : shape.labels(sql, rs.getMetaData());
                    Row row = Statements.row(rs, labels, 3, 0);
                    // Two inputs the database holds equal (CHAR padding, say) share one row, created at most once.
                    got[rs.getInt(1) - 1] = new Got(row, rs.getBoolean(2) && created.add(row), shape.generatedKey);
                }
            }
        } catch (SQLException e) {
            if (guarded) {
                Statements.rollbackToSentSavepoint(connection, d, e);
            }
            throw database.translateWrite(e, "insert into " + shape.display, connection);
        }
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < got.length; i++) {
            if (got[i] == null) {
                lost.add(i);
            }
        }
        if (!lost.isEmpty()) { // inserted concurrently after the statement's snapshot: a new statement sees them
            try (PreparedStatement ps = connection.prepareStatement(shape.readRows())) {
                for (int k = 0; k < shape.key.size(); k++) {
                    String[] texts = new String[lost.size()];
                    for (int i = 0; i < lost.size(); i++) {
                        texts[i] = text(chunk.get(lost.get(i)).keyValues[k]);
                    }
                    ps.setArray(k + 1, connection.createArrayOf("text", texts));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    String[] labels = null;
                    while (rs.next()) {
                        labels = labels != null ? labels : shape.labels(shape.readRows(), rs.getMetaData());
                        got[lost.get(rs.getInt(1) - 1)] = new Got(Statements.row(rs, labels, 2, 0), false, shape.generatedKey);
                    }
                }
            } catch (SQLException e) {
                throw database.translate(e, "read " + shape.display);
            }
        }
        for (int i = 0; i < got.length; i++) {
            Entry e = chunk.get(i);
            results[e.index] = got[i] != null ? got[i] : single.run(connection, table, e.key(), e.defaults());
        }
    }

    /** A value as the text PostgreSQL's input function for the column's type reads; {@code null} stays NULL. */
    static String text(Object value) {
        Object v = value instanceof BoundValue bound ? bound.value() : value;
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal n) {
            return n.toPlainString();
        }
        if (v instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (v instanceof java.util.Date date && !(v instanceof java.sql.Date) && !(v instanceof java.sql.Time) && !(v instanceof java.sql.Timestamp)) {
            return date.toInstant().toString();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        return v.toString();
    }

    // Elsewhere: read the chunk's keys, insert the missing ones in one multi-row statement, read what that did not return.

    private void selectThenInsert(Connection connection, Dialect d, Table table, Shape shape, List<Entry> chunk, Got[] results,
                                  boolean insertFirst) throws SQLException {
        Map<List<Object>, Got> got = new HashMap<>();
        if (!insertFirst) {
            for (Row row : select(connection, shape, chunk, false)) {
                got.putIfAbsent(normalizedKey(shape, row), new Got(row, false, shape.generatedKey));
            }
        }
        Set<List<Object>> inserted = new HashSet<>();
        // The keys of the rows this chunk's inserts returned, as the database stores them.
        Set<List<Object>> insertedRows = new HashSet<>();
        for (int round = 1; round <= ROUNDS; round++) {
            List<Entry> missing = new ArrayList<>();
            chunk.forEach(e -> {
                if (!got.containsKey(e.normalized)) {
                    missing.add(e);
                }
            });
            if (missing.isEmpty()) {
                break;
            }
            List<Row> returned = insert(connection, d, shape, missing, insertFirst && round == 1);
            if (returned == null) { // a key was taken meanwhile: read as current data, and insert the rest again
                for (Row row : select(connection, shape, missing, true)) {
                    got.putIfAbsent(normalizedKey(shape, row), new Got(row, false, shape.generatedKey));
                }
                continue;
            }
            // An atomic insert that raised nothing inserted every row; one that skips existing keys returns those it inserted.
            boolean skips = d.skipsKeyConflicts() || (insertFirst && round == 1);
            boolean all = !skips || returned.size() == missing.size();
            List<Entry> unread = new ArrayList<>();
            Map<List<Object>, Row> byKey = new HashMap<>();
            returned.forEach(row -> byKey.putIfAbsent(normalizedKey(shape, row), row));
            insertedRows.addAll(byKey.keySet());
            for (Entry e : missing) {
                Row row = byKey.get(e.normalized);
                if (row != null || all) {
                    inserted.add(e.normalized);
                }
                if (row != null) {
                    got.put(e.normalized, new Got(row, true, shape.generatedKey));
                } else {
                    unread.add(e);
                }
            }
            if (!unread.isEmpty()) {
                for (Row row : select(connection, shape, unread, true)) {
                    List<Object> k = normalizedKey(shape, row);
                    got.putIfAbsent(k, new Got(row, inserted.contains(k), shape.generatedKey));
                }
            }
            break;
        }
        // Each row this chunk inserted is reported created by exactly one input: two inputs the database holds
        // equal share one row, and a key stored converted (SQLite's numeric affinity turning a decimal into a
        // REAL) comes back as a value no input gave, so its insert is recognised by the row the input reads.
        Set<List<Object>> reported = new HashSet<>();
        List<Entry> unmatched = new ArrayList<>();
        for (Entry e : chunk) {
            Got g = got.get(e.normalized);
            if (g == null) {
                unmatched.add(e);
            } else {
                if (g.created()) {
                    reported.add(normalizedKey(shape, g.row()));
                }
                results[e.index] = g;
            }
        }
        for (Entry e : unmatched) { // a row that vanished, or a key read back in another type than given: one at a time
            Got g = single.run(connection, table, e.key(), e.defaults());
            List<Object> stored = normalizedKey(shape, g.row());
            if (g.created()) {
                reported.add(stored);
            } else if ((inserted.contains(e.normalized) || insertedRows.contains(stored)) && reported.add(stored)) {
                g = new Got(g.row(), true, shape.generatedKey);
            }
            results[e.index] = g;
        }
    }

    /** The rows of {@code entries}' keys; with {@code locking}, read as current data (MySQL's and MariaDB's REPEATABLE READ). */
    private List<Row> select(Connection connection, Shape shape, List<Entry> entries, boolean locking) throws SQLException {
        // Values given with an explicit SQL type need a parameter each.
        String byArrays = shape.selectByKeyArrays(locking);
        boolean arrays = byArrays != null && entries.stream().noneMatch(e -> Arrays.stream(e.keyValues).anyMatch(BoundValue.class::isInstance));
        String sql = arrays ? byArrays : shape.selectByKeys(entries.size(), locking);
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (arrays) {
                for (int k = 0; k < shape.key.size(); k++) {
                    Object[] column = new Object[entries.size()];
                    for (int i = 0; i < column.length; i++) {
                        column[i] = entries.get(i).keyValues[k];
                    }
                    ps.setObject(k + 1, column);
                }
            } else {
                int i = 1;
                for (Entry e : entries) {
                    for (Object v : e.keyValues) {
                        Statements.bindOne(ps, i++, v);
                    }
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                String[] labels = null;
                while (rs.next()) {
                    labels = labels != null ? labels : labels(rs);
                    rows.add(Statements.row(rs, labels, 1, 0));
                }
            }
        } catch (SQLException e) {
            throw database.translate(e, "read " + shape.display);
        }
        return rows;
    }

    /** Inserts {@code entries} in one statement: the rows it returns (none where the dialect returns none), or null on a key conflict. */
    private List<Row> insert(Connection connection, Dialect d, Shape shape, List<Entry> entries, boolean onlyMissing) throws SQLException {
        String sql = onlyMissing ? shape.insertMissingRows(entries.get(0).columns(), entries.size()) : shape.insertRows(entries.get(0).columns(), entries.size());
        // The plain multi-row insert runs in a transaction (one of Idem's own in auto-commit mode), where a savepoint can be set.
        Savepoint savepoint = !onlyMissing && d.insertRowsKeepsRowsOnFailure() ? connection.setSavepoint() : Statements.savepointIfNeeded(connection, d);
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            for (Entry e : entries) {
                for (Object v : e.values()) {
                    Statements.bindOne(ps, i++, v);
                }
            }
            if (onlyMissing || d.returnsInsertedRowsInBulk()) {
                ps.execute();
                try (ResultSet rs = ps.getResultSet()) {
                    String[] labels = null;
                    while (rs.next()) {
                        labels = labels != null ? labels : labels(rs);
                        rows.add(Statements.row(rs, labels, 1, 0));
                    }
                }
            } else {
                ps.executeUpdate();
            }
            Statements.release(connection, savepoint);
            return rows;
        } catch (SQLException e) {
            Statements.rollbackTo(connection, savepoint, e);
            if (database.conflict(e, shape) != Database.Conflict.NONE) {
                return null;
            }
            throw database.translateWrite(e, "insert into " + shape.display, connection);
        }
    }

    private static String[] labels(ResultSet rs) throws SQLException {
        var meta = rs.getMetaData();
        String[] labels = new String[meta.getColumnCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = meta.getColumnLabel(i + 1);
        }
        return labels;
    }

    private static List<Object> normalizedKey(Shape shape, Row row) {
        List<Object> key = new ArrayList<>(shape.key.size());
        for (String k : shape.key) {
            Object v = row.get(k);
            key.add(v == null ? null : Links.normalize(v));
        }
        return key;
    }

    private static int compare(Entry a, Entry b) {
        for (int i = 0; i < a.keyValues.length; i++) {
            int c = Links.LOCK_ORDER.compare(a.normalized.get(i), b.normalized.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int maxColumns(List<Entry> entries) {
        int max = 0;
        for (Entry e : entries) {
            max = Math.max(max, e.columns().size());
        }
        return max;
    }

    /** Consecutive entries with the same columns, at most {@code size} rows (and at least one) each, keeping the sorted order. */
    private static List<List<Entry>> chunks(List<Entry> sorted, int size) {
        List<List<Entry>> chunks = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        for (Entry e : sorted) {
            if (!current.isEmpty() && (current.size() >= Math.max(1, size) || !current.get(0).columns().equals(e.columns()))) {
                chunks.add(current);
                current = new ArrayList<>();
            }
            current.add(e);
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }
}
