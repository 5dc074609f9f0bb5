package dev.idem.lab.scenario;

import dev.idem.lab.ErrorClass;
import java.sql.SQLException;

/**
 * The insert failed on the unique key, yet selecting the key again found no row: the transaction's
 * snapshot predates the row. Django re-raises the IntegrityError at this point.
 */
public final class InvisibleRowException extends SQLException implements ErrorClass.InvisibleRow {

    private static final long serialVersionUID = 1L;

    public InvisibleRowException(SQLException duplicate) {
        super("duplicate key, yet the re-select found no row (the snapshot predates it): " + duplicate.getMessage(),
                duplicate.getSQLState(), duplicate.getErrorCode(), duplicate);
    }
}
