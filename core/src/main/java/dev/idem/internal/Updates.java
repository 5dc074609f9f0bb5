package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.Got;
import dev.idem.IntegrityViolationException;
import dev.idem.NoSuchRowException;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Read-modify-write without lost updates: rows read under a lock ({@code FOR UPDATE}; on SQLite the
 * IMMEDIATE transaction's database lock), several rows always locked in the key's order so that two
 * callers never deadlock each other, the caller's change applied, written, and the rows returned as
 * stored. Also the one-statement increment and update-or-create. Every operation is one transaction:
 * the caller's, or one of Idem's own when the connection is in auto-commit mode, begun and ended by
 * {@link Transactions#asOneTransaction}. The SQL comes from the table's {@link Shape}.
 */
public final class Updates {

    /** {@link Links#LOCK_ORDER} of keys whose values are normalized, column by column: one total order all callers agree on. */
    private static final Comparator<Object[]> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.length; i++) {
            int c = Links.LOCK_ORDER.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    /** Lock, insert, lock again: more than one round only when the row is deleted in between. */
    private static final int ROUNDS = 3;

    private final Database database;
    private final Transactions transactions;
    private final GetOrCreate getOrCreate;

    public Updates(Database database, Transactions transactions, GetOrCreate getOrCreate) {
        this.database = database;
        this.transactions = transactions;
        this.getOrCreate = getOrCreate;
    }

    public Row update(Connection connection, Table table, Values key, Function<? super Row, Values> change) throws SQLException {
        Objects.requireNonNull(change, "change");
        return updateAll(connection, table, List.of(key), rows -> List.of(change.apply(rows.get(0)))).get(0);
    }

    public List<Row> updateAll(Connection connection, Table table, List<Values> keys, Function<? super List<Row>, ? extends List<Values>> change)
            throws SQLException {
        Objects.requireNonNull(change, "change");
        if (keys.isEmpty()) {
            return List.of();
        }
        Dialect d = database.dialect(connection);
        Shape shape = database.shape(connection, table);
        List<Object[]> keyValues = new ArrayList<>(keys.size());
        List<Object[]> normalized = new ArrayList<>(keys.size()); // each value normalized once, not in every comparison
        for (Values key : keys) {
            Object[] values = keyValues(shape, table, key);
            keyValues.add(values);
            normalized.add(Arrays.stream(values).map(Links::normalize).toArray());
        }
        Integer[] lockOrder = new Integer[keys.size()];
        Arrays.setAll(lockOrder, i -> i);
        Arrays.sort(lockOrder, (i, j) -> KEY_ORDER.compare(normalized.get(i), normalized.get(j)));
        for (int i = 1; i < lockOrder.length; i++) {
            if (KEY_ORDER.compare(normalized.get(lockOrder[i - 1]), normalized.get(lockOrder[i])) == 0) {
                throw new IllegalArgumentException("The key " + keys.get(lockOrder[i]) + " of " + shape.display + " is given twice: name each row once");
            }
        }
        boolean callers = !connection.getAutoCommit();
        return transactions.asOneTransaction(connection, c -> {
            Row[] read = new Row[keys.size()];
            for (int i : lockOrder) {
                read[i] = lockedRow(connection, shape, keyValues.get(i));
                if (read[i] == null) {
                    throw new NoSuchRowException(shape.display, keys.get(i));
                }
            }
            List<Values> changes = change.apply(Collections.unmodifiableList(Arrays.asList(read.clone())));
            if (changes == null || changes.size() != keys.size()) {
                throw new IllegalArgumentException("The change returned " + (changes == null ? "null" : changes.size() + " values") + " for "
                        + keys.size() + " rows of " + shape.display + ": return one Values per row, in the order of the rows (Values.empty() changes nothing)");
            }
            // In the caller's transaction, a failed write must neither abort it (PostgreSQL) nor leave the rows before it written.
            Savepoint savepoint = callers && (keys.size() > 1 || d.failedStatementAbortsTransaction()) ? connection.setSavepoint() : null;
            try {
                Row[] written = new Row[keys.size()];
                for (int i : lockOrder) {
                    Values values = Objects.requireNonNull(changes.get(i), "The change returned null for a row; return Values.empty() to leave it as it is");
                    written[i] = values.isEmpty() ? read[i] : write(connection, d, shape, keyValues.get(i), keys.get(i), values);
                }
                Statements.release(connection, savepoint);
                return List.of(written);
            } catch (SQLException | RuntimeException e) {
                Statements.rollbackTo(connection, savepoint, e);
                throw e;
            }
        });
    }

    public Row increment(Connection connection, Table table, Values key, String column, long delta) throws SQLException {
        Dialect d = database.dialect(connection);
        Shape shape = database.shape(connection, table);
        Object[] keyValues = keyValues(shape, table, key);
        String target = shape.column(column);
        if (shape.key.contains(target)) {
            throw new IllegalArgumentException("Column '" + target + "' is part of the key of " + shape.display + "; an increment changes other columns");
        }
        String statement = shape.increment(target);
        Object[] parameters = new Object[keyValues.length + 1];
        parameters[0] = delta;
        System.arraycopy(keyValues, 0, parameters, 1, keyValues.length);
        boolean callers = !connection.getAutoCommit();
        if (d.returnsUpdatedRows()) {
            return checkedIncrement(connection, d, shape, statement, parameters, key, target, callers);
        }
        // The row is read back under the lock the update took, and a clamped value must never commit.
        return transactions.asOneTransaction(connection, c -> checkedIncrement(connection, d, shape, statement, parameters, key, target, callers));
    }

    private Row checkedIncrement(Connection connection, Dialect d, Shape shape, String statement, Object[] parameters, Values key, String column,
                                 boolean callers) throws SQLException {
        // In the caller's transaction: PostgreSQL's aborts on a failed statement, and MySQL outside strict mode writes a clamped value.
        Savepoint savepoint = callers && (d.failedStatementAbortsTransaction() || !d.returnsUpdatedRows()) ? connection.setSavepoint() : null;
        Row row;
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            Statements.bind(ps, parameters);
            if (d.returnsUpdatedRows()) {
                row = ps.execute() ? Statements.readRow(ps.getResultSet()) : null;
            } else {
                int count = ps.executeUpdate();
                SQLWarning warning = ps.getWarnings();
                if (count > 0 && warning != null && database.isOutOfRange(warning)) {
                    throw outOfRange(shape, key, column, warning);
                }
                row = count == 0 ? null : select(connection, shape.selectByKey, Arrays.copyOfRange(parameters, 1, parameters.length), shape);
            }
            Statements.release(connection, savepoint);
        } catch (SQLException e) {
            Statements.rollbackTo(connection, savepoint, e);
            if (database.isOutOfRange(e)) {
                throw outOfRange(shape, key, column, e);
            }
            // Outside a transaction the statement commits by itself: lost in flight, it may have added, and must not add twice.
            throw database.translateWrite(e, "increment " + column + " of " + shape.display, connection);
        } catch (RuntimeException e) {
            Statements.rollbackTo(connection, savepoint, e);
            throw e;
        }
        if (row != null) {
            return row;
        }
        Row current = select(connection, shape.selectByKey, Arrays.copyOfRange(parameters, 1, parameters.length), shape);
        if (current == null) {
            throw new NoSuchRowException(shape.display, key);
        }
        if (current.get(column) == null) {
            throw new IntegrityViolationException("Column " + column + " of the row " + key + " of " + shape.display + " is NULL, and NULL plus "
                    + parameters[0] + " is NULL: nothing was written. Give the column a value (or a NOT NULL default) first", null, null);
        }
        throw outOfRange(shape, key, column, null);
    }

    private static IntegrityViolationException outOfRange(Shape shape, Values key, String column, SQLException cause) {
        return new IntegrityViolationException("Adding to " + column + " of the row " + key + " of " + shape.display
                + " would overflow the column's type: nothing was written", null, cause);
    }

    /**
     * Afterwards the row with {@code key} holds {@code values}. The row is locked and updated when it
     * exists; otherwise inserted through get-or-create, so that only the declared key decides (a conflict
     * on another unique index is an error naming it) and {@code created} is true for exactly one caller;
     * a caller that lost the insert locks the winner's row and writes its values over it.
     *
     * <p>On a connection in auto-commit mode the locked write and the insert are separate transactions.
     * An insert that fails on InnoDB's duplicate key leaves a shared lock on the row until its transaction
     * ends, and two losers that then both ask for the exclusive one deadlock; so do two callers whose
     * locking reads of the missing key took gap locks and who then both insert. Apart, neither happens.
     * In the caller's transaction all steps run there, and InnoDB may break such a deadlock
     * ({@link dev.idem.RetryTransactionException}, which {@code inTransaction} retries).
     */
    public Got updateOrCreate(Connection connection, Table table, Values key, Values values) throws SQLException {
        Dialect d = database.dialect(connection);
        Shape shape = database.shape(connection, table);
        Object[] keyValues = keyValues(shape, table, key);
        for (String column : values.columns()) {
            if (shape.key.contains(shape.column(column))) {
                throw new IllegalArgumentException("Column '" + column + "' of " + shape.display + " is part of the key; give it in the key, not in the values");
            }
        }
        boolean callers = !connection.getAutoCommit();
        for (int round = 1; round <= ROUNDS; round++) {
            Row written = transactions.asOneTransaction(connection, c -> lockAndWrite(c, d, shape, keyValues, key, values, callers));
            if (written != null) {
                return new Got(written, false, shape.generatedKey);
            }
            try {
                Got got = getOrCreate.run(connection, table, key, values);
                if (got.created()) {
                    return got;
                }
            } catch (IntegrityViolationException e) {
                // A concurrent caller inserting the same key and the same value of another unique column can make
                // the database report that column first (PostgreSQL checks ON CONFLICT only against the key's index).
                if (select(connection, shape.selectByKey, keyValues, shape) == null) {
                    throw e;
                }
            }
            // The key exists now: the next round locks the row and writes the values over it.
        }
        throw new DatabaseException("The row with key " + key + " in " + shape.display + " was deleted as fast as it was created, " + ROUNDS
                + " times in a row", null);
    }

    /** Locks the row and writes {@code values} to it, returning it as stored; {@code null} when no row has the key. */
    private Row lockAndWrite(Connection connection, Dialect d, Shape shape, Object[] keyValues, Values key, Values values, boolean callers)
            throws SQLException {
        Row row = lockedRow(connection, shape, keyValues);
        if (row == null || values.isEmpty()) {
            return row;
        }
        Savepoint savepoint = callers && d.failedStatementAbortsTransaction() ? connection.setSavepoint() : null;
        try {
            Row written = write(connection, d, shape, keyValues, key, values);
            Statements.release(connection, savepoint);
            return written;
        } catch (SQLException | RuntimeException e) {
            Statements.rollbackTo(connection, savepoint, e);
            throw e;
        }
    }

    private Row lockedRow(Connection connection, Shape shape, Object[] keyValues) throws SQLException {
        return select(connection, shape.selectByKeyForUpdate, keyValues, shape);
    }

    /** Writes {@code values} to the locked row and returns it as stored. */
    private Row write(Connection connection, Dialect d, Shape shape, Object[] keyValues, Values key, Values values) throws SQLException {
        List<String> columns = new ArrayList<>(values.size());
        for (String column : values.columns()) {
            String stored = shape.column(column);
            if (shape.key.contains(stored)) {
                throw new IllegalArgumentException("The change sets key column '" + stored + "' of " + shape.display
                        + "; the key names the row and cannot change here");
            }
            columns.add(stored);
        }
        String update = shape.update(columns);
        Object[] parameters = new Object[columns.size() + keyValues.length];
        values.values().toArray(parameters);
        System.arraycopy(keyValues, 0, parameters, columns.size(), keyValues.length);
        Row row;
        try (PreparedStatement ps = connection.prepareStatement(update)) {
            Statements.bind(ps, parameters);
            if (d.returnsUpdatedRows()) {
                row = ps.execute() ? Statements.readRow(ps.getResultSet()) : null;
            } else {
                row = ps.executeUpdate() == 0 ? null : select(connection, shape.selectByKey, keyValues, shape);
            }
        } catch (SQLException e) {
            throw database.translate(e, "update " + key + " in " + shape.display);
        }
        if (row == null) {
            throw new NoSuchRowException(shape.display, key); // only where the lock did not hold: a foreign dialect without row locks
        }
        return row;
    }

    private Row select(Connection connection, String statement, Object[] keyValues, Shape shape) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            Statements.bind(ps, keyValues);
            return Statements.readRow(ps.executeQuery());
        } catch (SQLException e) {
            throw database.translate(e, "read " + shape.display);
        }
    }

    private static Object[] keyValues(Shape shape, Table table, Values key) {
        Object[] values = new Object[shape.key.size()];
        boolean[] given = new boolean[values.length];
        for (int i = 0; i < key.size(); i++) {
            String column = shape.column(key.columns().get(i));
            int position = shape.key.indexOf(column);
            if (position < 0) {
                throw new IllegalArgumentException("Column '" + column + "' is not part of the key " + table.keyColumns() + " of " + shape.display);
            }
            if (key.values().get(i) == null) {
                throw new IllegalArgumentException("Key column '" + column + "' of " + shape.display + " is NULL, which matches no row: give a value");
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
}
