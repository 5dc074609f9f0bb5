package dev.idem.hibernate;

import dev.idem.hibernate.model.Account;
import dev.idem.hibernate.model.Book;
import dev.idem.hibernate.model.Country;
import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Item;
import dev.idem.hibernate.model.Label;
import dev.idem.hibernate.model.Magazine;
import dev.idem.hibernate.model.Purse;
import dev.idem.hibernate.model.Tag;
import dev.idem.hibernate.model.Task;
import dev.idem.hibernate.model.Wallet;
import dev.idem.testing.Engine;
import dev.idem.testing.HibernateFactories;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * A Hibernate session factory on one test database, schema created by Hibernate from the test entities,
 * on a pool whose statements a {@link JdbcSpy} counts (Hibernate's and Idem's alike) for the budget tests.
 */
final class Lab implements AutoCloseable {

    /** How SQLite transactions begin: DEFERRED is sqlite-jdbc's default, IMMEDIATE lets the busy timeout apply to writers. */
    enum SqliteBegin { DEFERRED, IMMEDIATE }

    final TestDatabase db;
    final SessionFactory factory;
    private final DataSource pool;
    private final JdbcSpy spy = new JdbcSpy();

    Lab(TestDatabase db, SqliteBegin begin) {
        this(db, begin, true);
    }

    /** A lab that creates the schema, or ({@code createSchema} false) a second one on the schema another lab created. */
    Lab(TestDatabase db, SqliteBegin begin, boolean createSchema) {
        this.db = db;
        this.pool = db.newPool(40, -1, begin == SqliteBegin.IMMEDIATE);
        this.factory = HibernateFactories.build(db.engine(), spy.wrap(pool), createSchema,
                Tag.class, Image.class, Label.class, Account.class, Country.class, Item.class, Book.class, Magazine.class, Task.class,
                Wallet.class, Purse.class);
        if (createSchema && db.engine() == Engine.SQLITE) {
            // SQLite cannot add a constraint to an existing table, so Hibernate's SQLite dialect drops table-level
            // unique keys (a @NaturalId, a @UniqueConstraint); Idem rightly refuses those entities until they exist.
            try {
                db.execute("create unique index tag_title_key on Tag (title)", "create unique index item_code_key on item (code)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A lab for single-threaded tests. On SQLite, transactions begin DEFERRED: Hibernate emulates sequences
     * with a table that it updates in a separate transaction, which an IMMEDIATE transaction would lock out.
     */
    Lab(TestDatabase db) {
        this(db, SqliteBegin.DEFERRED);
    }

    /** Runs {@code work} in a new session and transaction, and commits. */
    <T> T inTransaction(Function<Session, T> work) {
        return factory.fromTransaction(work);
    }

    /** JDBC statements executed so far through the factory's connections. */
    long statements() {
        return spy.count();
    }

    long count(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
