package dev.idem;

/**
 * Any other failure of the database or the driver while Idem worked (a lost connection, a permission,
 * a syntax the database rejects); the cause is the driver's {@link java.sql.SQLException}, and the
 * message says which operation on which table failed.
 */
public final class DatabaseException extends IdemException {

    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
