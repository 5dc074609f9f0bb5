package dev.idem.lab;

import java.sql.SQLException;

/**
 * The insert failed on the unique key, yet selecting the key again found no row: the transaction's
 * snapshot predates the row. Django re-raises the IntegrityError at this point.
 */
final class InvisibleRowException extends SQLException {

    private static final long serialVersionUID = 1L;

    InvisibleRowException(SQLException duplicate) {
        super("duplicate key, yet the re-select found no row (the snapshot predates it): " + duplicate.getMessage(),
                duplicate.getSQLState(), duplicate.getErrorCode(), duplicate);
    }
}
