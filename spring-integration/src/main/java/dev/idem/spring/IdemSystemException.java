package dev.idem.spring;

import dev.idem.IdemException;
import org.springframework.dao.UncategorizedDataAccessException;

/**
 * A failure of the database or the driver while Idem worked that fits no more specific Spring exception
 * (a lost connection, a permission, a statement the database rejects): Idem's
 * {@link dev.idem.DatabaseException}, whose message says which operation on which table failed, is the cause.
 */
public final class IdemSystemException extends UncategorizedDataAccessException {

    private static final long serialVersionUID = 1L;

    public IdemSystemException(String message, IdemException cause) {
        super(message, cause);
    }
}
