package dev.idem.lab;

import dev.idem.testing.Engine;
import java.sql.Connection;
import java.util.Locale;

/**
 * How each attempt runs: statement by statement in auto-commit mode, or in one transaction at an
 * isolation level. SQLite has one isolation level; what matters there is whether a transaction begins
 * {@code DEFERRED} (sqlite-jdbc's default: it takes the write lock only at its first write) or
 * {@code IMMEDIATE}.
 */
public enum Isolation {
    AUTOCOMMIT(-1),
    READ_COMMITTED(Connection.TRANSACTION_READ_COMMITTED),
    REPEATABLE_READ(Connection.TRANSACTION_REPEATABLE_READ),
    SERIALIZABLE(Connection.TRANSACTION_SERIALIZABLE),
    DEFERRED(-1),
    IMMEDIATE(-1);

    private final int jdbcLevel;

    Isolation(int jdbcLevel) {
        this.jdbcLevel = jdbcLevel;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean transactional() {
        return this != AUTOCOMMIT;
    }

    /** The JDBC level to configure on connections, or -1 when the database's own setting applies. */
    public int jdbcLevel() {
        return jdbcLevel;
    }

    /** What a plain transaction gets on {@code engine} when nobody chooses a level. */
    public static Isolation defaultTransaction(Engine engine) {
        return switch (engine) {
            case MYSQL, MARIADB -> REPEATABLE_READ;
            case SQLITE -> DEFERRED;
            case POSTGRESQL, H2 -> READ_COMMITTED;
        };
    }

    /** True when {@code engine} can run a transaction this way. */
    public boolean availableOn(Engine engine) {
        boolean sqliteOnly = this == DEFERRED || this == IMMEDIATE;
        boolean levels = jdbcLevel >= 0;
        return this == AUTOCOMMIT || (engine == Engine.SQLITE ? sqliteOnly : levels);
    }

    public static Isolation fromId(String id) {
        for (Isolation isolation : values()) {
            if (isolation.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                return isolation;
            }
        }
        throw new IllegalArgumentException("Unknown isolation '" + id
                + "'; expected autocommit, read-committed, repeatable-read, serializable, deferred, immediate or transaction");
    }

    @Override
    public String toString() {
        return id();
    }
}
