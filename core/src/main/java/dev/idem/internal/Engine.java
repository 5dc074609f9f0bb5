package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.Got;
import dev.idem.IdemException;
import dev.idem.IntegrityViolationException;
import dev.idem.RetryTransactionException;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idem's knowledge of one database (its dialect and vendor, detected once, and the tables found in its
 * catalog, cached) and the get-or-create algorithm: select; on a miss insert; when the key turned out to
 * exist, re-read it with a new (on MySQL and MariaDB, locking) statement; a bounded loop.
 */
public final class Engine {

    /** Select, insert, re-select rounds before giving up; more than one only when a row vanishes in between. */
    private static final int ROUNDS = 5;

    private final Map<Located, Shape> shapes = new ConcurrentHashMap<>();
    private volatile Dialect dialect;
    private volatile Vendor vendor;

    /** @param dialect the dialect to use, or {@code null} to detect it from the first connection */
    public Engine(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The dialect in use, detected from the first connection unless one was given. */
    public Dialect dialect(Connection connection) throws SQLException {
        if (vendor == null) {
            synchronized (this) {
                if (vendor == null) {
                    DatabaseMetaData meta = connection.getMetaData();
                    if (dialect == null) {
                        dialect = Dialects.detect(meta);
                    }
                    vendor = Vendor.of(meta);
                }
            }
        }
        return dialect;
    }

    /** The database behind the connections, once {@link #dialect(Connection)} has run. */
    Vendor vendor() {
        return vendor;
    }

    /** Resolves {@code table} against the catalog, or fails, without touching data. */
    public void check(Connection connection, Table table) throws SQLException {
        dialect(connection);
        shape(connection, table);
    }

    public Got getOrCreate(Connection connection, Table table, Values key, Values defaults) throws SQLException {
        for (int i = 0; i < key.size(); i++) {
            if (key.values().get(i) == null) {
                throw new IllegalArgumentException("Key column '" + key.columns().get(i) + "' of " + table.name() + " is NULL: NULLs never conflict"
                        + " in a unique constraint, so every caller would insert a row of its own. Give a value");
            }
        }
        Dialect d = dialect(connection);
        Shape shape = shape(connection, table);
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
                    + " elsewhere. " + lastKeyConflict.getMessage(), SqlErrors.constraintName(lastKeyConflict, vendor), lastKeyConflict);
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
            switch (conflict(e, d, shape)) {
                case UNNAMED:
                    unnamedConflicts.add(e);
                    return null;
                case ON_KEY:
                    keyConflicts.add(e);
                    return null;
                default:
                    throw translate(e, "insert into " + shape.display);
            }
        }
    }

    /** How a failed insert relates to the declared key. */
    enum Conflict { ON_KEY, UNNAMED, NONE }

    Conflict conflict(SQLException e, Dialect d, Shape shape) {
        if (d.skipsKeyConflicts()) {
            return Conflict.NONE; // its insert skips the key, so any unique violation is on another constraint
        }
        SqlErrors.Kind kind = SqlErrors.classify(e, vendor);
        if (vendor == Vendor.H2 && kind == SqlErrors.Kind.BUSY) {
            return Conflict.ON_KEY; // 90131: the rows collided in flight; the re-read settles it
        }
        if (kind != SqlErrors.Kind.UNIQUE_VIOLATION) {
            return Conflict.NONE;
        }
        String constraint = SqlErrors.constraintName(e, vendor);
        if (constraint == null) {
            return Conflict.UNNAMED;
        }
        return shape.isKeyConstraint(constraint) ? Conflict.ON_KEY : Conflict.NONE;
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
     * The table as found in the catalog, looked up once per database and cached. An unqualified name is
     * resolved in the connection's current database (catalog), which applications that keep one database
     * per tenant switch; a different PostgreSQL search_path or H2 schema is not told apart: name the
     * schema with {@link Table#inSchema} or keep one Idem per schema.
     */
    Shape shape(Connection connection, Table table) throws SQLException {
        Located key = new Located(table, table.schema().isPresent() ? null : connection.getCatalog());
        Shape shape = shapes.get(key);
        if (shape == null) {
            shape = Catalog.resolve(connection, dialect, vendor, table);
            shapes.putIfAbsent(key, shape);
        }
        return shape;
    }

    /** A declared table and the database it was resolved in. */
    private record Located(Table table, String catalog) {
    }

    private Row select(Connection connection, String sql, Object[] keyValues) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Statements.bind(ps, keyValues);
            try (ResultSet rs = ps.executeQuery()) {
                return Statements.readRow(rs);
            }
        } catch (SQLException e) {
            throw translate(e, "read");
        }
    }

    /** Turns a database error into the Idem exception that says what happened and what to do. */
    public IdemException translate(SQLException e, String doing) {
        Vendor v = vendor == null ? Vendor.OTHER : vendor;
        SqlErrors.Kind kind = SqlErrors.classify(e, v);
        String what = "Could not " + doing + " (" + (dialect == null ? "database" : dialect.name()) + ", SQLSTATE " + e.getSQLState()
                + ", code " + e.getErrorCode() + "): ";
        return switch (kind) {
            case SERIALIZATION_FAILURE -> new RetryTransactionException(what + "a concurrent transaction committed a conflicting change after this"
                    + " transaction's snapshot was taken. Roll back and run the transaction again (Idem.inTransaction does).", e);
            case DEADLOCK -> new RetryTransactionException(what + "the database broke a deadlock by failing this transaction. Roll back and run it again"
                    + " (Idem.inTransaction does).", e);
            case LOCK_TIMEOUT -> new RetryTransactionException(what + "a lock was not granted in time. Roll back and run the transaction again,"
                    + " or raise the lock timeout.", e);
            case BUSY -> new RetryTransactionException(what + (v == Vendor.SQLITE
                    ? "the database is locked (SQLITE_BUSY). A transaction that reads before it writes cannot wait for the write lock: begin write"
                    + " transactions IMMEDIATE (Idem.inTransaction does), set a busy_timeout, and run the transaction again."
                    : "a concurrent transaction updated the same row. Roll back and run the transaction again."), e);
            case UNIQUE_VIOLATION, INTEGRITY_VIOLATION -> new IntegrityViolationException(what + "the database refused the row: " + e.getMessage(),
                    SqlErrors.constraintName(e, v), e);
            case OTHER -> new DatabaseException(what + e.getMessage(), e);
        };
    }
}
