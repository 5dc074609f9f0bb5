package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;

/** Picks the dialect for a database from its metadata, once per {@link dev.idem.Idem}. */
public final class Dialects {

    private Dialects() {
    }

    public static Dialect detect(DatabaseMetaData meta) throws SQLException {
        return switch (Vendor.of(meta)) {
            case POSTGRESQL -> new PostgresDialect();
            case MARIADB -> new MariaDbDialect();
            case MYSQL -> new MysqlDialect();
            // ON CONFLICT arrived in SQLite 3.24 and RETURNING in 3.35.
            case SQLITE -> atLeast(meta, 3, 35) ? new SqliteDialect() : new GenericDialect("sqlite (before 3.35)");
            case H2 -> new H2Dialect();
            case OTHER -> new GenericDialect(meta.getDatabaseProductName());
        };
    }

    private static boolean atLeast(DatabaseMetaData meta, int major, int minor) throws SQLException {
        return meta.getDatabaseMajorVersion() > major
                || meta.getDatabaseMajorVersion() == major && meta.getDatabaseMinorVersion() >= minor;
    }

    /** The {@code ON CONFLICT (key) DO NOTHING RETURNING} insert that PostgreSQL and SQLite share. */
    static String insertOnConflictDoNothing(String table, List<String> columns, List<String> key, String returning) {
        return "insert into " + table + " (" + String.join(", ", columns) + ") values (?" + ", ?".repeat(columns.size() - 1)
                + ") on conflict (" + String.join(", ", key) + ") do nothing returning " + returning;
    }

    /** The multi-row link insert that PostgreSQL and SQLite share, returning the targets it inserted. */
    static String insertLinksOnConflictDoNothing(String table, String owner, String target, int pairs) {
        return "insert into " + table + " (" + owner + ", " + target + ") values (?, ?)" + ", (?, ?)".repeat(pairs - 1)
                + " on conflict (" + owner + ", " + target + ") do nothing returning " + target;
    }
}
