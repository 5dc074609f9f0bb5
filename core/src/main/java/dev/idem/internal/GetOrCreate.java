package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.Got;
import dev.idem.IntegrityViolationException;
import dev.idem.RetryTransactionException;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * How a get-or-create decides: select; on a miss insert; when the key turned out to exist, re-read it
 * with a new (on MySQL and MariaDB, locking) statement; a bounded loop. Runs on the connection it is
 * given, in whatever transaction is open there; the SQL comes from the table's {@link Shape}.
 */
public final class GetOrCreate {

    /** Select, insert, re-select rounds before giving up; more than one only when a row vanishes in between. */
    private static final int ROUNDS = 5;

    private final Database database;

    public GetOrCreate(Database database) {
        this.database = database;
    }

    public Got run(Connection connection, Table table, Values key, Values defaults) throws SQLException {
        refuseNullKey(table, key);
        Dialect d = database.dialect(connection);
        Shape shape = database.shape(connection, table);
        Object[] keyValues = keyValues(shape, table, key);
        List<String> columns = null;
        String readOrInsert = null;
        if (shape.readsOrInsertsInOneStatement && !connection.isReadOnly()) { // read-only: the INSERT would fail even on a hit
            columns = defaults.isEmpty() ? shape.key : columns(shape, defaults);
            readOrInsert = shape.readOrInsert(columns);
        }
        List<SQLException> unnamedConflicts = new ArrayList<>();
        List<SQLException> keyConflicts = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            if (readOrInsert != null) {
                Got got = readOrInsert(connection, d, shape, readOrInsert, keyValues, defaults);
                if (got != null) {
                    return got;
                }
            } else {
                Row row = select(connection, shape, shape.selectByKey, keyValues);
                if (row != null) {
                    return new Got(row, false, shape.generatedKey);
                }
                if (columns == null) {
                    columns = columns(shape, defaults);
                }
                Row inserted = insert(connection, d, shape, shape.insert(columns), values(keyValues, defaults), keyConflicts, unnamedConflicts);
                if (inserted != null) {
                    return new Got(inserted, true, shape.generatedKey);
                }
            }
            Row row = select(connection, shape, shape.lockingSelectByKey, keyValues);
            if (row != null) {
                return new Got(row, false, shape.generatedKey);
            }
        }
        if (!unnamedConflicts.isEmpty()) {
            SQLException otherConstraint = unnamedConflicts.get(unnamedConflicts.size() - 1);
            throw new IntegrityViolationException("Inserting " + key + " into " + shape.display + " kept failing on a unique constraint, yet no row has that key:"
                    + " the conflict is on another unique constraint. " + otherConstraint.getMessage(), null, otherConstraint);
        }
        SQLException lastKeyConflict = keyConflicts.isEmpty() ? null : keyConflicts.get(keyConflicts.size() - 1);
        if (!connection.getAutoCommit() && d.lockingReadSuffix().isEmpty()) { // a locking re-read would have seen past the snapshot
            throw new RetryTransactionException("A row with key " + key + " exists in " + shape.display
                    + " but this transaction's snapshot cannot see it (REPEATABLE READ or SERIALIZABLE): roll back and run the transaction again",
                    lastKeyConflict);
        }
        if (lastKeyConflict != null) {
            throw new IntegrityViolationException("Inserting " + key + " into " + shape.display + " kept failing on the key's unique index, yet no"
                    + " row with that key can be read: the index does not match the key exactly (a prefix index?), or a trigger writes"
                    + " elsewhere. " + lastKeyConflict.getMessage(), database.constraintName(lastKeyConflict), lastKeyConflict);
        }
        throw new DatabaseException("The row with key " + key + " in " + shape.display + " was deleted as fast as it was created, " + ROUNDS + " times in a row", null);
    }

    /** Refuses a NULL key value: NULLs never conflict in a unique constraint, so every caller would insert a row of its own. */
    static void refuseNullKey(Table table, Values key) {
        for (int i = 0; i < key.size(); i++) {
            if (key.values().get(i) == null) {
                throw new IllegalArgumentException("Key column '" + key.columns().get(i) + "' of " + table.name() + " is NULL: NULLs never conflict"
                        + " in a unique constraint, so every caller would insert a row of its own. Give a value");
            }
        }
    }

    /** The stored names of the columns a new row is inserted with: the key's, then the defaults'. */
    static List<String> columns(Shape shape, Values defaults) {
        List<String> columns = new ArrayList<>(shape.key.size() + defaults.size());
        columns.addAll(shape.key);
        for (String given : defaults.columns()) {
            String column = shape.column(given);
            if (shape.key.contains(column)) {
                throw new IllegalArgumentException("Column '" + column + "' of " + shape.display + " is part of the key; give it in the key, not in the defaults");
            }
            columns.add(column);
        }
        return columns;
    }

    private static List<Object> values(Object[] keyValues, Values defaults) {
        List<Object> values = new ArrayList<>(keyValues.length + defaults.size());
        values.addAll(List.of(keyValues));
        values.addAll(defaults.values());
        return values;
    }

    /**
     * The dialect's one statement that reads the row and inserts it on a miss; null when the key was
     * inserted concurrently, invisible to the statement's snapshot. Inside a caller's transaction that a
     * failed statement would abort, the savepoint travels with the statement, in the same round trip.
     */
    private Got readOrInsert(Connection connection, Dialect d, Shape shape, String sql, Object[] keyValues, Values defaults) throws SQLException {
        boolean guarded = d.failedStatementAbortsTransaction() && !connection.getAutoCommit();
        try (PreparedStatement ps = connection.prepareStatement(guarded ? d.underSavepoint(sql) : sql)) {
            int i = 1;
            for (Object value : keyValues) {
                Statements.bindOne(ps, i++, value);
            }
            for (Object value : keyValues) {
                Statements.bindOne(ps, i++, value);
            }
            for (Object value : defaults.values()) {
                Statements.bindOne(ps, i++, value);
            }
            try (ResultSet rs = Statements.firstResultSet(ps)) {
                if (rs == null || !rs.next()) {
                    return null;
                }
                String[] labels = shape.labels(sql, rs.getMetaData());
                return new Got(Statements.row(rs, labels, 1, 1), rs.getBoolean(labels.length), shape.generatedKey);
            }
        } catch (SQLException e) {
            if (guarded) {
                Statements.rollbackToSentSavepoint(connection, d, e);
            }
            // The statement may have inserted: a connection lost before its answer leaves the outcome unknown.
            throw database.translateWrite(e, "insert into " + shape.display, connection);
        }
    }

    /**
     * Inserts the row and returns it as stored, or {@code null} when the key exists: the dialect skipped
     * the row, or the database raised a conflict on the key. A unique violation that names no constraint
     * is taken for a key conflict too and noted in {@code unnamedConflicts}: if the re-read then finds no
     * row, the conflict was on another constraint.
     */
    private Row insert(Connection connection, Dialect d, Shape shape, String sql, List<Object> values, List<SQLException> keyConflicts,
                       List<SQLException> unnamedConflicts) throws SQLException {
        Savepoint savepoint = Statements.savepointIfNeeded(connection, d);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Statements.bind(ps, values.toArray());
            boolean hasResults = ps.execute();
            Row row;
            if (d.returnsInsertedRows()) {
                row = hasResults ? Statements.readRow(ps.getResultSet(), shape, sql, 0) : null;
            } else {
                row = readBack(connection, shape, values.subList(0, shape.key.size()).toArray());
            }
            Statements.release(connection, savepoint);
            return row;
        } catch (SQLException e) {
            Statements.rollbackTo(connection, savepoint, e);
            switch (database.conflict(e, shape)) {
                case UNNAMED:
                    unnamedConflicts.add(e);
                    return null;
                case ON_KEY:
                    keyConflicts.add(e);
                    return null;
                default:
                    throw database.translateWrite(e, "insert into " + shape.display, connection);
            }
        }
    }

    private Object[] keyValues(Shape shape, Table table, Values key) {
        Object[] values = new Object[shape.key.size()];
        boolean[] given = new boolean[values.length];
        for (int i = 0; i < key.size(); i++) {
            String column = shape.column(key.columns().get(i));
            int position = shape.key.indexOf(column);
            if (position < 0) {
                throw new IllegalArgumentException("Column '" + column + "' is not part of the key " + table.keyColumns() + " of " + shape.display
                        + "; pass it in the defaults");
            }
            values[position] = key.values().get(i);
            given[position] = true;
        }
        for (int i = 0; i < given.length; i++) {
            if (!given[i]) {
                throw new IllegalArgumentException("No value for key column '" + shape.key.get(i) + "' of " + shape.display + "; the key is " + shape.key);
            }
        }
        return values;
    }

    /**
     * The row just inserted by a dialect that does not return it. In auto-commit mode the insert has
     * committed: a connection lost now leaves a created row the answer cannot tell, so the outcome is unknown.
     */
    private Row readBack(Connection connection, Shape shape, Object[] keyValues) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(shape.selectByKey)) {
            Statements.bind(ps, keyValues);
            try (ResultSet rs = ps.executeQuery()) {
                return Statements.readRow(rs, shape, shape.selectByKey, 0);
            }
        } catch (SQLException e) {
            throw database.translateWrite(e, "read back the row inserted into " + shape.display, connection);
        }
    }

    private Row select(Connection connection, Shape shape, String sql, Object[] keyValues) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Statements.bind(ps, keyValues);
            try (ResultSet rs = ps.executeQuery()) {
                return Statements.readRow(rs, shape, sql, 0);
            }
        } catch (SQLException e) {
            throw database.translate(e, "read");
        }
    }
}
