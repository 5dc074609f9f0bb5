package dev.idem.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A database the suite runs on: an {@link Engine} at a version. The unversioned ids are each engine's
 * default ({@code postgresql}: Debian's PostgreSQL 15 where installed; {@code mariadb}: Debian's MariaDB
 * 10.11), the others name their version ({@code postgresql-18}, {@code mariadb-11}). The {@link #id()} is
 * what test display names ({@code [postgresql-18]}), {@code IDEM_DATABASES}, the race lab's options and
 * reports, and the environment variables ({@code IDEM_POSTGRESQL_18_URL}) use.
 */
public enum Target {
    POSTGRESQL(Engine.POSTGRESQL, null, "postgres:15", true),
    POSTGRESQL_16(Engine.POSTGRESQL, "16", "postgres:16", false),
    POSTGRESQL_18(Engine.POSTGRESQL, "18", "postgres:18", true),
    MARIADB(Engine.MARIADB, null, "mariadb:10.11", true),
    MARIADB_11(Engine.MARIADB, "11", "mariadb:11.4", true),
    MYSQL(Engine.MYSQL, null, "mysql:8.4", true),
    SQLITE(Engine.SQLITE, null, null, true),
    H2(Engine.H2, null, null, true);

    private final Engine engine;
    private final String version;
    private final String image;
    private final boolean byDefault;

    Target(Engine engine, String version, String image, boolean byDefault) {
        this.engine = engine;
        this.version = version;
        this.image = image;
        this.byDefault = byDefault;
    }

    /** {@code postgresql}, {@code postgresql-18}, {@code mysql}, ... */
    public String id() {
        return version == null ? engine.id() : engine.id() + "-" + version;
    }

    public Engine engine() {
        return engine;
    }

    public boolean isServer() {
        return engine.isServer();
    }

    /** True for the targets a run covers when {@code IDEM_DATABASES} does not name any. */
    public boolean byDefault() {
        return byDefault;
    }

    /** The Docker image used when Testcontainers provides this database. */
    public String image() {
        return image;
    }

    /** Environment variable holding this database's JDBC URL, e.g. {@code IDEM_POSTGRESQL_18_URL}. */
    public String urlVariable() {
        return "IDEM_" + name() + "_URL";
    }

    public String userVariable() {
        return "IDEM_" + name() + "_USER";
    }

    public String passwordVariable() {
        return "IDEM_" + name() + "_PASSWORD";
    }

    /** The targets a run covers by default, in declaration order. */
    public static List<Target> defaults() {
        return Arrays.stream(values()).filter(Target::byDefault).toList();
    }

    public static Target fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (Target target : values()) {
            if (target.id().equals(wanted)) {
                return target;
            }
        }
        throw new IllegalArgumentException("Unknown database '" + id + "'; expected one of "
                + Arrays.stream(values()).map(Target::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id();
    }
}
