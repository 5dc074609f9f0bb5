package dev.idem.internal;

/**
 * Which server is behind a connection, as {@link Database} detected it: the key of {@link SqlErrors}'
 * tables, whose codes belong to the server whatever dialect writes the SQL.
 */
public enum Vendor {
    POSTGRESQL, MYSQL, MARIADB, SQLITE, H2, OTHER
}
