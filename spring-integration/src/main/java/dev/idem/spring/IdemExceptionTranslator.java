package dev.idem.spring;

import dev.idem.DatabaseException;
import dev.idem.IdemException;
import dev.idem.IntegrityViolationException;
import dev.idem.NoSuchRowException;
import dev.idem.RetryTransactionException;
import dev.idem.SchemaMismatchException;
import java.sql.SQLException;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.support.PersistenceExceptionTranslator;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;

/**
 * Idem's exceptions as Spring's {@link DataAccessException}s, each keeping Idem's message and Idem's
 * exception as its cause (with the driver's {@link SQLException} behind it):
 *
 * <table>
 * <caption>Idem's exception, and Spring's</caption>
 * <tr><th>Idem</th><th>Spring</th></tr>
 * <tr><td>{@link RetryTransactionException}</td><td>{@link CannotAcquireLockException} for a lock timeout, else
 *     {@link PessimisticLockingFailureException} (a deadlock, a serialization failure, {@code SQLITE_BUSY}): both
 *     {@link org.springframework.dao.ConcurrencyFailureException}s, so {@link org.springframework.dao.TransientDataAccessException}s</td></tr>
 * <tr><td>{@link IntegrityViolationException}</td><td>{@link DuplicateKeyException} for a unique constraint other
 *     than the key, else {@link DataIntegrityViolationException}</td></tr>
 * <tr><td>{@link NoSuchRowException} (an update named a missing row)</td><td>{@link EmptyResultDataAccessException}</td></tr>
 * <tr><td>{@link SchemaMismatchException}</td><td>{@link InvalidDataAccessResourceUsageException}</td></tr>
 * <tr><td>{@link DatabaseException}</td><td>{@link IdemSystemException}</td></tr>
 * </table>
 *
 * <p>{@link SpringIdem} and {@link SpringIdemSession} throw the translated exceptions themselves. As a bean
 * (Spring Boot's auto-configuration declares one), it also lets Spring translate Idem's exceptions thrown
 * from any {@code @Repository}. Other exceptions are left alone.
 */
public final class IdemExceptionTranslator implements PersistenceExceptionTranslator {

    /** Spring's own reading of SQLSTATEs, to tell a lock timeout and a duplicate key apart. */
    private static final SQLStateSQLExceptionTranslator SQL_STATES = new SQLStateSQLExceptionTranslator();

    @Override
    public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
        return ex instanceof IdemException idem ? translate(idem) : null;
    }

    /** The Spring exception for {@code ex}; see the table above. */
    public static DataAccessException translate(IdemException ex) {
        String message = ex.getMessage();
        DataAccessException spring = ex.getCause() instanceof SQLException sql ? SQL_STATES.translate("Idem", null, sql) : null;
        if (ex instanceof RetryTransactionException) {
            return spring instanceof CannotAcquireLockException
                    ? new CannotAcquireLockException(message, ex)
                    : new PessimisticLockingFailureException(message, ex);
        }
        if (ex instanceof IntegrityViolationException) {
            return spring instanceof DuplicateKeyException
                    ? new DuplicateKeyException(message, ex)
                    : new DataIntegrityViolationException(message, ex);
        }
        if (ex instanceof NoSuchRowException) {
            return new EmptyResultDataAccessException(message, 1, ex);
        }
        if (ex instanceof SchemaMismatchException) {
            return new InvalidDataAccessResourceUsageException(message, ex);
        }
        return new IdemSystemException(message, ex);
    }

    /** A driver's exception raised around Idem's work, through Spring's SQLSTATE translation. */
    static DataAccessException translate(String task, SQLException ex) {
        DataAccessException spring = SQL_STATES.translate(task, null, ex);
        return spring != null ? spring : new UncategorizedSQLException(task, null, ex);
    }
}
