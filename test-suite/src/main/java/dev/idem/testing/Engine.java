package dev.idem.testing;

import java.util.Locale;

/**
 * The databases Idem is tested on. The lower-case {@link #id()} is what display names, environment
 * variables and command-line options use.
 */
public enum Engine {
    POSTGRESQL(true, "postgres:17"),
    MARIADB(true, "mariadb:11.4"),
    MYSQL(true, "mysql:8.4"),
    SQLITE(false, null),
    H2(false, null);

    private final boolean server;
    private final String image;

    Engine(boolean server, String image) {
        this.server = server;
        this.image = image;
    }

    /** The name used in display names ({@code [postgresql]}), options and environment variables. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the client-server databases, which come from the environment, a local server or a container. */
    public boolean isServer() {
        return server;
    }

    /** The Docker image used when Testcontainers provides this database. */
    public String image() {
        return image;
    }

    /** Environment variable holding this database's JDBC URL, e.g. {@code IDEM_POSTGRESQL_URL}. */
    public String urlVariable() {
        return "IDEM_" + name() + "_URL";
    }

    public String userVariable() {
        return "IDEM_" + name() + "_USER";
    }

    public String passwordVariable() {
        return "IDEM_" + name() + "_PASSWORD";
    }

    /** True for the engines that speak the MySQL protocol (MySQL and MariaDB). */
    public boolean isMysqlFamily() {
        return this == MYSQL || this == MARIADB;
    }

    public static Engine fromId(String id) {
        for (Engine engine : values()) {
            if (engine.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                return engine;
            }
        }
        throw new IllegalArgumentException("Unknown database '" + id + "'; expected one of postgresql, mariadb, mysql, sqlite, h2");
    }

    @Override
    public String toString() {
        return id();
    }
}
