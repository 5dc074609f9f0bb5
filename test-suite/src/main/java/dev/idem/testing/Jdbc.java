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
     * fails, ROLLBACK (a failure of the rollback itself is added to the work's) and the work's failure is
     * thrown. The connection is left in auto-commit mode, as a pool hands it out. No retry.
     */
    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
