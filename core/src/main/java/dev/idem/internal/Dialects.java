package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks the dialect for a database from its metadata, once per {@link dev.idem.Idem}. */
public final class Dialects {

    private static final Pattern MARIADB_VERSION = Pattern.compile("^(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)");

    private Dialects() {
    }

    public static Dialect detect(DatabaseMetaData meta) throws SQLException {
        return switch (Vendor.of(meta)) {
            case POSTGRESQL -> OnConflictDialect.postgresql();
            // RETURNING arrived in MariaDB 10.5.
            case MARIADB -> mariaDb(meta.getDatabaseProductVersion());
            // SKIP LOCKED arrived in MySQL 8.0.1 (8.0.0 was a development milestone, never released as such).
            case MYSQL -> meta.getDatabaseMajorVersion() >= 8 ? InnoDbDialect.mysql() : InnoDbDialect.mysql().withoutSkipLocked();
            // ON CONFLICT arrived in SQLite 3.24 and RETURNING in 3.35.
            case SQLITE -> atLeast(meta, 3, 35) ? OnConflictDialect.sqlite() : new GenericDialect("sqlite (before 3.35)");
            case H2 -> new H2Dialect();
            case OTHER -> new GenericDialect(meta.getDatabaseProductName());
        };
    }

    /** RETURNING arrived in MariaDB 10.5 and SKIP LOCKED in 10.6. */
    private static Dialect mariaDb(String version) {
        InnoDbDialect dialect = mariaDbAtLeast(version, 10, 5) ? InnoDbDialect.mariadb() : InnoDbDialect.mysql();
        return mariaDbAtLeast(version, 10, 6) ? dialect : dialect.withoutSkipLocked();
    }

    /**
     * MariaDB before 11 announces itself as {@code 5.5.5-10.11.6-MariaDB} for old MySQL clients, and
     * Connector/J then reports major version 5: the real version follows the prefix.
     */
    static boolean mariaDbAtLeast(String version, int major, int minor) {
        Matcher m = MARIADB_VERSION.matcher(version);
        if (!m.find()) {
            return false;
        }
        int actualMajor = Integer.parseInt(m.group(1));
        return actualMajor > major || actualMajor == major && Integer.parseInt(m.group(2)) >= minor;
    }

    private static boolean atLeast(DatabaseMetaData meta, int major, int minor) throws SQLException {
        return meta.getDatabaseMajorVersion() > major
                || meta.getDatabaseMajorVersion() == major && meta.getDatabaseMinorVersion() >= minor;
    }
}
