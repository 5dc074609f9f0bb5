package dev.idem.lab.race;

import dev.idem.Idem;
import dev.idem.lab.ErrorClass;
import dev.idem.lab.Isolation;
import dev.idem.testing.Engine;
import dev.idem.testing.HibernateFactories;
import dev.idem.testing.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;

/**
 * Where the workers of one race meet: the database, the pool they borrow connections from (one per
 * attempt, as web requests do), the transaction mode, an {@link Idem} on the same pool, and the think
 * time that a strategy may spend between its read and its write.
 */
public final class Arena implements AutoCloseable {

    /** Work on one connection. */
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Engine engine;
    private final Isolation isolation;
    private final DataSource pool;
    private final Idem idem;
    private final Duration think;
    private SessionFactory hibernate;

    Arena(Engine engine, Isolation isolation, DataSource pool, Duration think) {
        this.engine = engine;
        this.isolation = isolation;
        this.pool = pool;
        this.idem = Idem.create(pool);
        this.think = think;
    }

    public Engine engine() {
        return engine;
    }

    public Isolation isolation() {
        return isolation;
    }

    public DataSource pool() {
        return pool;
    }

    public Idem idem() {
        return idem;
    }

    /**
     * A Hibernate session factory on the arena's pool mapping {@code entities} onto the scenario's tables
     * (which the lab created), built on first use. Each scenario asks for its own entities.
     */
    public synchronized SessionFactory hibernate(Class<?>... entities) {
        if (hibernate == null) {
            hibernate = HibernateFactories.build(engine, pool, false, entities);
        }
        return hibernate;
    }

    @Override
    public synchronized void close() {
        if (hibernate != null) {
            hibernate.close();
        }
    }

    /** The lab's class of an error a caller saw on this database. */
    public ErrorClass classify(Exception e) {
        return ErrorClass.of(e, engine);
    }

    /**
     * Runs {@code work} on a borrowed connection the way naive application code does: in auto-commit
     * mode, or in one transaction that it commits, and rolls back when {@code work} fails. No retry.
     */
    public <T> T run(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (!isolation.transactional()) {
                return work.run(c);
            }
            return Jdbc.inTransaction(c, work::run);
        }
    }

    /** The application's own work between reading and writing; zero by default, so the race is not helped. */
    public void think() {
        if (!think.isZero()) {
            try {
                Thread.sleep(think.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
