package dev.idem.lab;

import dev.idem.Idem;
import dev.idem.internal.SqlErrors;
import dev.idem.internal.Vendor;
import dev.idem.testing.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * Where the workers of one race meet: the database, the pool they borrow connections from (one per
 * attempt, as web requests do), the transaction mode, an {@link Idem} on the same pool, and the think
 * time that a strategy may spend between its read and its write.
 */
final class Arena implements AutoCloseable {

    /** Work on one connection. */
    interface SqlWork<T> {
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

    /**
     * A Hibernate session factory on the arena's pool mapping {@code entities} onto the scenario's tables
     * (which the lab created), built on first use. Each scenario asks for its own entities.
     */
    synchronized SessionFactory hibernate(Class<?>... entities) {
        if (hibernate == null) {
            Configuration configuration = new Configuration();
            for (Class<?> entity : entities) {
                configuration.addAnnotatedClass(entity);
            }
            configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
            configuration.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
            if (engine == Engine.SQLITE) {
                configuration.setProperty(AvailableSettings.DIALECT, "org.hibernate.community.dialect.SQLiteDialect");
            } else if (engine == Engine.MARIADB) {
                // Reached through MySQL Connector/J, MariaDB says it is MySQL; MySQL's dialect writes "for share", which MariaDB lacks.
                configuration.setProperty(AvailableSettings.DIALECT, "org.hibernate.dialect.MariaDBDialect");
            }
            hibernate = configuration.buildSessionFactory();
        }
        return hibernate;
    }

    @Override
    public synchronized void close() {
        if (hibernate != null) {
            hibernate.close();
        }
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
