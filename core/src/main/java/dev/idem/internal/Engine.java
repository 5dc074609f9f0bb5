package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.Got;
import dev.idem.IdemException;
import dev.idem.IntegrityViolationException;
import dev.idem.LinkTable;
import dev.idem.Linked;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.TransactionWork;
import dev.idem.Values;
import dev.idem.spi.BoundValue;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * What {@link dev.idem.Idem} delegates to: the dialect and vendor of one database, the cache of
 * resolved tables, the get-or-create and link algorithms, and the retry loops.
 */
public final class Engine {

    /** Select, insert, re-select rounds before giving up; more than one only when a row vanishes in between. */
    private static final int ROUNDS = 5;

    private final DataSource dataSource;
    private final RetryPolicy retryPolicy;
    private final Map<Table, Shape> shapes = new ConcurrentHashMap<>();
    private volatile Dialect dialect;
    private volatile Vendor vendor;

    public Engine(DataSource dataSource, Dialect dialect, RetryPolicy retryPolicy) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.retryPolicy = retryPolicy;
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

    /** A unit of Idem's own work on one connection. */
    public interface Operation<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code operation} on a connection of Idem's own, every statement in auto-commit mode, and
     * runs it again after a transient failure: nothing of the caller's can be lost by that.
     */
    public <T> T withOwnConnection(Operation<T> operation) {
        return retrying(retryPolicy, () -> {
            try (Connection connection = dataSource.getConnection()) {
                boolean restore = !connection.getAutoCommit();
                if (restore) {
                    connection.setAutoCommit(true);
                }
                try {
                    return operation.run(connection);
                } finally {
                    if (restore) {
                        connection.setAutoCommit(false);
                    }
                }
            }
        });
    }

    /**
     * Runs {@code operation} on the caller's connection. In the caller's transaction a transient failure
     * becomes {@link RetryTransactionException}; in auto-commit mode each statement is its own
     * transaction, so Idem retries as on its own connections.
     */
    public <T> T onCallerConnection(Connection connection, Operation<T> operation) {
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException e) {
            throw translate(e, "read the connection's auto-commit mode");
        }
        return retrying(autoCommit ? retryPolicy : RetryPolicy.none(), () -> operation.run(connection));
    }

    /** Runs {@code work} in a transaction of its own, from the start again after a transient failure. */
    public <T> T inTransaction(TransactionWork<T> work, RetryPolicy policy) {
        return retrying(policy, () -> {
            try (Connection connection = dataSource.getConnection()) {
                dialect(connection);
                boolean autoCommit = connection.getAutoCommit();
                try {
                    begin(connection);
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (Throwable t) {
                    rollbackQuietly(connection, t);
                    throw t;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            }
        });
    }

    /** Begins a transaction; on SQLite a write transaction, IMMEDIATE, so that the busy timeout applies. */
    private void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        if (vendor == Vendor.SQLITE) {
            // sqlite-jdbc has just issued a deferred BEGIN, which holds no lock yet: swap it for an IMMEDIATE one.
            try (var s = connection.createStatement()) {
                s.execute("commit");
                s.execute("begin immediate");
            }
        }
    }

    private interface Attempt<T> {
        T run() throws Exception;
    }

    private <T> T retrying(RetryPolicy policy, Attempt<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.run();
            } catch (RetryTransactionException e) {
                if (i >= policy.attempts()) {
                    throw e;
                }
            } catch (SQLException e) {
                IdemException translated = translate(e, "run the transaction");
                if (!(translated instanceof RetryTransactionException) || i >= policy.attempts()) {
                    throw translated;
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new DatabaseException("The unit of work failed: " + e.getMessage(), e);
            }
            pause(policy, i + 1);
        }
    }

    private static void pause(RetryPolicy policy, int next) {
        long nanos = policy.backoffBefore(next).toNanos();
        if (nanos > 0) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseException("Interrupted while waiting to retry", e);
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Resolves {@code table} against the catalog, or fails, without touching data. */
    public void check(Connection connection, Table table) throws SQLException {
        dialect(connection);
        shape(connection, table);
    }

    // ---- get or create ----------------------------------------------------------------------------

    public Got getOrCreate(Connection connection, Table table, Values key, Values defaults) throws SQLException {
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
        for (int round = 1; round <= ROUNDS; round++) {
            Row row = select(connection, shape.selectByKey, keyValues);
            if (row != null) {
                return new Got(row, false, shape.generatedKey);
            }
            Row inserted = insert(connection, d, shape, insert, values, unnamedConflicts);
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
        if (!connection.getAutoCommit()) {
            throw new RetryTransactionException("A row with key " + key + " exists in " + shape.display
                    + " but this transaction's snapshot cannot see it (REPEATABLE READ or SERIALIZABLE): roll back and run the transaction again", null);
        }
        throw new DatabaseException("The row with key " + key + " in " + shape.display + " was deleted as fast as it was created, " + ROUNDS + " times in a row", null);
    }

    /**
     * Inserts the row and returns it as stored, or {@code null} when the key exists: the dialect skipped
     * the row, or the database raised a conflict on the key. A unique violation that names no constraint
     * is taken for a key conflict too and noted in {@code unnamedConflicts}: if the re-read then finds no
     * row, the conflict was on another constraint.
     */
    private Row insert(Connection connection, Dialect d, Shape shape, String sql, List<Object> values, List<SQLException> unnamedConflicts)
            throws SQLException {
        Savepoint savepoint = savepointIfNeeded(connection, d);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, values.toArray());
            boolean hasResults = ps.execute();
            Row row;
            if (d.returnsInsertedRows()) {
                row = hasResults ? readRow(ps.getResultSet()) : null;
            } else {
                row = select(connection, shape.selectByKey, values.subList(0, shape.key.size()).toArray());
            }
            release(connection, savepoint);
            return row;
        } catch (SQLException e) {
            rollbackTo(connection, savepoint, e);
            switch (conflict(e, d, shape)) {
                case UNNAMED:
                    unnamedConflicts.add(e);
                    return null;
                case ON_KEY:
                    return null;
                default:
                    throw translate(e, "insert into " + shape.display);
            }
        }
    }

    /** How a failed insert relates to the declared key. */
    private enum Conflict { ON_KEY, UNNAMED, NONE }

    private Conflict conflict(SQLException e, Dialect d, Shape shape) {
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
            if (key.values().get(i) == null) {
                throw new IllegalArgumentException("Key column '" + column + "' of " + shape.display + " is NULL: NULLs never conflict in a unique"
                        + " constraint, so every caller would insert a row of its own. Give a value");
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

    // ---- links --------------------------------------------------------------------------------------

    public boolean addLink(Connection connection, LinkTable table, Object owner, Object target) throws SQLException {
        requireSides(table, owner, Collections.singletonList(target));
        Dialect d = dialect(connection);
        return !link(connection, d, shape(connection, table.asTable()), owner, List.of(target)).isEmpty();
    }

    public Linked addLinks(Connection connection, LinkTable table, Object owner, Collection<?> targets) throws SQLException {
        requireSides(table, owner, targets);
        Dialect d = dialect(connection);
        Map<Object, Object> wanted = new LinkedHashMap<>();
        targets.forEach(t -> wanted.putIfAbsent(normalize(t), t));
        // Every caller inserts in the same order, so concurrent multi-row inserts cannot deadlock each other.
        List<Object> lockOrder = new ArrayList<>(wanted.values());
        lockOrder.sort(LOCK_ORDER);
        Set<Object> linked = link(connection, d, shape(connection, table.asTable()), owner, lockOrder);
        List<Object> added = new ArrayList<>();
        List<Object> existing = new ArrayList<>();
        wanted.forEach((value, target) -> (linked.contains(value) ? added : existing).add(target));
        return new Linked(added, existing);
    }

    public boolean removeLink(Connection connection, LinkTable table, Object owner, Object target) throws SQLException {
        requireSides(table, owner, Collections.singletonList(target));
        Dialect d = dialect(connection);
        Shape shape = shape(connection, table.asTable());
        String sql = "delete from " + shape.quotedName + " where " + d.quote(shape.key.get(0)) + " = ? and " + d.quote(shape.key.get(1)) + " = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, owner, target);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw translate(e, "delete from " + shape.display);
        }
    }

    /**
     * Links {@code owner} to each of {@code targets} (distinct), returning the {@linkplain #normalize
     * normalized} targets this call linked. Where the insert returns what it inserted, one statement per
     * chunk; otherwise a read of the existing links, then one insert of the rest. A pair linked
     * concurrently in between fails that insert as a whole, and the pairs are then linked one by one.
     */
    private Set<Object> link(Connection connection, Dialect d, Shape shape, Object owner, List<Object> targets) throws SQLException {
        Set<Object> added = new HashSet<>();
        List<Object> missing = targets;
        if (!d.returnsInsertedLinks() && targets.size() > 1) {
            List<Object> existing = existingTargets(connection, d, shape, owner, targets);
            missing = new ArrayList<>(targets);
            missing.removeIf(t -> existing.contains(normalize(t)));
        }
        for (List<Object> chunk : chunks(missing, d.maxParameters() / 2)) {
            Set<Object> inserted = insertLinks(connection, d, shape, owner, chunk);
            if (inserted != null) {
                added.addAll(inserted);
            } else if (chunk.size() > 1) {
                for (Object target : chunk) {
                    Set<Object> one = insertLinks(connection, d, shape, owner, List.of(target));
                    if (one != null) {
                        added.addAll(one);
                    }
                }
            }
        }
        return added;
    }

    /**
     * Runs the dialect's link insert: returns the normalized targets it inserted (all of them, for a
     * dialect that does not return rows), or {@code null} when a unique violation on the link's key stopped it.
     */
    private Set<Object> insertLinks(Connection connection, Dialect d, Shape shape, Object owner, List<Object> targets) throws SQLException {
        Savepoint savepoint = d.skipsKeyConflicts() ? null : savepointIfNeeded(connection, d);
        try (PreparedStatement ps = connection.prepareStatement(shape.links(targets.size()))) {
            bindPairs(ps, owner, targets);
            Set<Object> inserted = new HashSet<>();
            if (!d.returnsInsertedLinks()) {
                ps.executeUpdate();
                targets.forEach(t -> inserted.add(normalize(t)));
            } else if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        inserted.add(normalize(rs.getObject(1)));
                    }
                }
            }
            release(connection, savepoint);
            return inserted;
        } catch (SQLException e) {
            rollbackTo(connection, savepoint, e);
            if (conflict(e, d, shape) != Conflict.NONE) {
                return null;
            }
            throw translate(e, "insert into " + shape.display);
        }
    }

    private List<Object> existingTargets(Connection connection, Dialect d, Shape shape, Object owner, List<Object> targets) throws SQLException {
        List<Object> existing = new ArrayList<>();
        for (List<Object> chunk : chunks(targets, d.maxParameters() - 1)) {
            String sql = "select " + d.quote(shape.key.get(1)) + " from " + shape.quotedName + " where " + d.quote(shape.key.get(0))
                    + " = ? and " + d.quote(shape.key.get(1)) + " in (?" + ", ?".repeat(chunk.size() - 1) + ")";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                List<Object> params = new ArrayList<>(chunk.size() + 1);
                params.add(owner);
                params.addAll(chunk);
                bind(ps, params.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(normalize(rs.getObject(1)));
                    }
                }
            } catch (SQLException e) {
                throw translate(e, "read " + shape.display);
            }
        }
        return existing;
    }

    private static void requireSides(LinkTable table, Object owner, Collection<?> targets) {
        if (owner == null) {
            throw new IllegalArgumentException("The owner of a link in " + table.name() + " must not be null");
        }
        for (Object target : targets) {
            if (target == null) {
                throw new IllegalArgumentException("A target of a link in " + table.name() + " is null; NULLs never conflict, so links to it would pile up");
            }
        }
    }

    /** Numbers by value, anything else by its text: one total order that every caller agrees on. */
    private static final Comparator<Object> LOCK_ORDER = (a, b) -> {
        Object x = normalize(a);
        Object y = normalize(b);
        if (x instanceof BigDecimal m && y instanceof BigDecimal n) {
            return m.compareTo(n);
        }
        return x.toString().compareTo(y.toString());
    };

    /** Compares values the way the database would: 7 (Integer) and 7 (Long) are the same target. */
    static Object normalize(Object value) {
        if (value instanceof BoundValue bound) {
            return normalize(bound.value());
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        if (value instanceof byte[] bytes) {
            return java.util.HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            chunks.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return chunks;
    }

    // ---- shared plumbing ----------------------------------------------------------------------------

    private Shape shape(Connection connection, Table table) throws SQLException {
        Shape shape = shapes.get(table);
        if (shape == null) {
            shape = Catalog.resolve(connection, dialect, vendor, table);
            shapes.putIfAbsent(table, shape);
        }
        return shape;
    }

    private Savepoint savepointIfNeeded(Connection connection, Dialect d) throws SQLException {
        return d.failedStatementAbortsTransaction() && !connection.getAutoCommit() ? connection.setSavepoint() : null;
    }

    private static void release(Connection connection, Savepoint savepoint) throws SQLException {
        if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
        }
    }

    private static void rollbackTo(Connection connection, Savepoint savepoint, SQLException cause) {
        if (savepoint != null) {
            try {
                connection.rollback(savepoint);
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private Row select(Connection connection, String sql, Object[] keyValues) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, keyValues);
            try (ResultSet rs = ps.executeQuery()) {
                return readRow(rs);
            }
        } catch (SQLException e) {
            throw translate(e, "read");
        }
    }

    private static Row readRow(ResultSet rs) throws SQLException {
        try (rs) {
            if (!rs.next()) {
                return null;
            }
            ResultSetMetaData meta = rs.getMetaData();
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                values.put(meta.getColumnLabel(i), rs.getObject(i));
            }
            return new Row(values);
        }
    }

    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            bindOne(ps, i + 1, values[i]);
        }
    }

    private static void bindPairs(PreparedStatement ps, Object owner, List<Object> targets) throws SQLException {
        int i = 1;
        for (Object target : targets) {
            bindOne(ps, i++, owner);
            bindOne(ps, i++, target);
        }
    }

    private static void bindOne(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof BoundValue bound) {
            bound.bindTo(ps, index);
        } else {
            ps.setObject(index, value);
        }
    }

    /** Turns a database error into the Idem exception that says what happened and what to do. */
    IdemException translate(SQLException e, String doing) {
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
