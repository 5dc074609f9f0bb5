package dev.idem.internal;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/** Which database is behind a connection, for the error classifier and the choice of dialect. */
public enum Vendor {
    POSTGRESQL, MYSQL, MARIADB, SQLITE, H2, OTHER;

    /**
     * Reads the product from the driver. Connector/J names MariaDB "MySQL", so MariaDB is told apart by
     * its version string ({@code 5.5.5-10.11.6-MariaDB}, or {@code 11.4.2-MariaDB}).
     */
    public static Vendor of(DatabaseMetaData meta) throws SQLException {
        String product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
        String version = meta.getDatabaseProductVersion().toLowerCase(Locale.ROOT);
        if (product.contains("mariadb") || version.contains("mariadb")) {
            return MARIADB;
        }
        if (product.contains("mysql")) {
            return MYSQL;
        }
        if (product.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (product.contains("sqlite")) {
            return SQLITE;
        }
        if (product.equals("h2")) {
            return H2;
        }
        return OTHER;
    }

    boolean isMysqlFamily() {
        return this == MYSQL || this == MARIADB;
    }
}
