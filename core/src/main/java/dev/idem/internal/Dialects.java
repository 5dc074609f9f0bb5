package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** Picks the dialect for a database from its metadata, once per {@link dev.idem.Idem}. */
public final class Dialects {

    /**
     * MySQL's and MariaDB's locking read. {@code LOCK IN SHARE MODE} rather than {@code FOR SHARE}: MariaDB
     * has no {@code FOR SHARE}, and MySQL 8 still takes the older form.
     */
    static final String LOCK_IN_SHARE_MODE = " lock in share mode";

    private Dialects() {
    }

    public static Dialect detect(DatabaseMetaData meta) throws SQLException {
        return switch (Vendor.of(meta)) {
            case POSTGRESQL -> OnConflictDialect.postgresql();
            case MARIADB -> new MariaDbDialect();
            case MYSQL -> new MysqlDialect();
            // ON CONFLICT arrived in SQLite 3.24 and RETURNING in 3.35.
            case SQLITE -> atLeast(meta, 3, 35) ? OnConflictDialect.sqlite() : new GenericDialect("sqlite (before 3.35)");
            case H2 -> new H2Dialect();
            case OTHER -> new GenericDialect(meta.getDatabaseProductName());
        };
    }

    private static boolean atLeast(DatabaseMetaData meta, int major, int minor) throws SQLException {
        return meta.getDatabaseMajorVersion() > major
                || meta.getDatabaseMajorVersion() == major && meta.getDatabaseMinorVersion() >= minor;
    }

    /** MySQL's and MariaDB's identifier quotes, the closing backtick doubled inside. */
    static String backticks(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
