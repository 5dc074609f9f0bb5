package dev.idem.testing;

import java.util.Locale;

/**
 * The database products Idem is tested on, whatever their version; a {@link Target} is one of them at a
 * version. Tests name engines ({@code @DatabaseTest(Engine.POSTGRESQL)} runs on every PostgreSQL target).
 */
public enum Engine {
    POSTGRESQL(true),
    MARIADB(true),
    MYSQL(true),
    SQLITE(false),
    H2(false);

    private final boolean server;

    Engine(boolean server) {
        this.server = server;
    }

    /** The lower-case name: the id of this engine's default {@link Target}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the client-server databases, which come from the environment, a local server or a container. */
    public boolean isServer() {
        return server;
    }

    /** True for the engines that speak the MySQL protocol (MySQL and MariaDB). */
    public boolean isMysqlFamily() {
        return this == MYSQL || this == MARIADB;
    }

    @Override
    public String toString() {
        return id();
    }
}
