package dev.idem;

/**
 * Any other failure of the database or the driver while Idem worked; the cause is the driver's
 * {@link java.sql.SQLException}. Nothing Idem did was committed unless the connection was in auto-commit
 * mode and the statement that failed came after one that succeeded.
 */
public final class DatabaseException extends IdemException {

    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
