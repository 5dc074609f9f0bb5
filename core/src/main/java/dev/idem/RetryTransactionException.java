package dev.idem;

/**
 * Only running the whole transaction again can succeed: a serialization failure (PostgreSQL's 40001
 * under REPEATABLE READ or SERIALIZABLE), a deadlock (MySQL and MariaDB roll the whole transaction back),
 * a lock timeout, or SQLite's {@code SQLITE_BUSY}. Idem has not committed or rolled back the caller's
 * transaction: roll it back and run the unit of work again, or let
 * {@link Idem#inTransaction(TransactionWork, RetryPolicy)} do both.
 */
public final class RetryTransactionException extends IdemException {

    private static final long serialVersionUID = 1L;

    public RetryTransactionException(String message, Throwable cause) {
        super(message, cause);
    }
}
