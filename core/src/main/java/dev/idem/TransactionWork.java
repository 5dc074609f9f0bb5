package dev.idem;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A unit of work that {@link Idem#inTransaction(TransactionWork, RetryPolicy)} runs in one transaction,
 * and runs again from the start when the database asks for a retry. It must not commit or roll back,
 * and should have no effects outside the database that would be wrong to repeat.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface TransactionWork<T> {

    T run(Connection connection) throws SQLException;
}
