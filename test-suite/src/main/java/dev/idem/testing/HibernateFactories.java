package dev.idem.testing;

import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/** Hibernate session factories on a test database's pool, with the dialect each database needs. */
public final class HibernateFactories {

    private HibernateFactories() {
    }

    /**
     * A session factory mapping {@code entities}, on {@code pool}. {@code createSchema}: Hibernate creates
     * the tables (the Hibernate tests); otherwise they exist (the race lab creates its own).
     */
    public static SessionFactory build(Engine engine, DataSource pool, boolean createSchema, Class<?>... entities) {
        Configuration configuration = new Configuration();
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
        configuration.setProperty(AvailableSettings.HBM2DDL_AUTO, createSchema ? "create" : "none");
        configuration.setProperty(AvailableSettings.SHOW_SQL, System.getProperty("idem.showSql", "false"));
        if (engine == Engine.SQLITE) {
            configuration.setProperty(AvailableSettings.DIALECT, "org.hibernate.community.dialect.SQLiteDialect");
        } else if (engine == Engine.MARIADB) {
            // Reached through MySQL Connector/J, MariaDB says it is MySQL; MySQL's dialect writes "for share", which MariaDB lacks.
            configuration.setProperty(AvailableSettings.DIALECT, "org.hibernate.dialect.MariaDBDialect");
        }
        return configuration.buildSessionFactory();
    }
}
