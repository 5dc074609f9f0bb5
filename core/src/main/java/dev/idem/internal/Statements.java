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
