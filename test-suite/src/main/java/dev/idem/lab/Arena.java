package dev.idem.lab;

import dev.idem.Idem;
import dev.idem.internal.SqlErrors;
import dev.idem.internal.Vendor;
import dev.idem.testing.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Where the workers of one race meet: the database, the pool they borrow connections from (one per
 * attempt, as web requests do), the transaction mode, an {@link Idem} on the same pool, and the think
 * time that a strategy may spend between its read and its write.
 */
final class Arena {

    /** Work on one connection. */
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Engine engine;
    private final Isolation isolation;
    private final DataSource pool;
    private final Idem idem;
    private final Duration think;

    Arena(Engine engine, Isolation isolation, DataSource pool, Duration think) {
        this.engine = engine;
        this.isolation = isolation;
        this.pool = pool;
        this.idem = Idem.create(pool);
        this.think = think;
    }

    Engine engine() {
        return engine;
    }

    Isolation isolation() {
        return isolation;
    }

    DataSource pool() {
        return pool;
    }

    Idem idem() {
        return idem;
    }

    /** The error classifier's view of this database. */
    Vendor vendor() {
        return vendor(engine);
    }

    static Vendor vendor(Engine engine) {
        return Vendor.valueOf(engine.name());
    }

    SqlErrors.Kind classify(SQLException e) {
        return SqlErrors.classify(e, vendor());
    }

    /**
     * Runs {@code work} on a borrowed connection the way naive application code does: in auto-commit
     * mode, or in one transaction that it commits, and rolls back when {@code work} fails. No retry.
     */
    <T> T run(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (!isolation.transactional()) {
                return work.run(c);
            }
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
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

    /** The application's own work between reading and writing; zero by default, so the race is not helped. */
    void think() {
        if (!think.isZero()) {
            try {
                Thread.sleep(think.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
