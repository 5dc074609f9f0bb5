package dev.idem.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;

/** The get-or-create code users write today, to show each race happen before Idem closes it. */
final class Naive {

    private Naive() {
    }

    /** Select, and insert when nothing was found: the classic check-then-act race. */
    static long selectThenInsert(Connection c, String title) throws SQLException {
        Long id = select(c, title);
        if (id != null) {
            return id;
        }
        try (PreparedStatement insert = c.prepareStatement("insert into tag (title) values (?)")) {
            insert.setString(1, title);
            insert.executeUpdate();
        }
        return select(c, title);
    }

    /**
     * The pattern of Django's get_or_create: select; on a miss insert under a savepoint, and on a duplicate
     * roll back to it and select again. Returns null when that second select finds nothing, which is what
     * happens under MySQL's and MariaDB's REPEATABLE READ.
     */
    static Long catchAndReselect(Connection c, String title) throws SQLException {
        Long id = select(c, title);
        if (id != null) {
            return id;
        }
        Savepoint savepoint = c.getAutoCommit() ? null : c.setSavepoint();
        try (PreparedStatement insert = c.prepareStatement("insert into tag (title) values (?)")) {
            insert.setString(1, title);
            insert.executeUpdate();
        } catch (SQLException duplicate) {
            if (savepoint != null) {
                c.rollback(savepoint);
            }
            return select(c, title);
        }
        return select(c, title);
    }

    static Long select(Connection c, String title) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select id from tag where title = ?")) {
            ps.setString(1, title);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
