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
        for (int i = 0; i < key.size(); i++) {
            if (key.values().get(i) == null) {
                throw new IllegalArgumentException("Key column '" + key.columns().get(i) + "' of " + table.name() + " is NULL: NULLs never conflict"
                        + " in a unique constraint, so every caller would insert a row of its own. Give a value");
            }
        }
        Dialect d = database.dialect(connection);
        Shape shape = database.shape(connection, table);
        Object[] keyValues = keyValues(shape, table, key);
        List<String> columns = new ArrayList<>(shape.key);
        List<Object> values = new ArrayList<>(List.of(keyValues));
        for (int i = 0; i < defaults.size(); i++) {
            String column = shape.column(defaults.columns().get(i));
            if (shape.key.contains(column)) {
                throw new IllegalArgumentException("Column '" + column + "' of " + shape.display + " is part of the key; give it in the key, not in the defaults");
            }
            columns.add(column);
            values.add(defaults.values().get(i));
        }
        String insert = shape.insert(columns);
        List<SQLException> unnamedConflicts = new ArrayList<>();
        List<SQLException> keyConflicts = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Row row = select(connection, shape.selectByKey, keyValues);
            if (row != null) {
                return new Got(row, false, shape.generatedKey);
            }
            Row inserted = insert(connection, d, shape, insert, values, keyConflicts, unnamedConflicts);
            if (inserted != null) {
                return new Got(inserted, true, shape.generatedKey);
            }
            row = select(connection, shape.lockingSelectByKey, keyValues);
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
                row = hasResults ? Statements.readRow(ps.getResultSet()) : null;
            } else {
                row = select(connection, shape.selectByKey, values.subList(0, shape.key.size()).toArray());
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

    private Row select(Connection connection, String sql, Object[] keyValues) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Statements.bind(ps, keyValues);
            try (ResultSet rs = ps.executeQuery()) {
                return Statements.readRow(rs);
            }
        } catch (SQLException e) {
            throw database.translate(e, "read");
        }
    }
}
