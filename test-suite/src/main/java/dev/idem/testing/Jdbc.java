package dev.idem.testing;

import java.sql.Connection;
import java.sql.SQLException;

/** Plain JDBC as application code writes it, for the lab's floors, naive strategies and fixtures. */
public final class Jdbc {

    /** Work on a connection that may fail with an {@link SQLException}. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * Runs {@code work} as one transaction on {@code c}: auto-commit off, the work, COMMIT; when the work
     * fails, ROLLBACK, and the work's failure is thrown. The connection is left in auto-commit mode, as a pool
     * hands it out. No retry. sqlite-jdbc's {@code commit()} and {@code rollback()} begin the next transaction
     * before they return; when that BEGIN fails ({@code SQLITE_BUSY} past the busy timeout, in IMMEDIATE mode),
     * the driver counts a transaction open that the database does not have, and the ROLLBACK and the return to
     * auto-commit fail too, with "no transaction is active": those failures are added to the first, never thrown
     * in its place. A {@code commit()} that fails so has committed. A BEGIN that fails leaves the connection in
     * auto-commit mode too, not switched off with no transaction open, in which the next caller's statements
     * would each commit by themselves.
     */
    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        Throwable failure = null;
        try {
            // Inside: sqlite-jdbc switches auto-commit off before its BEGIN, so a BEGIN that fails must still be undone
            // here. HikariCP does not: it records the switch only when the driver's call returns.
            c.setAutoCommit(false);
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            failure = e;
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }
}
