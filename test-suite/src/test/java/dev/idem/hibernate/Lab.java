package dev.idem.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.hibernate.model.Account;
import dev.idem.hibernate.model.Book;
import dev.idem.hibernate.model.Country;
import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Item;
import dev.idem.hibernate.model.Label;
import dev.idem.hibernate.model.Magazine;
import dev.idem.hibernate.model.Purse;
import dev.idem.hibernate.model.Tag;
import dev.idem.hibernate.model.Wallet;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * A Hibernate session factory on one test database, schema created by Hibernate from the test entities,
 * with every JDBC statement counted (Hibernate's and Idem's alike) for the budget tests.
 */
final class Lab implements AutoCloseable {

    /** How SQLite transactions begin: DEFERRED is sqlite-jdbc's default, IMMEDIATE lets the busy timeout apply to writers. */
    enum SqliteBegin { DEFERRED, IMMEDIATE }

    final TestDatabase db;
    final SessionFactory factory;
    private final HikariDataSource pool;
    private final AtomicLong statements = new AtomicLong();

    Lab(TestDatabase db, SqliteBegin begin) {
        this(db, begin, true);
    }

    /** A lab that creates the schema, or ({@code createSchema} false) a second one on the schema another lab created. */
    Lab(TestDatabase db, SqliteBegin begin, boolean createSchema) {
        this.db = db;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        Properties properties = db.properties();
        if (db.engine() == Engine.SQLITE) {
            properties.setProperty("transaction_mode", begin.name());
        }
        config.setDataSourceProperties(properties);
        config.setMaximumPoolSize(40);
        config.setMinimumIdle(0);
        config.setPoolName("lab-" + db.engine().id());
        this.pool = new HikariDataSource(config);
        Configuration cfg = new Configuration();
        for (Class<?> entity : new Class<?>[] {Tag.class, Image.class, Label.class, Account.class, Country.class, Item.class, Book.class, Magazine.class, Wallet.class, Purse.class}) {
            cfg.addAnnotatedClass(entity);
        }
        cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, counting(pool));
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, createSchema ? "create" : "none");
        cfg.setProperty(AvailableSettings.SHOW_SQL, System.getProperty("idem.showSql", "false"));
        if (db.engine() == Engine.SQLITE) {
            cfg.setProperty(AvailableSettings.DIALECT, "org.hibernate.community.dialect.SQLiteDialect");
        } else if (db.engine() == Engine.MARIADB) {
            // Through MySQL Connector/J a MariaDB server says it is MySQL; MySQL's dialect writes "for share", which MariaDB lacks.
            cfg.setProperty(AvailableSettings.DIALECT, "org.hibernate.dialect.MariaDBDialect");
        }
        this.factory = cfg.buildSessionFactory();
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
        try (Session session = factory.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException | Error e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                throw e;
            }
        }
    }

    /** JDBC statements executed so far through the factory's connections. */
    long statements() {
        return statements.get();
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
        pool.close();
    }

    private DataSource counting(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection c ? wrap(c, Connection.class) : result;
        });
    }

    private <T> T wrap(T target, Class<T> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                statements.incrementAndGet();
            }
            Object result = invoke(target, method, args);
            if (result instanceof java.sql.CallableStatement cs) {
                return wrap(cs, java.sql.CallableStatement.class);
            }
            if (result instanceof java.sql.PreparedStatement ps) {
                return wrap(ps, java.sql.PreparedStatement.class);
            }
            if (result instanceof Statement s && !(result instanceof java.sql.PreparedStatement)) {
                return wrap(s, Statement.class);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
