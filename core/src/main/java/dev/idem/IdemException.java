package dev.idem;

import java.sql.SQLException;

/**
 * Every failure Idem reports. Unchecked; when the database raised the failure, the original
 * {@link SQLException} is the {@linkplain #getCause() cause}. Subclasses say what to do next.
 */
public abstract class IdemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected IdemException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The SQLSTATE of the database error behind this one, or {@code null} when there is none. */
    public String sqlState() {
        return getCause() instanceof SQLException e ? e.getSQLState() : null;
    }

    /** The vendor error code of the database error behind this one, or 0 when there is none. */
    public int vendorCode() {
        return getCause() instanceof SQLException e ? e.getErrorCode() : 0;
    }
}
