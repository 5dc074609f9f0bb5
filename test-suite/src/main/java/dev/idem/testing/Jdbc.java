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
     * hands it out. No retry. SQLite may end the whole transaction by itself when a statement fails (on
     * {@code SQLITE_BUSY}, among others); the ROLLBACK and the return to auto-commit (sqlite-jdbc's COMMIT of
     * the transaction it began) then fail too, with "no transaction is active": those failures are added to
     * the work's, never thrown in its place.
     */
    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        Throwable failure = null;
        try {
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
