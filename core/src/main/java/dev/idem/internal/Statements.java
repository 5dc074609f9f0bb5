package dev.idem.internal;

import dev.idem.Row;
import dev.idem.spi.BoundValue;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JDBC chores every operation shares: binding values, reading a row, savepoints around a statement that may fail. */
final class Statements {

    private Statements() {
    }

    /** A savepoint when a failed statement would abort the caller's transaction, else {@code null}. */
    static Savepoint savepointIfNeeded(Connection connection, Dialect d) throws SQLException {
        return d.failedStatementAbortsTransaction() && !connection.getAutoCommit() ? connection.setSavepoint() : null;
    }

    static void release(Connection connection, Savepoint savepoint) throws SQLException {
        if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
        }
    }

    static void rollbackTo(Connection connection, Savepoint savepoint, Exception cause) {
        if (savepoint != null) {
            try {
                connection.rollback(savepoint);
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * The first row of {@code rs}, or null. The result set is read to its end: SQLite commits an
     * auto-commit {@code INSERT ... RETURNING} only when the statement has run to completion, and a commit
     * that fails (SQLITE_BUSY while a reader holds the database) surfaces only then.
     */
    static Row readRow(ResultSet rs) throws SQLException {
        try (rs) {
            if (!rs.next()) {
                return null;
            }
            ResultSetMetaData meta = rs.getMetaData();
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                values.put(meta.getColumnLabel(i), rs.getObject(i));
            }
            while (rs.next()) {
                // drain: see above
            }
            return new Row(values);
        }
    }

    /** {@link #readRow(ResultSet)} with the labels {@code shape} caches for {@code sql}; the last {@code skip} columns are left out. */
    static Row readRow(ResultSet rs, Shape shape, String sql, int skip) throws SQLException {
        try (rs) {
            if (!rs.next()) {
                return null;
            }
            Row row = row(rs, shape.labels(sql, rs.getMetaData()), 1, skip);
            while (rs.next()) {
                // drain: see above
            }
            return row;
        }
    }

    /** The current row of {@code rs} from column {@code first} (1-based), its last {@code skip} columns left out. */
    static Row row(ResultSet rs, String[] labels, int first, int skip) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>((int) ((labels.length - first - skip + 1) / 0.75f) + 1);
        for (int i = first; i <= labels.length - skip; i++) {
            values.put(labels[i - 1], rs.getObject(i));
        }
        return new Row(values);
    }

    /**
     * Executes {@code ps} and returns its first result set, skipping the update counts of the statements
     * sent with it (a savepoint before it); null when it has none.
     */
    static ResultSet firstResultSet(PreparedStatement ps) throws SQLException {
        boolean isResultSet = ps.execute();
        while (!isResultSet) {
            if (ps.getUpdateCount() == -1) {
                return null;
            }
            isResultSet = ps.getMoreResults();
        }
        return ps.getResultSet();
    }

    /** Undoes a failed statement sent under the dialect's savepoint, keeping the caller's transaction usable. */
    static void rollbackToSentSavepoint(Connection connection, Dialect d, SQLException cause) {
        try (var s = connection.createStatement()) {
            s.execute(d.rollbackToSavepoint());
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            bindOne(ps, i + 1, values[i]);
        }
    }

    static void bindPairs(PreparedStatement ps, Object owner, List<Object> targets) throws SQLException {
        int i = 1;
        for (Object target : targets) {
            bindOne(ps, i++, owner);
            bindOne(ps, i++, target);
        }
    }

    static void bindOne(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof BoundValue bound) {
            bound.bindTo(ps, index);
        } else {
            ps.setObject(index, value);
        }
    }
}
